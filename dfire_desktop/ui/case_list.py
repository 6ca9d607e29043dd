"""The CaseList model: recent cases, newest first."""

from __future__ import annotations

from dfire_desktop.engine.api import Case, TimelineEvent
from dfire_desktop.ui.tables import Column, RecordTable, local_time, or_dash

CASE_COLUMNS: tuple[Column[Case], ...] = (
    Column("Case", lambda c: c.case_number),
    Column("Title", lambda c: c.title),
    Column("Severity", lambda c: c.severity),
    Column("Mode", lambda c: c.case_mode),
    Column("Status", lambda c: c.status),
    Column("Lead", lambda c: or_dash(c.lead_investigator)),
    Column("Source", lambda c: or_dash(c.source)),
    Column("Created", lambda c: local_time(c.created_at)),
)

TIMELINE_COLUMNS: tuple[Column[TimelineEvent], ...] = (
    Column("When", lambda e: local_time(e.event_datetime)),
    Column("Type", lambda e: e.event_type),
    Column("Subject", lambda e: e.subject),
    Column("By", lambda e: or_dash(e.actor_username)),
    Column("Details", lambda e: e.details),
)


class CaseList(RecordTable[Case]):
    def __init__(self) -> None:
        super().__init__(CASE_COLUMNS)

    def add_or_update(self, case: Case) -> None:
        for row, known in enumerate(self._rows):
            if known.id == case.id:
                self.replace(row, case)
                return
        self.insert_first(case)


class CaseTimeline(RecordTable[TimelineEvent]):
    def __init__(self) -> None:
        super().__init__(TIMELINE_COLUMNS)
