"""Problems in a payload template and its value mappings, for the editor.

Errors are what would make a send fail; warnings are what would make it
send something the author probably did not mean. Lines and columns count
from 1, in characters, in the text named by `LintMessage.target`.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from collections.abc import Collection, Mapping
from typing import Any, Final, Literal, TypeAlias

from dfire_desktop.engine import catalogue, templating
from dfire_desktop.engine.errors import InvalidInputError
from dfire_desktop.engine.events import EventKind
from dfire_desktop.engine.templating import Placeholder

Severity: TypeAlias = Literal["error", "warning"]
Target: TypeAlias = Literal["template", "mappings"]

_PATHS: Final = [variable.path for variable in catalogue.VARIABLES]
_DOUBLE_BRACE: Final = re.compile(r"\{\{|\}\}")
_STRAY: Final = (
    "{} here is not part of a placeholder and is sent as written; a "
    "placeholder is {{{{category.variable}}}}"
)


@dataclasses.dataclass(frozen=True)
class LintMessage:
    """One problem, at a line and column of the template or the mappings."""

    line: int
    column: int
    severity: Severity
    message: str
    target: Target = "template"


def lint(
    template: str,
    mappings_text: str,
    kinds: Collection[EventKind],
    secret_names: Collection[str],
) -> list[LintMessage]:
    """Every problem found, ordered by text, line and column."""
    mappings, messages = _lint_mappings(mappings_text)
    selected = frozenset(kinds)

    for placeholder in templating.parse_placeholders(template):
        messages.extend(
            _lint_placeholder(placeholder, mappings, selected, secret_names)
        )
    messages.extend(_lint_shape(template))
    messages.extend(_lint_stray_braces(template))

    return sorted(messages, key=lambda m: (m.target != "template", m.line, m.column))


def _lint_mappings(
    text: str,
) -> tuple[dict[str, dict[str, Any]] | None, list[LintMessage]]:
    if not text.strip():
        return {}, []

    problem = templating.find_json_error(text)
    if problem is not None:
        reason = f"value mappings are {problem}"
        return None, [_mappings_error(problem.line, problem.column, reason)]

    try:
        return templating.validate_mappings(json.loads(text)), []
    except InvalidInputError as exc:
        return None, [_mappings_error(1, 1, str(exc))]


def _lint_placeholder(
    placeholder: Placeholder,
    mappings: Mapping[str, Any] | None,
    kinds: frozenset[EventKind],
    secret_names: Collection[str],
) -> list[LintMessage]:
    problem = templating.placeholder_problem(placeholder)
    if problem is not None:
        return [_error(placeholder, _with_suggestion(placeholder, problem))]
    variable = catalogue.lookup(placeholder.path)
    if variable is None:  # no problem and not in the catalogue: a secret
        return _lint_secret(placeholder, secret_names)

    label = placeholder.label
    found: list[LintMessage] = []
    if kinds and not variable.kinds & kinds:
        reason = f"{label} is not provided by any of the selected events"
        found.append(_warning(placeholder, reason))
    if placeholder.filter == templating.MAPPED and not _has_table(
        placeholder.path, mappings
    ):
        reason = f"{label} has no value mapping, so it is inserted unchanged"
        found.append(_warning(placeholder, reason))
    return found


def _lint_secret(
    placeholder: Placeholder, secret_names: Collection[str]
) -> list[LintMessage]:
    if placeholder.name in secret_names:
        return []
    reason = f"secret {json.dumps(placeholder.name)} does not exist"
    return [_error(placeholder, reason)]


def _lint_shape(template: str) -> list[LintMessage]:
    # Not a sample render: whether a template renders to JSON never depends
    # on the values, and this check reports the template's own positions.
    if not template.strip():
        return []  # the default payload
    problem = templating.template_json_error(template)
    if problem is None:
        return []

    reason = f"payload template is {problem}"
    return [LintMessage(problem.line, problem.column, "error", reason)]


def _lint_stray_braces(template: str) -> list[LintMessage]:
    """`{{` or `}}` that belong to no placeholder: usually a brace typed one
    too few (`{{case.title}`), which would be sent as literal text."""
    covered = bytearray(len(template))
    for placeholder in templating.parse_placeholders(template):
        covered[placeholder.start : placeholder.end] = b"\1" * (
            placeholder.end - placeholder.start
        )
    messages = []
    for match in _DOUBLE_BRACE.finditer(template):
        if not covered[match.start()]:
            line, column = _line_column(template, match.start())
            messages.append(
                LintMessage(line, column, "warning", _STRAY.format(match[0]))
            )
    return messages


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _has_table(path: str, mappings: Mapping[str, Any] | None) -> bool:
    if mappings is None:
        return True  # already reported as broken; do not pile warnings on it
    names = (path, path.rpartition(".")[2])
    return any(isinstance(mappings.get(name), Mapping) for name in names)


def _with_suggestion(placeholder: Placeholder, problem: str) -> str:
    if not problem.startswith("unknown variable"):
        return problem
    close = difflib.get_close_matches(placeholder.path, _PATHS, n=1, cutoff=0.8)
    return f"{problem}; did you mean {{{{{close[0]}}}}}?" if close else problem


def _error(placeholder: Placeholder, message: str) -> LintMessage:
    return LintMessage(placeholder.line, placeholder.column, "error", message)


def _warning(placeholder: Placeholder, message: str) -> LintMessage:
    return LintMessage(placeholder.line, placeholder.column, "warning", message)


def _mappings_error(line: int, column: int, message: str) -> LintMessage:
    return LintMessage(line, column, "error", message, target="mappings")
