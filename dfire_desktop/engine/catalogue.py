"""The variable catalogue: every `{{category.variable}}` a template may use.

Names and descriptions follow the specification verbatim. Each variable
records which event kinds provide it, so the editor can warn about a
variable that none of a webhook's trigger events will ever fill.

`secret.<name>` is not in the catalogue: secrets are user-defined and are
resolved through the vault at send time, so only their names are checked.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Final

from dfire_desktop.engine.events import EventKind

SECRET_CATEGORY: Final = "secret"
SECRET_NAME_PATTERN: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$")

CATEGORIES: Final[dict[str, str]] = {
    "meta": "Request Metadata",
    "case": "Case Information",
    "event": "Timeline Event Information",
    "item": "Evidence Item Information",
    "timer": "Compliance Timer Information",
    SECRET_CATEGORY: "Stored Secrets",
}

ALL_KINDS: Final = frozenset(EventKind)
# The test event carries every variable so a template can be tried in full.
EVIDENCE_KINDS: Final = frozenset(
    {EventKind.EVIDENCE_ADDED, EventKind.EVIDENCE_STATUS_CHANGED, EventKind.TEST}
)
TIMELINE_KINDS: Final = frozenset({EventKind.TIMELINE_EVENT_CREATED, EventKind.TEST})
TIMER_KINDS: Final = frozenset(
    {
        EventKind.TIMER_50,
        EventKind.TIMER_25,
        EventKind.TIMER_10,
        EventKind.TIMER_BREACHED,
        EventKind.TEST,
    }
)
SEVERITY_CHANGE_KINDS: Final = frozenset(
    {
        EventKind.SEVERITY_ESCALATED,
        EventKind.SEVERITY_DOWNGRADED,
        EventKind.INVESTIGATION_ESCALATED,
        EventKind.TEST,
    }
)


@dataclasses.dataclass(frozen=True)
class Variable:
    """One template variable; `type` is the JSON-ish type of its value."""

    path: str
    description: str
    type: str  # "string" | "integer" | "boolean" | "timestamp" | "object" | "number"
    kinds: frozenset[EventKind]

    @property
    def category(self) -> str:
        return self.path.partition(".")[0]

    @property
    def name(self) -> str:
        return self.path.partition(".")[2]


def _category(
    category: str,
    kinds: frozenset[EventKind],
    rows: Iterable[tuple[str, str, str]],
) -> list[Variable]:
    return [
        Variable(f"{category}.{name}", description, type_, kinds)
        for name, description, type_ in rows
    ]


_META: Final = [
    *_category(
        "meta",
        ALL_KINDS,
        [
            ("event_type", "The event that triggered this webhook", "string"),
            ("timestamp", "When the event occurred (ISO 8601)", "timestamp"),
            ("webhook_name", "Name of this webhook configuration", "string"),
            ("base_url", "DFIRe instance base URL", "string"),
            ("case_url", "Direct URL to the case", "string"),
        ],
    ),
    *_category(
        "meta",
        EVIDENCE_KINDS,
        [("item_url", "Direct URL to the evidence item (if applicable)", "string")],
    ),
    *_category(
        "meta",
        ALL_KINDS,
        [
            ("tenant_name", "Organization name", "string"),
            ("tenant_uuid", "Tenant identifier", "string"),
            ("environment", "Environment (production, development)", "string"),
        ],
    ),
    *_category(
        "meta",
        SEVERITY_CHANGE_KINDS,
        [
            (
                "previous_severity",
                "Previous severity (for escalation events)",
                "string",
            ),
            ("new_severity", "New severity (for escalation events)", "string"),
        ],
    ),
]

_CASE: Final = _category(
    "case",
    ALL_KINDS,
    [
        ("id", "Case UUID", "string"),
        ("case_number", "Case number (e.g., CASE-2026-001)", "string"),
        ("title", "Case title", "string"),
        ("description", "Case description", "string"),
        ("status", "Case status (open, closed, archived)", "string"),
        ("severity", "Severity level (info, low, medium, high, critical)", "string"),
        ("case_mode", "Case mode (investigation, incident)", "string"),
        ("phase_name", "Current incident phase name", "string"),
        ("phase_order", "Current incident phase order", "integer"),
        ("case_type_name", "Case type name", "string"),
        ("lead_investigator", "Lead investigator username", "string"),
        ("created_at", "Case creation timestamp", "timestamp"),
        ("updated_at", "Last update timestamp", "timestamp"),
    ],
)

_EVENT: Final = _category(
    "event",
    TIMELINE_KINDS,
    [
        ("id", "Event UUID", "string"),
        ("event_type", "Event type (MANUAL, AUTO, etc.)", "string"),
        ("title", "Event title/subject", "string"),
        ("description", "Event description", "string"),
        ("subject", "Event subject", "string"),
        ("details", "Event details", "string"),
        ("location", "Location information", "string"),
        ("is_manual", "Whether this is a manual entry", "boolean"),
        ("actor_username", "User who created the event", "string"),
        ("event_datetime", "When the event occurred", "timestamp"),
        ("created_at", "When the event was recorded", "timestamp"),
        ("metadata", "Additional event metadata (JSON)", "object"),
    ],
)

_ITEM: Final = _category(
    "item",
    EVIDENCE_KINDS,
    [
        ("uuid", "Evidence item UUID", "string"),
        ("name", "Evidence item name", "string"),
        ("item_type_name", "Evidence type name", "string"),
        ("status_name", "Current investigation step", "string"),
        ("created_at", "When the item was added", "timestamp"),
    ],
)

_TIMER: Final = _category(
    "timer",
    TIMER_KINDS,
    [
        ("id", "Timer ID", "integer"),
        ("name", 'Timer name (e.g., "GDPR 72h")', "string"),
        ("framework", "Compliance framework", "string"),
        ("duration_hours", "Total duration in hours", "number"),
        ("authority_name", "Regulatory authority", "string"),
        (
            "threshold_triggered",
            "Which threshold was triggered (50, 25, 10, 0)",
            "integer",
        ),
        ("time_remaining_seconds", "Seconds remaining until deadline", "integer"),
        ("deadline", "Deadline timestamp", "timestamp"),
    ],
)

VARIABLES: Final[tuple[Variable, ...]] = (*_META, *_CASE, *_EVENT, *_ITEM, *_TIMER)

_BY_PATH: Final = {variable.path: variable for variable in VARIABLES}


def lookup(path: str) -> Variable | None:
    """The catalogue variable at `path`, or None (always None for secrets)."""
    return _BY_PATH.get(path)


def variables_for(kinds: Iterable[EventKind]) -> list[Variable]:
    """Variables provided by at least one of `kinds`, in catalogue order."""
    wanted = frozenset(kinds)
    return [variable for variable in VARIABLES if variable.kinds & wanted]


def is_valid_secret_name(name: str) -> bool:
    """Whether `name` can name a secret (and so appear as `secret.<name>`)."""
    return SECRET_NAME_PATTERN.fullmatch(name) is not None
