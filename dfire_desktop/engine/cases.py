"""Every change to a case. Each change yields the domain events it caused."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dfire_desktop.engine.clock import rfc3339
from dfire_desktop.engine.context import (
    case_variables,
    meta_variables,
    timeline_variables,
)
from dfire_desktop.engine.errors import InvalidInputError, NotFoundError
from dfire_desktop.engine.events import CASE_MODES, SEVERITIES, EventKind
from dfire_desktop.engine.models import (
    CaseNumberCounter,
    CaseRow,
    CaseTypeRow,
    TimelineEventRow,
)
from dfire_desktop.engine.outbox import DomainEvent
from dfire_desktop.engine.settings import LabSettings

MAX_TITLE_LENGTH = 500


@dataclasses.dataclass(frozen=True)
class CaseEnvironment:
    """What case changes need beyond the session: time and lab settings."""

    now: dt.datetime
    settings: LabSettings
    base_url: str


@dataclasses.dataclass(frozen=True)
class NewCase:
    title: str
    description: str = ""
    severity: str = "medium"
    mode: str = "investigation"
    case_type_id: str | None = None
    lead_investigator: str = ""
    source: str = ""
    incoming_webhook_id: str | None = None
    external_id: str | None = None
    attributes: dict[str, Any] = dataclasses.field(default_factory=dict)
    raw_request: dict[str, Any] | None = None


def check_new_case(new: NewCase) -> None:
    """Refuse a case that could not be shown or sent, naming the field."""
    if not new.title.strip():
        raise InvalidInputError("title is required and must not be empty", "title")
    if len(new.title) > MAX_TITLE_LENGTH:
        raise InvalidInputError(
            f"title is longer than {MAX_TITLE_LENGTH} characters", "title"
        )
    if new.severity not in SEVERITIES:
        raise InvalidInputError(
            f"severity must be one of {', '.join(SEVERITIES)}", "severity"
        )
    if new.mode not in CASE_MODES:
        raise InvalidInputError(f"mode must be one of {', '.join(CASE_MODES)}", "mode")


async def allocate_case_number(session: AsyncSession, year: int) -> str:
    """The next `CASE-<year>-<seq>`, counted inside the caller's transaction."""
    counter = await session.get(CaseNumberCounter, year, with_for_update=True)
    if counter is None:
        counter = CaseNumberCounter(year=year, last_seq=0)
        session.add(counter)
    counter.last_seq += 1
    return f"CASE-{year}-{counter.last_seq:03d}"


async def case_type_name(session: AsyncSession, case_type_id: str | None) -> str:
    if case_type_id is None:
        return ""
    row = await session.get(CaseTypeRow, case_type_id)
    return row.name if row else ""


async def case_context(
    session: AsyncSession, case: CaseRow, kind: EventKind, env: CaseEnvironment
) -> dict[str, dict[str, Any]]:
    type_name = await case_type_name(session, case.case_type_id)
    meta = meta_variables(kind, rfc3339(env.now), env.settings, env.base_url, case.id)
    return {"meta": meta, "case": case_variables(case, type_name)}


async def create_case(
    session: AsyncSession, new: NewCase, env: CaseEnvironment
) -> tuple[CaseRow, list[DomainEvent]]:
    """Add a case; the event is `incident_created` or `investigation_created`."""
    check_new_case(new)

    number = await allocate_case_number(session, env.now.year)
    case = CaseRow(
        case_number=number,
        title=new.title,
        description=new.description,
        status="open",
        severity=new.severity,
        case_mode=new.mode,
        phase_name="",
        case_type_id=new.case_type_id,
        lead_investigator=new.lead_investigator,
        source=new.source,
        incoming_webhook_id=new.incoming_webhook_id,
        external_id=new.external_id,
        attributes=new.attributes,
        raw_request=new.raw_request,
        created_at=env.now,
        updated_at=env.now,
    )
    session.add(case)
    await session.flush()

    kind = (
        EventKind.INCIDENT_CREATED
        if new.mode == "incident"
        else EventKind.INVESTIGATION_CREATED
    )
    context = await case_context(session, case, kind, env)
    return case, [DomainEvent(kind, case.id, context)]


async def get_case(session: AsyncSession, case_id: str) -> CaseRow:
    case = await session.get(CaseRow, case_id)
    if case is None:
        raise NotFoundError(f"no case with id {case_id}")
    return case


@dataclasses.dataclass(frozen=True)
class NewTimelineEvent:
    subject: str
    details: str = ""
    event_type: str = "MANUAL"
    location: str = ""
    actor_username: str = ""
    metadata: dict[str, Any] = dataclasses.field(default_factory=dict)
    event_datetime: dt.datetime | None = None


async def add_timeline_event(
    session: AsyncSession, case_id: str, new: NewTimelineEvent, env: CaseEnvironment
) -> tuple[TimelineEventRow, list[DomainEvent]]:
    """Add an entry to a case's timeline; the event is `timeline_event_created`."""
    if not new.subject.strip():
        raise InvalidInputError("subject is required", "subject")
    case = await get_case(session, case_id)

    row = TimelineEventRow(
        case_id=case.id,
        event_type=new.event_type,
        subject=new.subject,
        details=new.details,
        location=new.location,
        is_manual=new.event_type == "MANUAL",
        actor_username=new.actor_username,
        event_datetime=new.event_datetime or env.now,
        created_at=env.now,
        event_metadata=new.metadata,
    )
    case.updated_at = env.now
    session.add(row)
    await session.flush()

    kind = EventKind.TIMELINE_EVENT_CREATED
    context = await case_context(session, case, kind, env)
    context["event"] = timeline_variables(row)
    text = f"{new.subject}\n{new.details}"
    return row, [DomainEvent(kind, case.id, context, filter_text=text)]


async def find_by_external_id(
    session: AsyncSession, webhook_id: str, external_id: str
) -> CaseRow | None:
    query = select(CaseRow).where(
        CaseRow.incoming_webhook_id == webhook_id,
        CaseRow.external_id == external_id,
    )
    return (await session.execute(query)).scalar_one_or_none()
