"""JSON-aware rendering of payload templates."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dfire_desktop.engine.errors import InvalidInputError, RenderError
from dfire_desktop.engine.examples import PUSHOVER_MAPPINGS, PUSHOVER_TEMPLATE
from dfire_desktop.engine.templating import (
    SECRET_MASK,
    Placeholder,
    as_text,
    parse_placeholders,
    referenced_secrets,
    render_payload,
    render_preview,
    validate_mappings,
)

SEVERITY_MAPPINGS = {"severity": {"critical": 2, "high": 1}}

SECRET_VALUE = "s3cr3t-VALUE-9f8e"
BODY_MARKER = "BODY-MARKER-7a6b"

# One template per placeholder position; each yields the inserted pair.
POSITIONS: list[tuple[str, Callable[[Any], tuple[Any, Any]]]] = [
    (
        '{"v": "{{case.title}}", "w": "{{case.description}}"}',
        lambda d: (d["v"], d["w"]),
    ),
    ('{"a{{case.title}}": 1, "b{{case.description}}": 2}', lambda d: _keys(d)),
    ('{"v": {{case.title}}, "w": {{case.description}}}', lambda d: (d["v"], d["w"])),
    ('["a", "{{case.title}}", {{case.description}}]', lambda d: (d[1], d[2])),
    (
        '{"o": {"i": ["{{case.title}}", {"deep": {{case.description}}}]}}',
        lambda d: (d["o"]["i"][0], d["o"]["i"][1]["deep"]),
    ),
    (
        r'{"v": "<{{case.title}}> and \"{{ case.description }}\"\n"}',
        lambda d: _split_two(d["v"]),
    ),
]


def _keys(parsed: dict[str, int]) -> tuple[str, str]:
    by_value = {value: key for key, value in parsed.items()}
    return by_value[1].removeprefix("a"), by_value[2].removeprefix("b")


def _split_two(text: str) -> tuple[str, str]:
    match = re.fullmatch(r'<(.*)> and "(.*)"\n', text, re.DOTALL)
    assert match is not None
    return match.group(1), match.group(2)


def no_secrets(name: str) -> str | None:
    return None


def secret_store(name: str) -> str | None:
    return {
        "tok": SECRET_VALUE,
        "pushover_api_token": "fake-pushover-app-token",
    }.get(name)


def render(
    template: str,
    context: Mapping[str, Mapping[str, Any]] | None = None,
    mappings: Mapping[str, Any] | None = None,
    secrets: Callable[[str], str | None] = no_secrets,
) -> Any:
    rendered = render_payload(template, context or {}, mappings or {}, secrets)
    return json.loads(rendered.body)


def case(**values: Any) -> dict[str, dict[str, Any]]:
    return {"case": values}


def pushover_context() -> dict[str, dict[str, Any]]:
    return {
        "meta": {"case_url": "http://127.0.0.1:8765/cases/5b0f"},
        "case": {
            "case_number": "CASE-2026-042",
            "title": "Ransomware on FS-01",
            "severity": "critical",
        },
        "event": {
            "actor_username": "m.okafor",
            "event_type": "MANUAL",
            "title": "@page lateral movement",
            "description": "SMB from FS-01",
        },
    }


@pytest.mark.parametrize(("template", "extract"), POSITIONS)
@settings(max_examples=150, deadline=None)
@given(first=st.text(), second=st.text())
def test_any_text_round_trips_in_every_position(
    template: str, extract: Callable[[Any], tuple[Any, Any]], first: str, second: str
) -> None:
    """Arbitrary text in any placeholder position renders valid JSON that parses
    back to exactly the inserted text."""
    parsed = render(template, case(title=first, description=second))

    assert extract(parsed) == (first, second)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(value=json_values)
def test_bare_placeholder_keeps_the_values_own_type(value: Any) -> None:
    """A bare placeholder inserts any JSON value as itself, type included."""
    parsed = render('{"v": {{event.metadata}}}', {"event": {"metadata": value}})

    assert parsed == {"v": value}


@settings(max_examples=200, deadline=None)
@given(value=json_values)
def test_quoted_placeholder_inserts_the_values_text_form(value: Any) -> None:
    """Inside a string any JSON value inserts its text form, which reads as the
    value itself."""
    parsed = render('{"v": "{{event.metadata}}"}', {"event": {"metadata": value}})

    assert parsed == {"v": as_text(value)}


# Lone surrogates come from incoming JSON escapes such as "\ud800"; an
# adjacent high+low pair would legitimately re-read as one character.
lone_surrogate_text = st.text(
    st.characters(categories=["Cs"]) | st.characters(), min_size=1
).filter(lambda text: not re.search("[\ud800-\udbff][\udc00-\udfff]", text))


@settings(max_examples=150, deadline=None)
@given(value=lone_surrogate_text)
def test_lone_surrogates_still_encode_and_round_trip(value: str) -> None:
    """Text holding lone surrogates renders to encodable UTF-8 bytes that parse
    back to the same text, quoted or bare."""
    rendered = render_payload(
        '{"q": "{{case.title}}", "b": {{case.title}}}',
        case(title=value),
        {},
        no_secrets,
    )

    assert json.loads(rendered.body) == {"q": value, "b": value}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (2, "2"),
        (2.5, "2.5"),
        ("critical", "critical"),
        ({"a": [1, "é"]}, '{"a":[1,"é"]}'),
        ([1, None], "[1,null]"),
    ],
)
def test_text_form_reads_as_the_value(value: Any, text: str) -> None:
    """The in-string form of a value is its plain reading: empty, true, 2,
    compact JSON."""
    parsed = render('{"v": "{{event.metadata}}"}', {"event": {"metadata": value}})

    assert parsed == {"v": text}


def test_pushover_example_renders_as_documented() -> None:
    """The specification's Pushover template and mappings give the expected
    message for a critical case with a MANUAL timeline event."""
    parsed = render(
        PUSHOVER_TEMPLATE,
        pushover_context(),
        PUSHOVER_MAPPINGS,
        lambda name: {"pushover_api_token": "tok", "pushover_api_user": "usr"}.get(
            name
        ),
    )

    assert parsed == {
        "token": "tok",
        "user": "usr",
        "title": "You have been paged for CASE-2026-042 Ransomware on FS-01",
        "message": (
            "You have been paged by m.okafor on case CASE-2026-042:\n\n"
            "Manual timeline event: @page lateral movement, SMB from FS-01.\n\n"
            "You can access the incident here: http://127.0.0.1:8765/cases/5b0f"
        ),
        "priority": "2",
    }


def test_pushover_example_keeps_newlines_as_escapes() -> None:
    """The template's \\n escapes stay escapes in the body, never raw line breaks
    inside a string."""
    rendered = render_payload(
        PUSHOVER_TEMPLATE,
        pushover_context(),
        PUSHOVER_MAPPINGS,
        lambda name: "x",
    )

    message_line = next(
        line
        for line in rendered.text.splitlines()
        if line.lstrip().startswith('"message"')
    )
    assert message_line.count("\\n") == 4


@pytest.mark.parametrize(
    "description", ["first line\nsecond line", 'one " quote', 'both\n"\r\t\x00']
)
def test_f01_line_breaks_and_quotes_are_escaped(description: str) -> None:
    """F01: a line break or quote in a value is escaped, the body parses back to
    the original, and the preview shows the same bytes."""
    template = '{"summary": "{{case.description}}"}'
    context = case(description=description)

    sent = render_payload(template, context, {}, no_secrets)
    shown = render_preview(template, context, {}, [])

    assert "\n" not in sent.text
    assert json.loads(sent.body) == {"summary": description}
    assert shown.body == sent.body


@pytest.mark.parametrize(
    "details", ["cmd:*net\\ user*", "C:\\Temp\\new_tool.exe", "\\", "ends with \\"]
)
def test_f02_backslashes_are_doubled(details: str) -> None:
    """F02: every backslash is written as \\\\, so C:\\Temp\\new_tool.exe gains
    no newline and parses back unchanged."""
    rendered = render_payload(
        '{"query": "{{event.details}}"}',
        {"event": {"details": details}},
        {},
        no_secrets,
    )

    assert rendered.text == '{"query": "' + details.replace("\\", "\\\\") + '"}'
    assert json.loads(rendered.body) == {"query": details}


def test_f02_unknown_query_variable_is_refused() -> None:
    """F02's event.query is not a catalogue variable, so it is refused by name
    rather than rendered empty."""
    with pytest.raises(RenderError, match=r"unknown variable \{\{event\.query\}\}"):
        render('{"query": "{{event.query}}"}', {"event": {"query": "x"}})


def test_f03_quotes_are_escaped_at_every_depth() -> None:
    """F03: double quotes are escaped in top-level values and inside nested
    arrays and objects alike."""
    template = (
        '{"title": "{{case.title}}", "events": [{"text": "{{event.details}}"}],'
        ' "{{case.title}}": {"k": ["{{event.details}}"]}}'
    )
    context = {
        "case": {"title": 'Print "spooler" halted'},
        "event": {"details": 'user typed "yes"'},
    }

    parsed = render(template, context)

    assert parsed == {
        "title": 'Print "spooler" halted',
        "events": [{"text": 'user typed "yes"'}],
        'Print "spooler" halted': {"k": ['user typed "yes"']},
    }


def test_f04_unknown_bare_variable_is_a_render_error_naming_it() -> None:
    """F04: {{case.risk_score}} is not in the catalogue, so rendering fails naming
    the placeholder and where it is."""
    template = '{"severity": {{case.severity|mapped}}, "score": {{case.risk_score}}}'

    with pytest.raises(RenderError) as caught:
        render(template, case(severity="unknown"), SEVERITY_MAPPINGS)

    assert str(caught.value) == (
        "unknown variable {{case.risk_score}} at line 1, column 49"
    )
    assert (caught.value.line, caught.value.column) == (1, 49)


def test_f04_missing_known_variable_renders_null_bare_and_empty_quoted() -> None:
    """F04: a catalogue variable with no value is null bare and "" quoted, never a
    bare word or an empty slot."""
    template = '{"order": {{case.phase_order}}, "name": "{{case.phase_name}}"}'

    assert render(template, case()) == {"order": None, "name": ""}


def test_f04_unmapped_value_passes_through_as_a_json_string() -> None:
    """F04: a value with no mapping entry renders as itself, bare as a JSON
    string."""
    template = '{"severity": {{case.severity|mapped}}}'

    assert render(template, case(severity="unknown"), SEVERITY_MAPPINGS) == {
        "severity": "unknown"
    }


def test_f04_mapped_number_is_a_number_bare_and_a_string_quoted() -> None:
    """F04: critical mapped to 2 renders the number 2 bare and the string "2"
    inside quotes."""
    template = (
        '{"bare": {{case.severity|mapped}}, "quoted": "{{case.severity|mapped}}"}'
    )

    rendered = render_payload(
        template, case(severity="critical"), SEVERITY_MAPPINGS, no_secrets
    )

    assert rendered.text == '{"bare": 2, "quoted": "2"}'


@pytest.mark.parametrize("title", ["Zoë", "👩‍💻 alert 🚨", "勒索软件", "plain"])
def test_f05_body_is_the_utf8_of_the_text_with_non_ascii_unescaped(title: str) -> None:
    """F05: the body bytes are exactly the text's UTF-8, non-ASCII is not
    \\u-escaped, and an HMAC over them verifies against the parsed text."""
    rendered = render_payload(
        '{"z": 1, "a": "{{case.title}}", "b": {{case.title}}}',
        case(title=title),
        {},
        no_secrets,
    )
    signature = hmac.new(b"k", rendered.body, hashlib.sha256).hexdigest()

    assert rendered.body == rendered.text.encode("utf-8")
    assert title.encode("utf-8") in rendered.body
    assert "\\u" not in rendered.text
    assert (
        signature
        == hmac.new(b"k", rendered.text.encode("utf-8"), hashlib.sha256).hexdigest()
    )


def test_mapping_by_full_path_wins_over_last_segment() -> None:
    """|mapped looks in the full-path table before the last-segment table."""
    mappings = {"case.severity": {"high": "P1"}, "severity": {"high": "P2"}}

    assert render(
        '{"p": "{{case.severity|mapped}}"}', case(severity="high"), mappings
    ) == {"p": "P1"}


def test_mapping_falls_back_to_last_segment_table() -> None:
    """A value missing from the full-path table is looked up by last segment."""
    mappings = {"case.severity": {"low": "P4"}, "severity": {"high": "P2"}}

    assert render(
        '{"p": {{case.severity|mapped}}}', case(severity="high"), mappings
    ) == {"p": "P2"}


@pytest.mark.parametrize(("value", "key"), [(True, "true"), (3, "3"), (None, "")])
def test_mapping_key_is_the_values_text_form(value: Any, key: str) -> None:
    """A non-string value is looked up in the mappings by its text form."""
    mappings = {"phase_order": {key: "found"}}

    parsed = render(
        '{"p": {{case.phase_order|mapped}}}', case(phase_order=value), mappings
    )

    assert parsed == {"p": "found"}


def test_unmapped_variable_without_table_passes_through() -> None:
    """|mapped on a variable that has no table leaves the value unchanged."""
    assert render('{"n": {{case.phase_order|mapped}}}', case(phase_order=3)) == {"n": 3}


def test_unknown_variable_error_gives_line_and_column() -> None:
    """An unknown variable is an error naming it with its line and column."""
    template = '{\n  "a": 1,\n  "t": "x {{case.titel}}"\n}'

    with pytest.raises(RenderError) as caught:
        render(template)

    assert str(caught.value) == "unknown variable {{case.titel}} at line 3, column 11"


def test_unknown_filter_is_an_error() -> None:
    """A filter other than mapped is an error naming the placeholder."""
    with pytest.raises(
        RenderError, match=r"unknown filter \|upper in \{\{case\.title\|upper\}\}"
    ):
        render('{"t": "{{case.title|upper}}"}', case(title="x"))


def test_missing_secret_is_an_error_naming_the_secret() -> None:
    """A secret the lookup does not know fails the render, naming the secret."""
    with pytest.raises(RenderError, match='secret "pushover_token" does not exist'):
        render('{"token": "{{secret.pushover_token}}"}')


def test_mapped_secret_is_an_error() -> None:
    """|mapped cannot be applied to a secret."""
    with pytest.raises(RenderError, match="cannot be mapped"):
        render('{"token": "{{secret.tok|mapped}}"}', secrets=secret_store)


def test_invalid_secret_name_is_an_error() -> None:
    """A secret placeholder whose name breaks the naming rule is refused."""
    with pytest.raises(RenderError, match="invalid secret name"):
        render('{"token": "{{secret.9lives}}"}', secrets=lambda name: "v")


def test_secret_is_inserted_escaped_quoted_and_bare() -> None:
    """A secret value is escaped like any text, inside a string or bare."""
    quirky = 'a"b\\c\nd'

    parsed = render(
        '{"q": "Bearer {{secret.tok}}", "b": {{secret.tok}}}', secrets=lambda n: quirky
    )

    assert parsed == {"q": f"Bearer {quirky}", "b": quirky}


@pytest.mark.parametrize(
    "template",
    [
        '{"t": "{{secret.tok}}", "x": }',
        '{"t": "{{secret.tok}}", "c": "{{case.title}}" "d": 1}',
        '{"t": "{{secret.tok}}", "c": "{{case.titel}}"}',
        '{"t": "{{secret.tok}}", "c": "{{secret.other}}"}',
        '{"t": "{{secret.tok}}", "n": {{event.metadata}}}',
        '{"t": {{secret.tok}}, "c": {{case.title}}',
    ],
)
def test_errors_never_contain_secret_values_or_the_body(template: str) -> None:
    """Render errors name placeholders only: no secret value, no rendered text."""
    context: dict[str, dict[str, Any]] = {
        "case": {"title": BODY_MARKER},
        "event": {"metadata": {"x": float("nan"), "m": BODY_MARKER}},
    }

    with pytest.raises(RenderError) as caught:
        render(template, context, secrets=secret_store)

    shown = f"{caught.value} {caught.value.args!r}"
    assert SECRET_VALUE not in shown
    assert BODY_MARKER not in shown


def test_template_json_error_reports_reason_and_template_position() -> None:
    """A template that cannot render to JSON fails with the reason and the line
    and column in the template."""
    with pytest.raises(RenderError) as caught:
        render('{\n  "a": {{case.title}}\n  "b": 1\n}', case(title="x"))

    assert str(caught.value) == (
        "payload template is not valid JSON: Expecting ',' delimiter"
        " at line 3, column 3"
    )
    assert (caught.value.line, caught.value.column) == (3, 3)


@pytest.mark.parametrize(
    "template", ['{"a": 1{{case.phase_order}}}', '{"a": -{{case.phase_order}}}']
)
def test_validity_never_depends_on_the_values(template: str) -> None:
    """A bare placeholder glued to a number fails for every value, not only when
    the value happens to be missing."""
    for value in (3, None, "x"):
        with pytest.raises(RenderError, match="payload template is not valid JSON"):
            render(template, case(phase_order=value))


def test_non_finite_numbers_are_refused() -> None:
    """NaN and Infinity are not JSON, whether written in the template or
    inserted bare."""
    with pytest.raises(RenderError, match="NaN is not a number"):
        render('{"a": NaN}')
    with pytest.raises(RenderError, match=r"\{\{case\.phase_order\}\} cannot be"):
        render('{"a": {{case.phase_order}}}', case(phase_order=float("inf")))


def test_preview_masks_secrets_and_still_refuses_unknown_ones() -> None:
    """The preview shows each existing secret as the mask and fails on a secret
    that does not exist."""
    template = '{"t": "{{secret.tok}}", "b": {{secret.tok}}}'

    shown = render_preview(template, {}, {}, ["tok"])

    assert json.loads(shown.body) == {"t": SECRET_MASK, "b": SECRET_MASK}
    with pytest.raises(RenderError, match='secret "tok" does not exist'):
        render_preview(template, {}, {}, ["other"])


def test_default_payload_for_an_empty_template() -> None:
    """A blank template sends event_type, timestamp, webhook_name, case, the
    event objects present and meta, indented by two."""
    context = {
        "meta": {"event_type": "evidence_added", "timestamp": "t", "webhook_name": "W"},
        "case": {"title": "Zoë"},
        "item": {"name": "disk"},
        "event": {},
    }

    rendered = render_payload(" \n\t", context, {}, no_secrets)

    expected = {
        "event_type": "evidence_added",
        "timestamp": "t",
        "webhook_name": "W",
        "case": {"title": "Zoë"},
        "item": {"name": "disk"},
        "meta": context["meta"],
    }
    assert rendered.text == json.dumps(expected, ensure_ascii=False, indent=2)


def test_placeholders_are_parsed_with_position_and_string_state() -> None:
    """Placeholders tolerate inner whitespace and carry filter, position and
    whether they sit inside a string (escaped quotes included)."""
    template = (
        '{"a": "x\\"{{ case.title | mapped }}",\n "b": "x\\\\", "c": {{case.id}}}'
    )

    found = parse_placeholders(template)

    assert found == [
        Placeholder("case.title", "mapped", 10, 35, 1, 11, True),
        Placeholder("case.id", None, 56, 67, 2, 19, False),
    ]


def test_referenced_secrets_lists_wellformed_secret_names() -> None:
    """referenced_secrets returns the valid secret names a template uses."""
    template = '{"a": "{{secret.one}}", "b": {{secret.two.v-2}}, "c": "{{secret.}}"}'

    assert referenced_secrets(template) == {"one", "two.v-2"}


def test_validate_mappings_accepts_an_object_of_objects() -> None:
    """Value mappings that are an object of objects come back as plain dicts."""
    assert validate_mappings({"severity": {"critical": 2}}) == {
        "severity": {"critical": 2}
    }


@pytest.mark.parametrize("value", [[], "x", None, {"severity": [2]}, {"a": 1}])
def test_validate_mappings_refuses_other_shapes(value: object) -> None:
    """Anything but an object of objects is refused against the value_mappings
    field."""
    with pytest.raises(InvalidInputError) as caught:
        validate_mappings(value)

    assert caught.value.field == "value_mappings"
    assert str(caught.value).startswith(
        "value mappings must be a JSON object of objects"
    )
