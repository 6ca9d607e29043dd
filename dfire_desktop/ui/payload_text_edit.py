"""The JSON text editor of the template editor: lint marks with hover
notes, and completion of `{{` from the variable catalogue."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent, QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QPlainTextEdit,
    QTextEdit,
    QToolTip,
    QWidget,
)

from dfire_desktop.engine.lint import LintMessage
from dfire_desktop.ui.form import exact_text, monospace
from dfire_desktop.ui.template_highlighter import (
    TextIndex,
    characters_in,
    mark_format,
    offset_of,
    token_span,
    utf16_length,
)
from dfire_desktop.ui.variables_panel import (
    PATH_COLUMN,
    VariableTable,
)

# What `{{` plus a partly typed path looks like just before the cursor.
_TYPED_PATH: Final = re.compile(r"\{\{\s*([A-Za-z0-9_.]*)$")
_POPUP_KEYS: Final = frozenset(
    {
        Qt.Key.Key_Enter,
        Qt.Key.Key_Return,
        Qt.Key.Key_Escape,
        Qt.Key.Key_Tab,
        Qt.Key.Key_Backtab,
    }
)


class PayloadTextEdit(QPlainTextEdit):
    """A JSON editor that shows lint marks; given the variables, it also
    completes `{{` from them."""

    def __init__(
        self, completions: VariableTable | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        monospace(self)
        self.setTabStopDistance(4 * self.fontMetrics().horizontalAdvance(" "))
        self._marks: list[tuple[QTextCursor, LintMessage]] = []
        self.completer = None if completions is None else self._completer(completions)

    def _completer(self, completions: VariableTable) -> QCompleter:
        completer = QCompleter(completions, self)
        completer.setWidget(self)
        completer.setCompletionColumn(PATH_COLUMN)
        completer.setCompletionRole(Qt.ItemDataRole.DisplayRole)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        completer.activated.connect(self.insert_completion)
        return completer

    def exact_text(self) -> str:
        return exact_text(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        completer = self.completer
        popup = completer.popup() if completer is not None else None
        if popup is not None and popup.isVisible() and event.key() in _POPUP_KEYS:
            # Normally the popup takes these itself; this is for keys sent
            # to the editor while it shows (accessibility tools, tests).
            self._finish_completion(popup, event.key())
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._new_line()
            return

        super().keyPressEvent(event)

        if completer is not None and event.text():
            self._update_completion(completer)

    def _finish_completion(self, popup: QAbstractItemView, key: int) -> None:
        chosen = popup.currentIndex()
        popup.hide()
        if key != Qt.Key.Key_Escape and chosen.isValid():
            self.insert_completion(str(chosen.data()))

    def _new_line(self) -> None:
        # Shift+Enter would insert U+2028, which JSON does not read as a line
        # break: always start a real line, indented like the one before.
        cursor = self.textCursor()
        line = cursor.block().text()
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        cursor.insertText("\n" + indent)
        self.setTextCursor(cursor)

    def _update_completion(self, completer: QCompleter) -> None:
        cursor = self.textCursor()
        line = cursor.block().text()
        before = line[: characters_in(line, cursor.positionInBlock())]
        typed = _TYPED_PATH.search(before)
        popup = completer.popup()
        assert popup is not None  # a QCompleter always makes its popup
        if typed is None:
            popup.hide()
            return

        completer.setCompletionPrefix(typed.group(1))
        if completer.completionCount() == 0:
            popup.hide()
            return

        area = self.cursorRect()
        area.setWidth(
            popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width()
        )
        completer.complete(area)
        popup.setCurrentIndex(completer.completionModel().index(0, 0))

    def insert_completion(self, path: str) -> None:
        """Replace the partly typed path after `{{` with `path}}`."""
        assert self.completer is not None
        cursor = self.textCursor()
        line = cursor.block().text()
        closed = line[characters_in(line, cursor.positionInBlock()) :].startswith("}}")
        typed = self.completer.completionPrefix()

        cursor.movePosition(
            QTextCursor.MoveOperation.Left,
            QTextCursor.MoveMode.KeepAnchor,
            utf16_length(typed),
        )
        cursor.insertText(path if closed else f"{path}}}}}")
        if closed:
            cursor.movePosition(QTextCursor.MoveOperation.Right, n=2)
        self.setTextCursor(cursor)

    def line_column(self) -> tuple[int, int]:
        """The cursor's line and column, counted as lint messages count."""
        text = self.exact_text()
        offset = characters_in(text, self.textCursor().position())
        line_start = text.rfind("\n", 0, offset) + 1
        return text.count("\n", 0, offset) + 1, offset - line_start + 1

    def move_to(self, line: int, column: int) -> None:
        """Put the cursor at a line and column counted in characters."""
        text = self.exact_text()
        cursor = self.textCursor()
        cursor.setPosition(utf16_length(text[: offset_of(text, line, column)]))
        self.setTextCursor(cursor)
        self.centerCursor()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_marks(self, messages: Sequence[LintMessage]) -> None:
        """Underline each problem and tint its line; hovering tells why."""
        text = self.exact_text()
        index = TextIndex(text)
        self._marks = [(self._cursor_at(text, index, m), m) for m in messages]
        lines = [self._selection(c, m, whole_line=True) for c, m in self._marks]
        tokens = [self._selection(c, m, whole_line=False) for c, m in self._marks]
        self.setExtraSelections([*lines, *tokens])

    def marks(self) -> list[LintMessage]:
        return [message for _, message in self._marks]

    def _cursor_at(
        self, text: str, index: TextIndex, message: LintMessage
    ) -> QTextCursor:
        start, end = token_span(text, index.offset(message.line, message.column))
        cursor = QTextCursor(self.document())
        cursor.setPosition(index.units(start))
        cursor.setPosition(index.units(end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    @staticmethod
    def _selection(
        cursor: QTextCursor, message: LintMessage, whole_line: bool
    ) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        at = QTextCursor(cursor)
        if whole_line:
            at.clearSelection()
        selection.cursor = at
        selection.format = mark_format(message, whole_line)
        return selection

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            self._show_mark_tip(event)
            return True
        return super().viewportEvent(event)

    def _show_mark_tip(self, event: QHelpEvent) -> None:
        line = self.cursorForPosition(event.pos()).blockNumber()
        notes = [m.message for c, m in self._marks if c.blockNumber() == line]
        if notes:
            QToolTip.showText(event.globalPos(), "\n".join(notes), self.viewport())
        else:
            QToolTip.hideText()
