"""The variable catalogue: names, types and which event kinds provide them."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

from dfire_desktop.engine import catalogue
from dfire_desktop.engine.catalogue import (
    CATEGORIES,
    VARIABLES,
    is_valid_secret_name,
    lookup,
    variables_for,
)
from dfire_desktop.engine.events import EventKind

# Every variable the specification lists, in its order, copied verbatim.
SPEC_PATHS = [
    "meta.event_type",
    "meta.timestamp",
    "meta.webhook_name",
    "meta.base_url",
    "meta.case_url",
    "meta.item_url",
    "meta.tenant_name",
    "meta.tenant_uuid",
    "meta.environment",
    "meta.previous_severity",
    "meta.new_severity",
    "case.id",
    "case.case_number",
    "case.title",
    "case.description",
    "case.status",
    "case.severity",
    "case.case_mode",
    "case.phase_name",
    "case.phase_order",
    "case.case_type_name",
    "case.lead_investigator",
    "case.created_at",
    "case.updated_at",
    "event.id",
    "event.event_type",
    "event.title",
    "event.description",
    "event.subject",
    "event.details",
    "event.location",
    "event.is_manual",
    "event.actor_username",
    "event.event_datetime",
    "event.created_at",
    "event.metadata",
    "item.uuid",
    "item.name",
    "item.item_type_name",
    "item.status_name",
    "item.created_at",
    "timer.id",
    "timer.name",
    "timer.framework",
    "timer.duration_hours",
    "timer.authority_name",
    "timer.threshold_triggered",
    "timer.time_remaining_seconds",
    "timer.deadline",
]

TIMER_KINDS = {
    EventKind.TIMER_50,
    EventKind.TIMER_25,
    EventKind.TIMER_10,
    EventKind.TIMER_BREACHED,
}
EVIDENCE_KINDS = {EventKind.EVIDENCE_ADDED, EventKind.EVIDENCE_STATUS_CHANGED}
SEVERITY_KINDS = {
    EventKind.SEVERITY_ESCALATED,
    EventKind.SEVERITY_DOWNGRADED,
    EventKind.INVESTIGATION_ESCALATED,
}
SPECIAL_META = {"meta.item_url", "meta.previous_severity", "meta.new_severity"}
TYPES = {"string", "integer", "boolean", "timestamp", "object", "number"}


def providers(path: str) -> set[EventKind]:
    variable = lookup(path)
    assert variable is not None
    return set(variable.kinds)


def test_catalogue_holds_exactly_the_specified_variables_in_order() -> None:
    """The catalogue lists every variable of the specification, verbatim, in
    order, and nothing else."""
    assert [variable.path for variable in VARIABLES] == SPEC_PATHS


def test_every_variable_has_a_description_and_a_known_type() -> None:
    """Each variable has a description and one of the six value types."""
    assert all(variable.description for variable in VARIABLES)
    assert {variable.type for variable in VARIABLES} <= TYPES


def test_lookup_finds_variables_and_nothing_else() -> None:
    """lookup returns the variable for a known path and None for unknown paths
    and secrets."""
    title = lookup("case.title")

    assert title is not None
    assert (title.category, title.name, title.type) == ("case", "title", "string")
    assert lookup("case.titel") is None
    assert lookup("secret.pushover_api_token") is None


@pytest.mark.parametrize(
    ("category", "kinds"),
    [
        ("case", set(EventKind)),
        ("event", {EventKind.TIMELINE_EVENT_CREATED, EventKind.TEST}),
        ("item", EVIDENCE_KINDS | {EventKind.TEST}),
        ("timer", TIMER_KINDS | {EventKind.TEST}),
    ],
)
def test_each_category_is_provided_by_its_kinds(
    category: str, kinds: set[EventKind]
) -> None:
    """Every variable of a category is provided by exactly that category's event
    kinds."""
    in_category = [v for v in VARIABLES if v.category == category]

    assert in_category
    assert all(set(variable.kinds) == kinds for variable in in_category)


def test_meta_is_provided_by_every_kind_with_three_exceptions() -> None:
    """meta.* comes with every kind, except item_url (evidence kinds) and the
    two severity variables (severity-changing kinds), test event included."""
    common = [
        v for v in VARIABLES if v.category == "meta" and v.path not in SPECIAL_META
    ]

    assert all(set(variable.kinds) == set(EventKind) for variable in common)
    assert providers("meta.item_url") == EVIDENCE_KINDS | {EventKind.TEST}
    assert providers("meta.previous_severity") == SEVERITY_KINDS | {EventKind.TEST}
    assert providers("meta.new_severity") == SEVERITY_KINDS | {EventKind.TEST}


def test_variables_for_is_the_union_in_catalogue_order() -> None:
    """variables_for gives the variables any of the kinds provides, in catalogue
    order, without duplicates."""
    paths = [v.path for v in variables_for([EventKind.CASE_CLOSED, EventKind.TIMER_10])]

    assert paths == [
        path
        for path in SPEC_PATHS
        if path.split(".")[0] in {"case", "timer"}
        or (path.startswith("meta.") and path not in SPECIAL_META)
    ]


def test_variables_for_no_kinds_is_empty() -> None:
    """No event kinds provide no variables."""
    assert variables_for([]) == []


def test_categories_include_secret_last() -> None:
    """The categories are the five variable categories and then secret."""
    assert list(CATEGORIES) == ["meta", "case", "event", "item", "timer", "secret"]


@pytest.mark.parametrize(
    "name", ["pushover_api_token", "_x", "a.b-c_9", "A" * 100, "Z"]
)
def test_valid_secret_names(name: str) -> None:
    """Names that start with a letter or underscore and use letters, digits,
    _ . - up to 100 characters are valid."""
    assert is_valid_secret_name(name)


@pytest.mark.parametrize(
    "name", ["", "9lives", "-x", ".x", "a b", "a/b", "é", "A" * 101, "ok\n"]
)
def test_invalid_secret_names(name: str) -> None:
    """Anything else, including a trailing newline or a 101st character, is not
    a valid secret name."""
    assert not is_valid_secret_name(name)


def test_template_modules_import_no_qt() -> None:
    """Importing the catalogue, templating, lint and samples modules pulls in no
    Qt and no UI code."""
    code = (
        "import sys\n"
        "import dfire_desktop.engine.catalogue, dfire_desktop.engine.templating\n"
        "import dfire_desktop.engine.lint, dfire_desktop.engine.samples\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'qasync')"
        " or m.startswith('dfire_desktop.ui')]\n"
        "print(bad)\n"
    )
    root = pathlib.Path(catalogue.__file__).parents[2]

    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    )

    assert result.stdout.strip() == "[]"
