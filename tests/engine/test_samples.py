"""Sample variable contexts for previews and lint."""

from __future__ import annotations

import json
import re

import pytest

from dfire_desktop.engine.catalogue import lookup, variables_for
from dfire_desktop.engine.events import EventKind
from dfire_desktop.engine.samples import sample_context
from dfire_desktop.engine.templating import render_payload

RFC3339_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z")
VALUE_TYPES = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
}


def no_secrets(name: str) -> str | None:
    return None


@pytest.mark.parametrize("kind", list(EventKind))
def test_sample_provides_exactly_the_catalogue_variables_of_its_kind(
    kind: EventKind,
) -> None:
    """Each kind's sample carries exactly the variables the catalogue says that
    kind provides."""
    context = sample_context(kind)

    paths = {
        f"{category}.{name}" for category, values in context.items() for name in values
    }
    assert paths == {variable.path for variable in variables_for([kind])}


@pytest.mark.parametrize("kind", list(EventKind))
def test_sample_values_match_their_catalogue_types(kind: EventKind) -> None:
    """Every sample value is None or of its catalogue type, and timestamps are
    RFC 3339 UTC with Z."""
    context = sample_context(kind)

    for category, values in context.items():
        for name, value in values.items():
            variable = lookup(f"{category}.{name}")
            assert variable is not None
            if value is None:
                continue
            if variable.type == "timestamp":
                assert RFC3339_UTC.fullmatch(value), variable.path
            else:
                assert isinstance(value, VALUE_TYPES[variable.type]), variable.path


@pytest.mark.parametrize("kind", list(EventKind))
def test_every_sample_renders_the_default_payload(kind: EventKind) -> None:
    """Each kind's sample renders the default payload to JSON naming that kind."""
    rendered = render_payload("", sample_context(kind), {}, no_secrets)

    assert json.loads(rendered.body)["event_type"] == kind.value


def test_sample_urls_follow_the_base_url_and_case_id() -> None:
    """meta.case_url and meta.item_url are built from the base URL, case id and
    item uuid, without a doubled slash."""
    context = sample_context(EventKind.EVIDENCE_ADDED, base_url="https://dfire.lab/")

    case_id = context["case"]["id"]
    item_uuid = context["item"]["uuid"]
    assert context["meta"]["base_url"] == "https://dfire.lab"
    assert context["meta"]["case_url"] == f"https://dfire.lab/cases/{case_id}"
    assert context["meta"]["item_url"] == (
        f"https://dfire.lab/cases/{case_id}/evidence/{item_uuid}"
    )


def test_sample_uses_the_given_names() -> None:
    """The webhook and tenant names given are the ones the sample carries."""
    meta = sample_context(EventKind.TEST, webhook_name="Pager", tenant_name="SOC")[
        "meta"
    ]

    assert (meta["webhook_name"], meta["tenant_name"]) == ("Pager", "SOC")


def test_timeline_sample_is_a_critical_case_with_a_manual_event() -> None:
    """The timeline sample is a critical open incident with a manual MANUAL event,
    as the Pushover example expects."""
    context = sample_context(EventKind.TIMELINE_EVENT_CREATED)

    assert context["case"]["severity"] == "critical"
    assert context["case"]["status"] == "open"
    assert context["event"]["event_type"] == "MANUAL"
    assert context["event"]["is_manual"] is True
    assert context["meta"]["event_type"] == "timeline_event_created"


@pytest.mark.parametrize(
    ("kind", "threshold"),
    [
        (EventKind.TIMER_50, 50),
        (EventKind.TIMER_25, 25),
        (EventKind.TIMER_10, 10),
        (EventKind.TIMER_BREACHED, 0),
    ],
)
def test_timer_samples_carry_their_threshold_and_remaining_time(
    kind: EventKind, threshold: int
) -> None:
    """Each timer kind's sample names its threshold, with the matching share of
    the duration left."""
    timer = sample_context(kind)["timer"]

    duration_seconds = timer["duration_hours"] * 3600
    assert timer["threshold_triggered"] == threshold
    assert timer["time_remaining_seconds"] == duration_seconds * threshold // 100


@pytest.mark.parametrize(
    ("kind", "status", "mode"),
    [
        (EventKind.CASE_CLOSED, "closed", "incident"),
        (EventKind.CASE_ARCHIVED, "archived", "incident"),
        (EventKind.INVESTIGATION_CREATED, "open", "investigation"),
    ],
)
def test_case_samples_fit_their_kind(kind: EventKind, status: str, mode: str) -> None:
    """A closed, archived or new-investigation sample shows that status and mode."""
    case = sample_context(kind)["case"]

    assert (case["status"], case["case_mode"]) == (status, mode)


def test_severity_change_samples_agree_with_the_case() -> None:
    """An escalation goes up to the case's severity and a downgrade comes down to
    it."""
    up = sample_context(EventKind.SEVERITY_ESCALATED)
    down = sample_context(EventKind.SEVERITY_DOWNGRADED)

    assert up["meta"]["new_severity"] == up["case"]["severity"] == "critical"
    assert up["meta"]["previous_severity"] == "high"
    assert down["meta"]["new_severity"] == down["case"]["severity"] == "high"
    assert down["meta"]["previous_severity"] == "critical"
