"""Template and value-mapping problems reported to the editor."""

from __future__ import annotations

import pytest

from dfire_desktop.engine.events import EventKind
from dfire_desktop.engine.lint import LintMessage, lint

TIMELINE = [EventKind.TIMELINE_EVENT_CREATED]
MAPPINGS = '{"severity": {"critical": 2}}'

GOOD_TEMPLATE = """{
  "token": "{{secret.pushover_api_token}}",
  "title": "{{case.case_number}} {{case.title}}",
  "message": "{{event.event_type}}: {{event.title}}",
  "priority": {{case.severity|mapped}}
}"""


def test_clean_template_has_no_messages() -> None:
    """A valid template whose variables, secret and mapping all exist yields no
    messages."""
    assert lint(GOOD_TEMPLATE, MAPPINGS, TIMELINE, ["pushover_api_token"]) == []


def test_blank_template_and_mappings_have_no_messages() -> None:
    """A blank template means the default payload and blank mappings mean none,
    so neither is a problem."""
    assert lint("  \n", "", TIMELINE, []) == []


def test_invalid_json_is_reported_at_its_template_position() -> None:
    """A template that is not JSON once rendered is reported at the line and
    column of the problem in the template."""
    template = '{\n  "a": {{case.title}}\n  "b": "{{case.id}}"\n}'

    assert lint(template, "", TIMELINE, []) == [
        LintMessage(
            3, 3, "error", "payload template is not valid JSON: Expecting ',' delimiter"
        )
    ]


def test_json_position_ignores_long_placeholders_before_it() -> None:
    """The JSON error column is the template's own even after long placeholders
    on the same line."""
    template = '{"a": "{{ meta.case_url }}{{case.title}}", "b": {{case.title}} }x'

    messages = lint(template, "", TIMELINE, [])

    assert [(m.line, m.column) for m in messages] == [(1, 65)]
    assert messages[0].message.endswith("Extra data")


def test_unknown_variable_is_an_error_with_a_suggestion() -> None:
    """An unknown variable is an error at its position, suggesting the closest
    catalogue name."""
    template = '{\n  "t": "x {{case.titel}}"\n}'

    assert lint(template, "", TIMELINE, []) == [
        LintMessage(
            2,
            11,
            "error",
            "unknown variable {{case.titel}}; did you mean {{case.title}}?",
        )
    ]


def test_unknown_filter_is_an_error() -> None:
    """A filter other than mapped is an error at the placeholder."""
    assert lint('{"t": "{{case.title|upper}}"}', "", TIMELINE, []) == [
        LintMessage(1, 8, "error", "unknown filter |upper in {{case.title|upper}}")
    ]


def test_missing_secret_is_an_error() -> None:
    """A secret that is not stored is an error at the placeholder."""
    template = '{\n"token": "{{secret.pushover_token}}"}'

    assert lint(template, "", TIMELINE, ["other"]) == [
        LintMessage(2, 11, "error", 'secret "pushover_token" does not exist')
    ]


def test_mapped_secret_is_an_error() -> None:
    """A secret placeholder with |mapped is an error even when the secret exists."""
    messages = lint('{"t": "{{secret.tok|mapped}}"}', "", TIMELINE, ["tok"])

    assert [(m.line, m.column, m.severity) for m in messages] == [(1, 8, "error")]
    assert "cannot be mapped" in messages[0].message


def test_mappings_that_are_not_json_are_an_error_in_the_mappings() -> None:
    """Value mappings that are not JSON are reported at their own line and
    column, against the mappings text."""
    messages = lint("", '{\n  "severity": {"critical": 2,}\n}', TIMELINE, [])

    assert messages == [
        LintMessage(
            2,
            30,
            "error",
            "value mappings are not valid JSON: Expecting property name enclosed"
            " in double quotes",
            target="mappings",
        )
    ]


def test_mappings_that_are_not_an_object_of_objects_are_an_error() -> None:
    """Value mappings that parse but are not an object of objects are an error
    against the mappings text."""
    messages = lint("", '{"severity": ["critical"]}', TIMELINE, [])

    assert [(m.target, m.severity) for m in messages] == [("mappings", "error")]
    assert messages[0].message.startswith("value mappings must be a JSON object")


def test_mapped_variable_without_a_mapping_is_a_warning() -> None:
    """|mapped on a variable with no table under its path or last segment is a
    warning."""
    template = '{"a": {{case.severity|mapped}},\n "b": {{case.status|mapped}}}'

    assert lint(template, MAPPINGS, TIMELINE, []) == [
        LintMessage(
            2,
            7,
            "warning",
            "{{case.status|mapped}} has no value mapping, so it is inserted unchanged",
        )
    ]


def test_variable_no_selected_event_provides_is_a_warning() -> None:
    """A variable none of the selected event kinds provides is a warning at its
    position."""
    template = '{"timer": "{{timer.name}}", "case": "{{case.title}}"}'

    assert lint(template, "", [EventKind.CASE_CLOSED], []) == [
        LintMessage(
            1,
            12,
            "warning",
            "{{timer.name}} is not provided by any of the selected events",
        )
    ]


def test_variable_provided_by_one_of_several_kinds_is_fine() -> None:
    """A variable is fine when at least one selected event kind provides it."""
    template = '{"timer": "{{timer.name}}"}'

    assert lint(template, "", [EventKind.CASE_CLOSED, EventKind.TIMER_10], []) == []


def test_non_finite_mapping_values_are_an_error_in_the_mappings() -> None:
    """NaN in value mappings is not JSON, though Python's parser accepts it, and
    is reported where it stands."""
    messages = lint("", '{"severity": {"critical": NaN}}', TIMELINE, [])

    assert messages == [
        LintMessage(
            1,
            27,
            "error",
            "value mappings are not valid JSON: NaN is not a number",
            target="mappings",
        )
    ]


def test_deeply_nested_mappings_are_an_error_not_a_crash() -> None:
    """Mappings nested past the parser's depth limit are reported, not raised."""
    messages = lint("", "[" * 100_000, TIMELINE, [])

    assert [(m.target, m.severity) for m in messages] == [("mappings", "error")]


def test_messages_are_ordered_by_position() -> None:
    """Messages come template first, then by line and column, mappings last."""
    template = '{"b": "{{case.bad2}}",\n"a": "{{case.bad1}}", "c": "{{secret.x}}"}'

    messages = lint(template, "[", TIMELINE, [])

    assert [(m.target, m.line, m.column) for m in messages] == [
        ("template", 1, 8),
        ("template", 2, 7),
        ("template", 2, 29),
        ("mappings", 1, 2),
    ]


def test_broken_mappings_do_not_add_mapping_warnings() -> None:
    """When the mappings themselves are broken, |mapped placeholders get no extra
    no-mapping warning."""
    messages = lint('{"p": {{case.severity|mapped}}}', "{", TIMELINE, [])

    assert [m.target for m in messages] == ["mappings"]


@pytest.mark.parametrize(
    ("template", "column", "brace"),
    [('{"a": "{{case.title}"}', 8, "{{"), ('{"a": "{case.title}}"}', 19, "}}")],
)
def test_a_brace_too_few_is_pointed_out(template: str, column: int, brace: str) -> None:
    """A placeholder missing one brace is sent as literal text, so lint warns
    at the stray pair instead of staying silent."""
    (message,) = lint(template, "", [EventKind.TEST], [])

    assert (message.line, message.column, message.severity) == (1, column, "warning")
    assert message.message.startswith(f"{brace} here is not part of a placeholder")


def test_complete_placeholders_raise_no_brace_warning() -> None:
    """Well-formed placeholders, in strings and bare, give no stray warning."""
    template = '{"a": "{{case.title}}", "b": {{case.phase_order}}}'

    assert lint(template, "", [EventKind.INCIDENT_CREATED], []) == []
