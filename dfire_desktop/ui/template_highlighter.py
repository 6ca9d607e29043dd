"""Colours for payload templates: JSON tokens, placeholders, unknown names,
and the marks lint messages leave in the text.

Runs on the UI thread, line by line, as the author types: it needs only the
catalogue and the placeholder parser, never the engine's loop. A placeholder
that can never render (unknown variable or filter, a secret that is not
stored) gets a red wavy underline at once; the slower lint from the preview
explains it a quarter of a second later.

Qt counts positions in UTF-16 units, the engine in characters from 1: the
helpers at the bottom convert, so an emoji before a placeholder moves
nothing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection
from typing import Final

from PySide6.QtGui import (
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
    QTextFormat,
)

from dfire_desktop.engine import catalogue, templating
from dfire_desktop.engine.lint import LintMessage
from dfire_desktop.engine.templating import Placeholder
from dfire_desktop.ui.theme import ERROR_RED, WARNING_BG, WARNING_BORDER

# A JSON string may be unterminated while it is being typed: still colour it.
_TOKEN: Final = re.compile(
    r"""
    (?P<string>"(?:[^"\\]|\\.)*"?)
    | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    | (?P<keyword>\b(?:true|false|null)\b)
    | (?P<punctuation>[{}\[\]:,])
    """,
    re.VERBOSE,
)
_KEY_FOLLOWS: Final = re.compile(r"\s*:")

COLOURS: Final[dict[str, str]] = {
    "key": "#0b4f8a",
    "string": "#1e6b2f",
    "number": "#8a4b00",
    "keyword": "#7b2a8c",
    "punctuation": "#5f6368",
    "placeholder": "#00697a",
}
PLACEHOLDER_BACKGROUND: Final = "#e3f2f5"
UNKNOWN_BACKGROUND: Final = "#fde7e9"


def _format(colour: str, bold: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    return fmt


def _placeholder_format() -> QTextCharFormat:
    fmt = _format(COLOURS["placeholder"], bold=True)
    fmt.setBackground(QColor(PLACEHOLDER_BACKGROUND))
    return fmt


def _unknown_format() -> QTextCharFormat:
    fmt = _format(ERROR_RED, bold=True)
    fmt.setBackground(QColor(UNKNOWN_BACKGROUND))
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
    fmt.setUnderlineColor(QColor(ERROR_RED))
    return fmt


class TemplateHighlighter(QSyntaxHighlighter):
    """JSON colours for `document`; with `placeholders`, `{{…}}` too.

    Secrets live in the vault: until `set_secret_names` says which exist,
    no `{{secret.…}}` is marked unknown.
    """

    def __init__(self, document: QTextDocument, placeholders: bool = True) -> None:
        super().__init__(document)
        self._placeholders = placeholders
        self._secret_names: frozenset[str] | None = None
        self._formats = {name: _format(colour) for name, colour in COLOURS.items()}
        self._placeholder = _placeholder_format()
        self._unknown = _unknown_format()
        self._units = TextIndex("")

    def set_secret_names(self, names: Collection[str]) -> None:
        self._secret_names = frozenset(names)
        self.rehighlight()

    def is_unknown(self, placeholder: Placeholder) -> bool:
        """Whether `placeholder` can never render with what is known now."""
        if templating.placeholder_problem(placeholder) is not None:
            return True
        if placeholder.category != catalogue.SECRET_CATEGORY:
            return False
        known = self._secret_names
        return known is not None and placeholder.name not in known

    def highlightBlock(self, text: str) -> None:
        self._units = TextIndex(text)
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup or "punctuation"
            if kind == "string" and _KEY_FOLLOWS.match(text, match.end()):
                kind = "key"
            self._paint(text, match.start(), match.end(), self._formats[kind])

        if not self._placeholders:
            return
        for placeholder in templating.parse_placeholders(text):
            unknown = self.is_unknown(placeholder)
            fmt = self._unknown if unknown else self._placeholder
            self._paint(text, placeholder.start, placeholder.end, fmt)

    def _paint(self, text: str, start: int, end: int, fmt: QTextCharFormat) -> None:
        first = self._units.units(start)
        self.setFormat(first, self._units.units(end) - first, fmt)


class TextIndex:
    """Character offsets to Qt's UTF-16 positions, and lines and columns to
    offsets, each answered without rescanning the text: a long minified
    line must not make every keystroke slower than the last."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        # Only text with characters beyond the BMP needs a table.
        self._prefix: list[int] | None = None
        if any(ord(char) > 0xFFFF for char in text):
            widths = (2 if ord(char) > 0xFFFF else 1 for char in text)
            self._prefix = [0, *itertools.accumulate(widths)]

    def units(self, offset: int) -> int:
        return offset if self._prefix is None else self._prefix[offset]

    def offset(self, line: int, column: int) -> int:
        """As `offset_of`, from the precomputed line starts."""
        if line > len(self._line_starts):
            return len(self._text)
        start = self._line_starts[line - 1]
        end = self._text.find("\n", start)
        end = len(self._text) if end == -1 else end
        return min(start + max(column, 1) - 1, end)


def utf16_length(text: str) -> int:
    """How many positions Qt counts for `text` (two per non-BMP character)."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def characters_in(text: str, units: int) -> int:
    """How many characters of `text` fill its first `units` UTF-16 units."""
    count = 0
    for char in text:
        units -= 2 if ord(char) > 0xFFFF else 1
        if units < 0:
            break
        count += 1
    return count


def offset_of(text: str, line: int, column: int) -> int:
    """The index in `text` of a line and column counted from 1 in characters,
    as the engine counts them (only "\\n" ends a line)."""
    start = 0
    for _ in range(line - 1):
        newline = text.find("\n", start)
        if newline == -1:
            return len(text)
        start = newline + 1
    end = text.find("\n", start)
    return min(start + max(column, 1) - 1, len(text) if end == -1 else end)


def token_span(text: str, offset: int) -> tuple[int, int]:
    """The characters to underline for a problem at `offset`: the placeholder
    that starts there, else one character (the last one at a line's end)."""
    end = text.find("\n", offset)
    end = len(text) if end == -1 else end
    if text.startswith("{{", offset):
        close = text.find("}}", offset, end)
        if close != -1:
            return offset, close + 2
    if offset < end:
        return offset, offset + 1
    line_start = text.rfind("\n", 0, offset) + 1
    return max(offset - 1, line_start), offset


def mark_format(message: LintMessage, whole_line: bool) -> QTextCharFormat:
    """A lint mark: a tint across the whole line, or a wavy underline."""
    fmt = QTextCharFormat()
    error = message.severity == "error"
    if whole_line:
        fmt.setBackground(QColor(UNKNOWN_BACKGROUND if error else WARNING_BG))
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
    else:
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(QColor(ERROR_RED if error else WARNING_BORDER))
    return fmt
