"""A read-only table model over a list of value objects, column by column."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from dfire_desktop.engine.clock import as_utc

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclasses.dataclass(frozen=True)
class Column(Generic[R]):
    header: str
    text: Callable[[R], str]
    numeric: bool = False
    colour: Callable[[R], str | None] | None = None


class RecordTable(QAbstractTableModel, Generic[R]):
    """Rows are value objects; each column says how to show one."""

    def __init__(self, columns: Sequence[Column[R]]) -> None:
        super().__init__()
        self._columns = tuple(columns)
        self._rows: list[R] = []

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        column = self._columns[index.column()]
        record = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(record)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((RIGHT if column.numeric else LEFT).value)
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            colour = column.colour(record)
            return QColor(colour) if colour else None
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self._columns):
                return self._columns[section].header
            return None
        return str(section + 1)

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[R]:
        return list(self._rows)

    def record(self, row: int) -> R:
        return self._rows[row]

    def insert_first(self, record: R) -> None:
        self.beginInsertRows(ROOT, 0, 0)
        self._rows.insert(0, record)
        self.endInsertRows()

    def replace(self, row: int, record: R) -> None:
        self._rows[row] = record
        last = self.index(row, len(self._columns) - 1)
        self.dataChanged.emit(self.index(row, 0), last)


def local_time(moment: dt.datetime | None) -> str:
    """A stored UTC moment as local wall-clock time, to the second."""
    if moment is None:
        return ""
    return as_utc(moment).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def or_dash(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


def record_table_view(model: QAbstractTableModel) -> QTableView:
    """A read-only, single-row-selection table sized to its contents."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    fitter = _ColumnFitter(header)
    model.rowsInserted.connect(fitter.fit)
    model.dataChanged.connect(fitter.fit)
    return table


class _ColumnFitter(QObject):
    """Measures a header's columns again when rows arrive or change.

    The header measures on a reset only: rows that arrive one by one (a
    delivery finishing) would stay squeezed to the column titles. A child
    of the header, so a model that outlives its table stops calling it.
    """

    def __init__(self, header: QHeaderView) -> None:
        super().__init__(header)
        self._header = header

    def fit(self, *_: object) -> None:
        # Setting the mode again makes the header measure; unlike
        # resizeColumnsToContents, it keeps the last column stretched.
        self._header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
