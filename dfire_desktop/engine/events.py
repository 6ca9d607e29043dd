"""The 17 event kinds a webhook can subscribe to."""

from __future__ import annotations

import enum


class EventKind(enum.StrEnum):
    INCIDENT_CREATED = "incident_created"
    INVESTIGATION_CREATED = "investigation_created"
    CASE_CLOSED = "case_closed"
    CASE_ARCHIVED = "case_archived"
    CASE_REOPENED = "case_reopened"
    INVESTIGATION_ESCALATED = "investigation_escalated"
    SEVERITY_ESCALATED = "severity_escalated"
    SEVERITY_DOWNGRADED = "severity_downgraded"
    PHASE_CHANGED = "phase_changed"
    TIMELINE_EVENT_CREATED = "timeline_event_created"
    EVIDENCE_ADDED = "evidence_added"
    EVIDENCE_STATUS_CHANGED = "evidence_status_changed"
    TIMER_50 = "timer_50"
    TIMER_25 = "timer_25"
    TIMER_10 = "timer_10"
    TIMER_BREACHED = "timer_breached"
    TEST = "test"

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]


EVENT_LABELS: dict[EventKind, str] = {
    EventKind.INCIDENT_CREATED: "Incident Created",
    EventKind.INVESTIGATION_CREATED: "Investigation Created",
    EventKind.CASE_CLOSED: "Case Closed",
    EventKind.CASE_ARCHIVED: "Case Archived",
    EventKind.CASE_REOPENED: "Case Reopened",
    EventKind.INVESTIGATION_ESCALATED: "Investigation Escalated to Incident",
    EventKind.SEVERITY_ESCALATED: "Severity/Priority Escalated",
    EventKind.SEVERITY_DOWNGRADED: "Severity/Priority Downgraded",
    EventKind.PHASE_CHANGED: "Incident Phase Changed",
    EventKind.TIMELINE_EVENT_CREATED: "Timeline Event Created",
    EventKind.EVIDENCE_ADDED: "Evidence Added",
    EventKind.EVIDENCE_STATUS_CHANGED: "Evidence Status Changed",
    EventKind.TIMER_50: "Timer at 50% (Half Time Warning)",
    EventKind.TIMER_25: "Timer at 25% (Quarter Time Warning)",
    EventKind.TIMER_10: "Timer at 10% (Critical Warning)",
    EventKind.TIMER_BREACHED: "Timer Breached (Deadline Passed)",
    EventKind.TEST: "Test Event (Manual Testing)",
}

SEVERITIES: tuple[str, ...] = ("info", "low", "medium", "high", "critical")
CASE_MODES: tuple[str, ...] = ("investigation", "incident")
CASE_STATUSES: tuple[str, ...] = ("open", "closed", "archived")


def parse_event_kind(text: str) -> EventKind:
    """The kind named by `text`, or InvalidInputError listing the valid ids."""
    from dfire_desktop.engine.errors import InvalidInputError

    try:
        return EventKind(text)
    except ValueError:
        valid = ", ".join(kind.value for kind in EventKind)
        raise InvalidInputError(
            f"unknown event kind {text!r}; valid kinds: {valid}", field="events"
        ) from None
