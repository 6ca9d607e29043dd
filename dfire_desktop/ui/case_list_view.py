"""The Cases tab: recent cases, their timeline, and the buttons that make events."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.api import Case, TimelineEvent
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.case_dialogs import NewCaseDialog, TimelineEventDialog
from dfire_desktop.ui.case_list import CaseList, CaseTimeline
from dfire_desktop.ui.errors import describe
from dfire_desktop.ui.form import hint, section_title
from dfire_desktop.ui.long_text import breakable
from dfire_desktop.ui.prompts import open_window
from dfire_desktop.ui.tables import record_table_view

EMPTY_TEXT = "No cases yet — click New case, or send a request to an incoming webhook."


def case_details(case: Case) -> str:
    """What an analyst checks first about a case, an alert's fields included."""
    lines = [
        f"{case.case_number} — {case.title}",
        f"{case.severity} · {case.case_mode} · {case.status}"
        f" · type: {case.case_type or 'none'}"
        f" · lead: {case.lead_investigator or 'none'}",
    ]
    if case.source or case.external_id:
        lines.append(
            f"From {case.source or 'an incoming webhook'}"
            f"{f', alert {case.external_id}' if case.external_id else ''}"
        )
    if case.description:
        lines.append(case.description)
    if case.attributes:
        shown = ", ".join(f"{key}: {value}" for key, value in case.attributes.items())
        lines.append(f"Attributes: {shown}")
    return "\n".join(lines)


class CaseListView(QWidget):
    def __init__(
        self, cases: CaseList, bridge: EngineBridge, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.cases = cases
        cases.setParent(self)  # a view does not own its model otherwise
        self.timeline = CaseTimeline()
        self.timeline.setParent(self)
        self._bridge = bridge
        self._build()
        self._connect()
        self._on_selection_changed()

    def _build(self) -> None:
        self.new_button = QPushButton("+ New case")
        self.event_button = QPushButton("Add timeline event…")
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("emptyState")
        self.table = record_table_view(self.cases)
        self.timeline_table = record_table_view(self.timeline)

        header = QHBoxLayout()
        header.addWidget(section_title("Cases"))
        header.addStretch(1)
        header.addWidget(self.new_button)
        header.addWidget(self.event_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        lower = QWidget()
        lower_column = QVBoxLayout(lower)
        lower_column.setContentsMargins(0, 6, 0, 0)
        self.details = QLabel()
        self.details.setObjectName("caseDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        lower_column.addWidget(self.details)
        lower_column.addWidget(QLabel("Timeline of the selected case"))
        lower_column.addWidget(self.timeline_table, 1)
        split.addWidget(lower)
        column = QVBoxLayout(self)
        column.addLayout(header)
        column.addWidget(
            hint(
                "Changes here fire the events outgoing webhooks subscribe to; "
                "use them to try a webhook end to end."
            )
        )
        column.addWidget(self.message)
        column.addWidget(self.empty)
        column.addWidget(split, 1)

    def _connect(self) -> None:
        self.new_button.clicked.connect(self.open_new_case)
        self.event_button.clicked.connect(self.open_timeline_event)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self._bridge.case_created.connect(self._on_case_created)

    def refresh(self) -> None:
        call = self._bridge.submit(lambda engine: engine.list_cases())
        call.succeeded.connect(self._on_cases_listed)
        call.failed.connect(self._on_failed)

    def _on_cases_listed(self, cases: list[Case]) -> None:
        self.cases.set_rows(cases)
        self.empty.setVisible(not cases)
        self._on_selection_changed()

    def _on_case_created(self, case: Case) -> None:
        self.cases.add_or_update(case)
        self.empty.hide()

    def _on_failed(self, error: object) -> None:
        self.message.setText(breakable(describe(error)))
        self.message.show()

    def selected_case(self) -> Case | None:
        rows = self.table.selectionModel().selectedRows()
        return self.cases.record(rows[0].row()) if rows else None

    def _on_selection_changed(self) -> None:
        case = self.selected_case()
        self.event_button.setEnabled(case is not None)
        self.details.setText(breakable(case_details(case)) if case else "")
        self.details.setVisible(case is not None)
        if case is None:
            self.timeline.set_rows([])
        else:
            self._load_timeline(case.id)

    def _load_timeline(self, case_id: str) -> None:
        call = self._bridge.submit(lambda engine: engine.list_timeline(case_id))
        call.succeeded.connect(self._on_timeline_listed)
        call.failed.connect(self._on_failed)

    def _on_timeline_listed(self, events: list[TimelineEvent]) -> None:
        self.timeline.set_rows(events)

    def open_new_case(self) -> QDialog:
        dialog = NewCaseDialog(self._bridge, self)
        dialog.saved.connect(self._on_case_created)
        return open_window(dialog)

    def open_timeline_event(self) -> QDialog | None:
        case = self.selected_case()
        if case is None:
            return None
        dialog = TimelineEventDialog(self._bridge, case, self)
        dialog.saved.connect(lambda _: self._on_selection_changed())
        return open_window(dialog)
