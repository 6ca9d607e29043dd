"""The VariableTable model and its searchable view, the variables panel.

The model lists what a webhook's trigger events can fill, from the engine's
one catalogue, plus the stored secrets by name. The template editor's `{{`
completion reads the same model, so the panel and the popup never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine import catalogue
from dfire_desktop.engine.api import Secret
from dfire_desktop.engine.catalogue import Variable
from dfire_desktop.engine.events import EventKind
from dfire_desktop.ui.event_picker import summarise
from dfire_desktop.ui.form import hint
from dfire_desktop.ui.tables import Column, RecordTable

# The column the completer matches and the search box reads first.
PATH_COLUMN: Final = 0
SECRET_TYPE: Final = "secret"

VARIABLE_COLUMNS: Final[tuple[Column[Variable], ...]] = (
    Column("Variable", lambda v: v.path),
    Column("Description", lambda v: v.description),
    Column("Type", lambda v: v.type),
)


def _secret_variable(secret: Secret) -> Variable:
    description = secret.description or "Stored secret"
    return Variable(
        f"{catalogue.SECRET_CATEGORY}.{secret.name}",
        f"{description} (value never shown; masked in the preview)",
        SECRET_TYPE,
        catalogue.ALL_KINDS,
    )


class VariableTable(RecordTable[Variable]):
    """Catalogue variables some selected event provides, then the secrets.

    With no event selected yet, every variable is listed.
    """

    def __init__(self, kinds: Iterable[EventKind]) -> None:
        super().__init__(VARIABLE_COLUMNS)
        self.kinds = tuple(kinds)
        self._variables = (
            catalogue.variables_for(self.kinds)
            if self.kinds
            else list(catalogue.VARIABLES)
        )
        self.set_rows(self._variables)

    def set_secrets(self, secrets: Sequence[Secret]) -> None:
        self.set_rows([*self._variables, *map(_secret_variable, secrets)])

    def path(self, row: int) -> str:
        return self.record(row).path


class VariableTableView(QWidget):
    """Search box over the variables; a double-click emits the row's path."""

    variable_chosen = Signal(str)

    def __init__(self, variables: VariableTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.variables = variables
        variables.setParent(self)  # a view does not own its model otherwise
        self._filtered = QSortFilterProxyModel(self)
        self._filtered.setSourceModel(variables)
        self._filtered.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._filtered.setFilterKeyColumn(-1)  # path, type and description
        self._build()
        self._connect()

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search variables, e.g. severity or title")
        self.search.setClearButtonEnabled(True)
        self.table = QTableView()
        self.table.setModel(self._filtered)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.setToolTip("Double-click to insert at the cursor in the template")
        self.scope = QLabel(self._scope_text())
        self.scope.setWordWrap(True)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.scope)
        column.addWidget(self.search)
        column.addWidget(self.table, 1)
        column.addWidget(hint("Double-click a variable to insert it as {{…}}."))

    def _scope_text(self) -> str:
        kinds = self.variables.kinds
        if not kinds:
            return "All variables (no trigger event is selected yet)."
        return f"Variables the trigger events provide: {summarise(kinds, 3)}."

    def _connect(self) -> None:
        self.search.textChanged.connect(self._filtered.setFilterFixedString)
        self.table.doubleClicked.connect(self._on_row_chosen)

    def visible_paths(self) -> list[str]:
        """The paths the search leaves in view, top to bottom."""
        rows = range(self._filtered.rowCount())
        return [self._filtered.index(row, PATH_COLUMN).data() for row in rows]

    def _on_row_chosen(self, index: QModelIndex) -> None:
        source = self._filtered.mapToSource(index)
        if source.isValid():
            self.variable_chosen.emit(self.variables.path(source.row()))
