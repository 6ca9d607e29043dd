"""Value objects of the engine's public API.

The UI and the command line see only these, never ORM rows. Credentials
travel inward only: a `*Spec` may carry one, a read model says only whether
one is set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Any

from dfire_desktop.engine.events import EventKind


class AuthType(enum.StrEnum):
    NONE = "none"
    BASIC = "basic"
    BEARER = "bearer"
    HEADERS = "headers"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclasses.dataclass(frozen=True)
class AuthSpec:
    """Authentication as entered. For a credential, None keeps the stored
    value on update; an empty string clears it."""

    type: AuthType = AuthType.NONE
    username: str = ""
    password: str | None = None
    token: str | None = None
    headers: dict[str, str] | None = None


@dataclasses.dataclass(frozen=True)
class OutgoingWebhookSpec:
    name: str
    url: str
    events: tuple[EventKind, ...]
    description: str = ""
    content_filter: str = ""
    auth: AuthSpec = dataclasses.field(default_factory=AuthSpec)
    payload_template: str = ""
    value_mappings: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    max_retries: int = 3
    timeout_seconds: float = 30.0
    signing_secret: str | None = None
    enabled: bool = True


@dataclasses.dataclass(frozen=True)
class OutgoingWebhook:
    id: str
    name: str
    url: str
    events: tuple[EventKind, ...]
    description: str
    content_filter: str
    auth_type: AuthType
    auth_username: str
    has_auth_secret: bool
    auth_header_names: tuple[str, ...]
    payload_template: str
    value_mappings: dict[str, dict[str, Any]]
    max_retries: int
    timeout_seconds: float
    has_signing_secret: bool
    enabled: bool
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class IncomingWebhookSpec:
    name: str
    description: str = ""
    case_type: str | None = None
    default_mode: str = "investigation"
    default_severity: str = "medium"
    default_lead_investigator: str = ""
    enabled: bool = True


@dataclasses.dataclass(frozen=True)
class IncomingWebhook:
    id: str
    name: str
    description: str
    case_type: str | None
    default_mode: str
    default_severity: str
    default_lead_investigator: str
    enabled: bool
    url: str
    created_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class IssuedToken:
    """An incoming webhook's token, in clear text this one time only."""

    webhook: IncomingWebhook
    token: str


@dataclasses.dataclass(frozen=True)
class Secret:
    name: str
    description: str
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class CaseTypeField:
    label: str
    type: str
    key: str


@dataclasses.dataclass(frozen=True)
class CaseType:
    name: str
    fields: tuple[CaseTypeField, ...]


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    case_number: str
    title: str
    description: str
    status: str
    severity: str
    case_mode: str
    case_type: str | None
    lead_investigator: str
    source: str
    external_id: str | None
    attributes: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class TimelineEvent:
    id: str
    case_id: str
    event_type: str
    subject: str
    details: str
    location: str
    is_manual: bool
    actor_username: str
    event_datetime: dt.datetime
    created_at: dt.datetime
    metadata: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Attempt:
    number: int
    started_at: dt.datetime
    duration_ms: int | None
    status_code: int | None
    succeeded: bool
    error: str
    retry_in_seconds: float | None
    request_headers: dict[str, str]
    request_body: str
    response_headers: dict[str, str]
    response_body: str


@dataclasses.dataclass(frozen=True)
class Delivery:
    id: str
    webhook_id: str
    webhook_name: str
    event_kind: EventKind
    case_id: str | None
    status: DeliveryStatus
    attempt_count: int
    last_status_code: int | None
    last_duration_ms: int | None
    last_error: str
    created_at: dt.datetime
    updated_at: dt.datetime
    next_attempt_at: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class ImportResult:
    outgoing: tuple[OutgoingWebhook, ...]
    incoming: tuple[IssuedToken, ...]
