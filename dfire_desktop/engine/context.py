"""The variable context of an event: what `{{case.title}}` and friends read.

A context is plain JSON data (category, then variable name), so it can be
snapshotted into a delivery row and rendered later, in another process.
"""

from __future__ import annotations

from typing import Any

from dfire_desktop.engine.clock import rfc3339
from dfire_desktop.engine.events import EventKind
from dfire_desktop.engine.models import CaseRow, TimelineEventRow
from dfire_desktop.engine.settings import LabSettings

Context = dict[str, dict[str, Any]]


def case_variables(case: CaseRow, case_type_name: str) -> dict[str, Any]:
    return {
        "id": case.id,
        "case_number": case.case_number,
        "title": case.title,
        "description": case.description,
        "status": case.status,
        "severity": case.severity,
        "case_mode": case.case_mode,
        "phase_name": case.phase_name,
        "phase_order": case.phase_order,
        "case_type_name": case_type_name,
        "lead_investigator": case.lead_investigator,
        "created_at": rfc3339(case.created_at),
        "updated_at": rfc3339(case.updated_at),
    }


def timeline_variables(event: TimelineEventRow) -> dict[str, Any]:
    return {
        "id": event.id,
        "event_type": event.event_type,
        "title": event.subject,
        "description": event.details,
        "subject": event.subject,
        "details": event.details,
        "location": event.location,
        "is_manual": event.is_manual,
        "actor_username": event.actor_username,
        "event_datetime": rfc3339(event.event_datetime),
        "created_at": rfc3339(event.created_at),
        "metadata": dict(event.event_metadata or {}),
    }


def meta_variables(
    kind: EventKind,
    timestamp: str | None,
    settings: LabSettings,
    base_url: str,
    case_id: str | None,
) -> dict[str, Any]:
    """Everything in `meta` but the webhook's name, which the outbox adds."""
    return {
        "event_type": kind.value,
        "timestamp": timestamp,
        "webhook_name": "",
        "base_url": base_url,
        "case_url": f"{base_url}/cases/{case_id}" if case_id else None,
        "item_url": None,
        "tenant_name": settings.tenant_name,
        "tenant_uuid": settings.tenant_uuid,
        "environment": settings.environment,
        "previous_severity": None,
        "new_severity": None,
    }
