"""The LintList model and its view: the template's problems, clickable.

Clicking a problem says where it is (`message_chosen`); the editor moves its
cursor there. Errors come first within a text, as the engine orders them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHeaderView, QTableView, QVBoxLayout, QWidget

from dfire_desktop.engine.lint import LintMessage
from dfire_desktop.ui.tables import Column, RecordTable, record_table_view
from dfire_desktop.ui.theme import ERROR_RED

WARNING_BROWN: Final = "#8a5a00"
TARGET_NAMES: Final = {"template": "Template", "mappings": "Mappings"}


def where(message: LintMessage) -> str:
    """`Template 3:14`: the text, line and column, as the editors show them."""
    return f"{TARGET_NAMES[message.target]} {message.line}:{message.column}"


def _severity_colour(message: LintMessage) -> str:
    return ERROR_RED if message.severity == "error" else WARNING_BROWN


LINT_COLUMNS: Final[tuple[Column[LintMessage], ...]] = (
    Column("Severity", lambda m: m.severity.capitalize(), colour=_severity_colour),
    Column("Where (line:column)", where),
    Column("Problem", lambda m: m.message),
)


class LintList(RecordTable[LintMessage]):
    def __init__(self) -> None:
        super().__init__(LINT_COLUMNS)

    def set_messages(self, messages: Sequence[LintMessage]) -> None:
        self.set_rows(messages)

    def error_count(self) -> int:
        return sum(1 for message in self.rows() if message.severity == "error")


class LintListView(QWidget):
    """The problems table; a click or Enter on a row emits `message_chosen`."""

    message_chosen = Signal(object)

    def __init__(self, lints: LintList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lints = lints
        lints.setParent(self)  # a view does not own its model otherwise
        self._build()
        self._connect()

    def _build(self) -> None:
        self.table: QTableView = record_table_view(self.lints)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.setToolTip("Click a problem to jump to it in the editor")

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table)

    def _connect(self) -> None:
        self.table.clicked.connect(self._on_row_chosen)
        self.table.activated.connect(self._on_row_chosen)

    def _on_row_chosen(self, index: QModelIndex) -> None:
        if index.isValid():
            self.message_chosen.emit(self.lints.record(index.row()))
