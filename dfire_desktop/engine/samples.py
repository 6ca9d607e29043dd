"""Sample variable contexts, one per event kind, for previews and lint.

Each sample carries exactly the variables the catalogue says its kind
provides, so a preview shows the same gaps a real event would. Values are
fixed rather than random: a preview should not change between keystrokes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from dfire_desktop.engine import catalogue
from dfire_desktop.engine.clock import rfc3339
from dfire_desktop.engine.events import EventKind

SAMPLE_MOMENT: Final = dt.datetime(2026, 3, 14, 9, 26, 53, tzinfo=dt.UTC)
CASE_ID: Final = "5b0f6a52-3c1e-4d7a-9a8e-2f61c0d4b7e9"
ITEM_UUID: Final = "c7e2d9a4-81b3-4f0e-a6d5-0b9e3f72c148"
TENANT_UUID: Final = "0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b"
TIMER_HOURS: Final = 72

# Threshold reached and seconds left at that moment, for a 72-hour timer.
_TIMER_STATE: Final = {
    EventKind.TIMER_50: (50, TIMER_HOURS * 3600 // 2),
    EventKind.TIMER_25: (25, TIMER_HOURS * 3600 // 4),
    EventKind.TIMER_10: (10, TIMER_HOURS * 3600 // 10),
    EventKind.TIMER_BREACHED: (0, 0),
    EventKind.TEST: (50, TIMER_HOURS * 3600 // 2),
}

# Severity before and after the change, for the kinds that change it.
_SEVERITY_CHANGE: Final = {
    EventKind.SEVERITY_ESCALATED: ("high", "critical"),
    EventKind.SEVERITY_DOWNGRADED: ("critical", "high"),
    EventKind.INVESTIGATION_ESCALATED: ("high", "critical"),
    EventKind.TEST: ("high", "critical"),
}


def sample_context(
    kind: EventKind,
    *,
    webhook_name: str = "Sample webhook",
    base_url: str = "http://127.0.0.1:8765",
    tenant_name: str = "Lab",
) -> dict[str, dict[str, Any]]:
    """Plausible variables for an event of `kind`, category by category."""
    base_url = base_url.rstrip("/")
    full = {
        "meta": _meta(kind, webhook_name, base_url, tenant_name),
        "case": _case(kind),
        "event": _event(),
        "item": _item(kind),
        "timer": _timer(kind),
    }

    context: dict[str, dict[str, Any]] = {}
    for variable in catalogue.variables_for([kind]):
        value = full[variable.category][variable.name]
        context.setdefault(variable.category, {})[variable.name] = value

    return context


def _at(minutes_before: int) -> str:
    return rfc3339(SAMPLE_MOMENT - dt.timedelta(minutes=minutes_before)) or ""


def _meta(
    kind: EventKind, webhook_name: str, base_url: str, tenant_name: str
) -> dict[str, Any]:
    previous, new = _SEVERITY_CHANGE.get(kind, (None, None))
    return {
        "event_type": kind.value,
        "timestamp": _at(0),
        "webhook_name": webhook_name,
        "base_url": base_url,
        "case_url": f"{base_url}/cases/{CASE_ID}",
        "item_url": f"{base_url}/cases/{CASE_ID}/evidence/{ITEM_UUID}",
        "tenant_name": tenant_name,
        "tenant_uuid": TENANT_UUID,
        "environment": "production",
        "previous_severity": previous,
        "new_severity": new,
    }


def _case(kind: EventKind) -> dict[str, Any]:
    investigation = kind is EventKind.INVESTIGATION_CREATED
    severity = _SEVERITY_CHANGE.get(kind, (None, "critical"))[1]
    return {
        "id": CASE_ID,
        "case_number": "CASE-2026-042",
        "title": "Ransomware on finance file server",
        "description": (
            'Shares on FS-01 encrypted overnight; ransom note "READ_ME.txt".\n'
            "Users cannot open files."
        ),
        "status": _case_status(kind),
        "severity": severity,
        "case_mode": "investigation" if investigation else "incident",
        "phase_name": None if investigation else "Containment",
        "phase_order": None if investigation else 3,
        "case_type_name": "Security Incident",
        "lead_investigator": "a.jansen",
        "created_at": _at(600),
        "updated_at": _at(0),
    }


def _case_status(kind: EventKind) -> str:
    if kind is EventKind.CASE_CLOSED:
        return "closed"
    if kind is EventKind.CASE_ARCHIVED:
        return "archived"
    return "open"


def _event() -> dict[str, Any]:
    subject = "@page Lateral movement from FS-01"
    return {
        "id": "9a4c1f7e-2b6d-4e8a-b3c5-7d1e0f2a6b94",
        "event_type": "MANUAL",
        "title": subject,
        "description": "SMB sessions from FS-01 to three finance laptops.",
        "subject": subject,
        "details": "SMB sessions from FS-01 to three finance laptops.",
        "location": "FS-01",
        "is_manual": True,
        "actor_username": "m.okafor",
        "event_datetime": _at(15),
        "created_at": _at(1),
        "metadata": {"source": "analyst", "tags": ["lateral-movement"]},
    }


def _item(kind: EventKind) -> dict[str, Any]:
    changed = kind is EventKind.EVIDENCE_STATUS_CHANGED
    return {
        "uuid": ITEM_UUID,
        "name": "FS-01 memory image",
        "item_type_name": "Memory image",
        "status_name": "Analysis" if changed else "Acquired",
        "created_at": _at(45),
    }


def _timer(kind: EventKind) -> dict[str, Any]:
    threshold, remaining = _TIMER_STATE.get(kind, (None, None))
    return {
        "id": 7,
        "name": "GDPR 72h",
        "framework": "GDPR",
        "duration_hours": TIMER_HOURS,
        "authority_name": "Autoriteit Persoonsgegevens",
        "threshold_triggered": threshold,
        "time_remaining_seconds": remaining,
        "deadline": _at(-((remaining or 0) // 60)),
    }
