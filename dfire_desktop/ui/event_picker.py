"""The 17 trigger events as checkboxes, grouped the way analysts think."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.events import EVENT_LABELS, EventKind

K = EventKind
EVENT_GROUPS: tuple[tuple[str, tuple[EventKind, ...]], ...] = (
    (
        "Case lifecycle",
        (
            K.INCIDENT_CREATED,
            K.INVESTIGATION_CREATED,
            K.CASE_CLOSED,
            K.CASE_ARCHIVED,
            K.CASE_REOPENED,
        ),
    ),
    (
        "Escalation and severity",
        (
            K.INVESTIGATION_ESCALATED,
            K.SEVERITY_ESCALATED,
            K.SEVERITY_DOWNGRADED,
            K.PHASE_CHANGED,
        ),
    ),
    (
        "Timeline and evidence",
        (K.TIMELINE_EVENT_CREATED, K.EVIDENCE_ADDED, K.EVIDENCE_STATUS_CHANGED),
    ),
    (
        "Compliance timers",
        (K.TIMER_50, K.TIMER_25, K.TIMER_10, K.TIMER_BREACHED),
    ),
    ("Testing", (K.TEST,)),
)


class EventPicker(QWidget):
    """Checkboxes for every event kind; `changed` fires on any tick."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._boxes: dict[EventKind, QCheckBox] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._build_groups())
        layout.addLayout(self._build_bulk_buttons())

    def _build_groups(self) -> QGridLayout:
        grid = QGridLayout()
        for index, (title, kinds) in enumerate(EVENT_GROUPS):
            grid.addWidget(self._build_group(title, kinds), index // 2, index % 2)
        return grid

    def _build_group(self, title: str, kinds: tuple[EventKind, ...]) -> QGroupBox:
        group = QGroupBox(title)
        column = QVBoxLayout(group)
        for kind in kinds:
            box = QCheckBox(EVENT_LABELS[kind])
            box.setObjectName(f"event_{kind.value}")
            box.toggled.connect(self.changed)
            self._boxes[kind] = box
            column.addWidget(box)
        column.addStretch(1)
        return group

    def _build_bulk_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        select_all = QPushButton("Select all")
        select_none = QPushButton("Clear all")
        select_all.clicked.connect(lambda: self.set_selected(EventKind))
        select_none.clicked.connect(lambda: self.set_selected(()))
        row.addWidget(select_all)
        row.addWidget(select_none)
        row.addStretch(1)
        return row

    def box(self, kind: EventKind) -> QCheckBox:
        return self._boxes[kind]

    def selected(self) -> tuple[EventKind, ...]:
        """The ticked kinds, in the specification's order."""
        return tuple(kind for kind in EventKind if self._boxes[kind].isChecked())

    def set_selected(self, kinds: Iterable[EventKind]) -> None:
        wanted = set(kinds)
        for kind, box in self._boxes.items():
            box.setChecked(kind in wanted)


def summarise(kinds: tuple[EventKind, ...], shown: int = 2) -> str:
    """`Incident Created, Case Closed +3 more` for a card."""
    if not kinds:
        return "No trigger events selected"
    labels = [EVENT_LABELS[kind] for kind in kinds]
    text = ", ".join(labels[:shown])
    if len(labels) > shown:
        text += f" +{len(labels) - shown} more"
    return text
