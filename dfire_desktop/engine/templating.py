"""JSON-aware rendering of outgoing payload templates.

A template is JSON text with `{{category.variable}}` placeholders, optionally
`{{category.variable|mapped}}`; whitespace inside the braces is ignored.

Where a placeholder sits decides how its value is written:

- inside a JSON string literal, the value's text form is escaped for that
  string. The text form reads as the value itself: None is empty, booleans
  are `true`/`false`, numbers are JSON numbers, objects and arrays are
  compact JSON text.
- bare (outside any string), the value is written as a JSON value of its own
  type: a string is quoted, 2 stays 2, a missing value is `null`.

So no value can end a string early, add a key or break the JSON: whether a
template renders to JSON depends on the template alone, and is checked once
per template. A catalogue variable this event does not carry is a missing
value. An unknown variable or filter, a secret that does not exist or a
template that is not JSON is a RenderError naming the placeholder or the
template's line and column; errors never carry a value or the body.

`|mapped` looks the value's text form up in the value mappings, first in the
table named by the full path (`case.severity`), then in the table named by
its last segment (`severity`); a value with no entry passes through.

An empty template renders the default payload, indented by two spaces:

    {
      "event_type": meta.event_type,
      "timestamp": meta.timestamp,
      "webhook_name": meta.webhook_name,
      "case": {every case.* variable},
      "event": {...}, "item": {...}, "timer": {...},   only those the event has
      "meta": {every meta.* variable}
    }

The rendered text is serialised once; `RenderedBody.body` is exactly the
bytes that are signed and sent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any, Final, TypeAlias

from dfire_desktop.engine import catalogue
from dfire_desktop.engine.clock import rfc3339
from dfire_desktop.engine.errors import InvalidInputError, RenderError

JsonValue: TypeAlias = (
    bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None
)
Context: TypeAlias = Mapping[str, Mapping[str, Any]]
SecretLookup: TypeAlias = Callable[[str], str | None]

MAPPED: Final = "mapped"
FILTERS: Final = frozenset({MAPPED})
SECRET_MASK: Final = "••••••"
OPTIONAL_OBJECTS: Final = ("event", "item", "timer")

# A placeholder holds no quote, backslash or line break, so it can never
# swallow a token that changes the string state of the text around it.
_PLACEHOLDER: Final = r'\{\{([^{}"\\\n]*)\}\}'
_OUTSIDE_STRING: Final = re.compile(rf'"|{_PLACEHOLDER}')
_INSIDE_STRING: Final = re.compile(rf'"|\\.|{_PLACEHOLDER}', re.DOTALL)
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _json_default(value: object) -> Any:
    if isinstance(value, dt.datetime):
        return rfc3339(value)
    raise TypeError(f"{type(value).__name__} is not a JSON value")


# Built once: json.dumps with options builds a new encoder on every call.
_TEXT_ENCODER: Final = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), default=_json_default
)
_VALUE_ENCODER: Final = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, default=_json_default
)


@dataclasses.dataclass(frozen=True)
class Placeholder:
    """One `{{...}}` in a template; line and column count from 1."""

    path: str
    filter: str | None
    start: int
    end: int
    line: int
    column: int
    in_string: bool

    @functools.cached_property
    def category(self) -> str:
        return self.path.partition(".")[0]

    @functools.cached_property
    def name(self) -> str:
        return self.path.partition(".")[2]

    @property
    def label(self) -> str:
        suffix = "" if self.filter is None else f"|{self.filter}"
        return f"{{{{{self.path}{suffix}}}}}"


@dataclasses.dataclass(frozen=True)
class RenderedBody:
    """A rendered payload; `body` is what gets signed and sent, unchanged."""

    text: str

    @property
    def body(self) -> bytes:
        return self.text.encode("utf-8")


def render_payload(
    template: str,
    context: Context,
    mappings: Mapping[str, Any],
    secrets: SecretLookup,
) -> RenderedBody:
    """The body for `context`, or RenderError saying which placeholder failed."""
    if not template.strip():
        return _finish(default_payload(context))

    parts: list[str] = []
    position = 0
    for placeholder in _prepared(template):
        value = _value_of(placeholder, context, mappings, secrets)
        parts += (template[position : placeholder.start], _write(placeholder, value))
        position = placeholder.end
    parts.append(template[position:])

    return _finish("".join(parts))


def render_preview(
    template: str,
    context: Context,
    mappings: Mapping[str, Any],
    secret_names: Collection[str],
) -> RenderedBody:
    """Like render_payload, with every existing secret shown as a mask."""
    known = frozenset(secret_names)

    def masked(name: str) -> str | None:
        return SECRET_MASK if name in known else None

    return render_payload(template, context, mappings, masked)


def parse_placeholders(template: str) -> list[Placeholder]:
    """Every placeholder in `template`, in order, with its string state."""
    return list(_parse(template))


def referenced_secrets(template: str) -> set[str]:
    """Names of the well-formed `{{secret.<name>}}` placeholders."""
    return {
        placeholder.name
        for placeholder in _parse(template)
        if placeholder.category == catalogue.SECRET_CATEGORY
        and catalogue.is_valid_secret_name(placeholder.name)
    }


def placeholder_problem(placeholder: Placeholder) -> str | None:
    """Why `placeholder` can never render, whatever the event; None if it can.

    Whether a secret exists is not checked here: that depends on the vault.
    """
    label = placeholder.label
    if placeholder.filter is not None and placeholder.filter not in FILTERS:
        return f"unknown filter |{placeholder.filter} in {label}"
    if placeholder.category != catalogue.SECRET_CATEGORY:
        known = catalogue.lookup(placeholder.path) is not None
        return None if known else f"unknown variable {label}"
    if placeholder.filter is not None:
        return f"a secret cannot be mapped: {label}"
    if not catalogue.is_valid_secret_name(placeholder.name):
        return f"invalid secret name in {label}"
    return None


def template_json_error(template: str) -> RenderError | None:
    """Why `template` cannot render to JSON with any values, or None.

    Rendering never changes the tokens around a placeholder, so rendering
    with same-length stand-ins fails exactly where any render fails, at the
    template's own positions, and a template that passes renders to JSON
    whatever its values are.
    """
    parts: list[str] = []
    position = 0
    for placeholder in _parse(template):
        width = placeholder.end - placeholder.start
        stand_in = "x" * width if placeholder.in_string else "null".ljust(width)
        parts += (template[position : placeholder.start], stand_in)
        position = placeholder.end
    parts.append(template[position:])

    return find_json_error("".join(parts))


def find_json_error(text: str) -> RenderError | None:
    """Why `text` is not strict JSON (no NaN or Infinity), or None if it is.

    The message holds only the reason; `line` and `column` say where.
    """
    try:
        json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        reason = exc.msg.removesuffix(" at")  # "Invalid control character at"
        return RenderError(f"not valid JSON: {reason}", exc.lineno, exc.colno)
    except _NonFiniteNumber as exc:
        line, column = _position(text, max(text.find(exc.token), 0))
        return RenderError(f"not valid JSON: {exc.token} is not a number", line, column)
    except RecursionError:
        return RenderError("not valid JSON: nested too deeply", 1, 1)
    except ValueError as exc:
        # Python refuses integers of more than 4300 digits.
        return RenderError(f"not a usable JSON number: {exc}", 1, 1)
    return None


def as_text(value: Any) -> str:
    """The text a value reads as inside a JSON string."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return rfc3339(value) or ""
    return _TEXT_ENCODER.encode(value)


def apply_mapping(path: str, value: Any, mappings: Mapping[str, Any]) -> Any:
    """`value` mapped by the table for `path` or for its last segment."""
    key = as_text(value)

    for table_name in (path, path.rpartition(".")[2]):
        table = mappings.get(table_name)
        if isinstance(table, Mapping) and key in table:
            return table[key]

    return value


def validate_mappings(value: object) -> dict[str, dict[str, Any]]:
    """`value` as value mappings, or InvalidInputError saying what is wrong."""
    if not isinstance(value, Mapping):
        raise _mappings_error("the top level is not an object")

    tables: dict[str, dict[str, Any]] = {}
    for name, table in value.items():
        if not isinstance(table, Mapping):
            raise _mappings_error(f"{json.dumps(str(name))} is not an object")
        tables[str(name)] = {str(key): entry for key, entry in table.items()}

    try:
        # Checked once here, not at send: NaN, Infinity and lone surrogates
        # could never be sent.
        _VALUE_ENCODER.encode(tables).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        raise _mappings_error(
            "a value is not finite or holds an unpaired surrogate"
        ) from None
    return tables


def default_payload(context: Context) -> str:
    """The documented default payload for `context`, as indented JSON text."""
    meta = dict(context.get("meta") or {})
    payload: dict[str, Any] = {
        "event_type": meta.get("event_type"),
        "timestamp": meta.get("timestamp"),
        "webhook_name": meta.get("webhook_name"),
        "case": dict(context.get("case") or {}),
    }
    for category in OPTIONAL_OBJECTS:
        if context.get(category):
            payload[category] = dict(context[category])
    payload["meta"] = meta

    try:
        return json.dumps(
            payload,
            ensure_ascii=False,
            indent=2,
            allow_nan=False,
            default=_json_default,
        )
    except (TypeError, ValueError, RecursionError) as exc:
        raise RenderError("the event's variables cannot be written as JSON") from exc


class _NonFiniteNumber(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _reject_constant(token: str) -> Any:
    raise _NonFiniteNumber(token)


# Templates are rendered again for every delivery: scan and check each once.
@functools.lru_cache(maxsize=128)
def _parse(template: str) -> tuple[Placeholder, ...]:
    found: list[Placeholder] = []
    in_string = False
    position = 0

    while match := (_INSIDE_STRING if in_string else _OUTSIDE_STRING).search(
        template, position
    ):
        if match.group() == '"':
            in_string = not in_string
        elif match.group(1) is not None:
            found.append(_placeholder(template, match, in_string))
        position = match.end()

    return tuple(found)


@functools.lru_cache(maxsize=128)
def _prepared(template: str) -> tuple[Placeholder, ...]:
    placeholders = _parse(template)
    for placeholder in placeholders:
        problem = placeholder_problem(placeholder)
        if problem is not None:
            raise _error(problem, placeholder)

    shape = template_json_error(template)
    if shape is not None:
        raise _error_at(f"payload template is {shape}", shape.line, shape.column)
    return placeholders


def _placeholder(template: str, match: re.Match[str], in_string: bool) -> Placeholder:
    path, bar, filter_ = match.group(1).partition("|")
    line, column = _position(template, match.start())
    return Placeholder(
        path=path.strip(),
        filter=filter_.strip() if bar else None,
        start=match.start(),
        end=match.end(),
        line=line,
        column=column,
        in_string=in_string,
    )


def _value_of(
    placeholder: Placeholder,
    context: Context,
    mappings: Mapping[str, Any],
    secrets: SecretLookup,
) -> Any:
    if placeholder.category == catalogue.SECRET_CATEGORY:
        return _secret_value(placeholder, secrets)

    value = (context.get(placeholder.category) or {}).get(placeholder.name)
    if placeholder.filter == MAPPED:
        return apply_mapping(placeholder.path, value, mappings)
    return value


def _secret_value(placeholder: Placeholder, secrets: SecretLookup) -> str:
    value = secrets(placeholder.name)
    if value is None:
        reason = f"secret {json.dumps(placeholder.name)} does not exist:"
        raise _error(f"{reason} {placeholder.label}", placeholder)
    return value


def _write(placeholder: Placeholder, value: Any) -> str:
    try:
        if placeholder.in_string:
            return _TEXT_ENCODER.encode(as_text(value))[1:-1]
        return _VALUE_ENCODER.encode(value)
    except (TypeError, ValueError, RecursionError) as exc:
        reason = f"the value of {placeholder.label} cannot be written as JSON"
        raise _error(reason, placeholder) from exc


def _finish(text: str) -> RenderedBody:
    # A lone surrogate (legal in a JSON escape, so in an incoming case) has
    # no UTF-8 form; write it as an escape so the body can always be encoded.
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)

    # By construction the text is JSON; checking costs little and keeps a
    # broken body from ever being signed and sent.
    problem = find_json_error(text)
    if problem is not None:
        raise _error_at(f"rendered payload is {problem}", problem.line, problem.column)
    return RenderedBody(text)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _error(message: str, placeholder: Placeholder) -> RenderError:
    return _error_at(message, placeholder.line, placeholder.column)


def _error_at(message: str, line: int, column: int) -> RenderError:
    return RenderError(f"{message} at line {line}, column {column}", line, column)


def _mappings_error(reason: str) -> InvalidInputError:
    return InvalidInputError(
        'value mappings must be a JSON object of objects, like {"severity": '
        f'{{"critical": 2}}}}; {reason}',
        field="value_mappings",
    )
