"""What the preview renders with: sample data for an event kind, or a real
case and one of its timeline events from the store.

Cases and timelines load through the bridge, never on the UI thread; a
timeline that arrives for a case no longer chosen is dropped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QWidget,
)

from dfire_desktop.engine.api import Case, TimelineEvent
from dfire_desktop.engine.events import EventKind
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.errors import describe
from dfire_desktop.ui.tables import local_time

if TYPE_CHECKING:
    from dfire_desktop.engine.service import Engine

SAMPLE_DATA: Final = "sample"
REAL_CASE: Final = "case"
NO_CASES: Final = "No cases yet — create one in the Cases tab"
NO_EVENT: Final = "No timeline event (event.* stays empty)"
COMBO_MIN_CHARACTERS: Final = 28


@dataclasses.dataclass(frozen=True)
class Sample:
    """The data chosen: `case_id` None means the kind's sample data."""

    kind: EventKind
    case_id: str | None = None
    timeline_event_id: str | None = None


def _combo() -> QComboBox:
    combo = QComboBox()
    combo.setSizeAdjustPolicy(
        QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
    )
    combo.setMinimumContentsLength(COMBO_MIN_CHARACTERS)
    return combo


async def _timeline(engine: Engine, case_id: str) -> tuple[str, list[TimelineEvent]]:
    # The answer names its case: a slot bound to the widget (not a lambda)
    # is disconnected when the widget goes, and can still drop stale lists.
    return case_id, await engine.list_timeline(case_id)


def _event_text(event: TimelineEvent) -> str:
    return f"{local_time(event.event_datetime)} · {event.event_type} · {event.subject}"


class SampleSelector(QWidget):
    """Emits `sample_changed` whenever `sample()` would answer differently."""

    sample_changed = Signal()
    cases_loaded = Signal()
    timeline_loaded = Signal()

    def __init__(
        self,
        bridge: EngineBridge,
        kinds: Sequence[EventKind],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._timeline_for: str | None = None
        self._build(kinds[0] if kinds else EventKind.TEST)
        self._connect()
        self._on_source_changed()

    def _build(self, kind: EventKind) -> None:
        self.source = QComboBox()
        self.source.addItem("Sample data", SAMPLE_DATA)
        self.source.addItem("A real case from the store", REAL_CASE)
        self.kind = _combo()
        for each in EventKind:
            self.kind.addItem(each.label, each)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.case = _combo()
        self.timeline_event = _combo()
        self.status = QLabel()
        self.status.setObjectName("fieldError")
        self.status.hide()
        self._case_labels = (QLabel("Case"), QLabel("Timeline event"))

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel("Preview with"), 0, 0)
        grid.addWidget(self.source, 0, 1)
        grid.addWidget(QLabel("As if triggered by"), 0, 2)
        grid.addWidget(self.kind, 0, 3)
        grid.addWidget(self._case_labels[0], 1, 0)
        grid.addWidget(self.case, 1, 1)
        grid.addWidget(self._case_labels[1], 1, 2)
        grid.addWidget(self.timeline_event, 1, 3)
        grid.addWidget(self.status, 2, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 2)

    def _connect(self) -> None:
        self.source.currentIndexChanged.connect(self._on_source_changed)
        self.kind.currentIndexChanged.connect(self.sample_changed)
        self.case.currentIndexChanged.connect(self._on_case_changed)
        self.timeline_event.currentIndexChanged.connect(self.sample_changed)

    def sample(self) -> Sample:
        kind = EventKind(self.kind.currentData())
        if not self.uses_real_case() or self.case.currentData() is None:
            return Sample(kind)
        return Sample(kind, self.case.currentData(), self.timeline_event.currentData())

    def uses_real_case(self) -> bool:
        return bool(self.source.currentData() == REAL_CASE)

    def choose_real_case(self, case_id: str, event_id: str | None) -> None:
        """Select a loaded case and one of its loaded timeline events."""
        self.case.setCurrentIndex(self.case.findData(case_id))
        self.timeline_event.setCurrentIndex(self.timeline_event.findData(event_id))

    def _on_source_changed(self) -> None:
        real = self.uses_real_case()
        for widget in (*self._case_labels, self.case, self.timeline_event):
            widget.setVisible(real)
        if real:
            self._load_cases()
        self.sample_changed.emit()

    def _load_cases(self) -> None:
        self._show_status("")
        call = self._bridge.submit(lambda engine: engine.list_cases())
        call.succeeded.connect(self._on_cases_listed)
        call.failed.connect(self._on_failed)

    def _on_cases_listed(self, cases: list[Case]) -> None:
        chosen = self.case.currentData()
        self.case.blockSignals(True)  # one sample_changed for the whole refill
        self.case.clear()
        for case in cases:
            self.case.addItem(f"{case.case_number} — {case.title}", case.id)
        if not cases:
            self.case.addItem(NO_CASES, None)
        self.case.setCurrentIndex(max(self.case.findData(chosen), 0))
        self.case.setEnabled(bool(cases))
        self.case.blockSignals(False)

        self.cases_loaded.emit()
        self._on_case_changed()

    def _on_case_changed(self) -> None:
        case_id = self.case.currentData()
        self._timeline_for = case_id
        self._fill_events([])
        if case_id is not None:
            call = self._bridge.submit(lambda engine: _timeline(engine, case_id))
            call.succeeded.connect(self._on_timeline_listed)
            call.failed.connect(self._on_failed)
        self.sample_changed.emit()

    def _on_timeline_listed(self, listed: tuple[str, list[TimelineEvent]]) -> None:
        case_id, events = listed
        if case_id != self._timeline_for:
            return  # the analyst has moved on to another case

        self._fill_events(events)

        self.timeline_loaded.emit()
        if events:
            self.sample_changed.emit()

    def _fill_events(self, events: list[TimelineEvent]) -> None:
        # The newest event is the likeliest one an author wants to see.
        self.timeline_event.blockSignals(True)
        self.timeline_event.clear()
        self.timeline_event.addItem(NO_EVENT, None)
        for event in events:
            self.timeline_event.addItem(_event_text(event), event.id)
        self.timeline_event.setCurrentIndex(len(events))
        self.timeline_event.setEnabled(bool(events))
        self.timeline_event.blockSignals(False)

    def _on_failed(self, error: object) -> None:
        self._show_status(f"Could not load cases: {describe(error)}")

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
