"""Rows to the value objects of the public API. Credentials never cross."""

from __future__ import annotations

from dfire_desktop.engine import api
from dfire_desktop.engine.events import EventKind
from dfire_desktop.engine.models import (
    AttemptRow,
    CaseRow,
    CaseTypeRow,
    DeliveryRow,
    IncomingWebhookRow,
    OutgoingWebhookRow,
    SecretRow,
    TimelineEventRow,
)

INCOMING_URL = "{base}/api/webhooks/incoming/{id}/"


def outgoing(row: OutgoingWebhookRow) -> api.OutgoingWebhook:
    return api.OutgoingWebhook(
        id=row.id,
        name=row.name,
        url=row.url,
        events=tuple(EventKind(kind) for kind in row.events),
        description=row.description,
        content_filter=row.content_filter,
        auth_type=api.AuthType(row.auth_type),
        auth_username=row.auth_username,
        has_auth_secret=row.auth_secret is not None,
        auth_header_names=tuple(row.auth_header_names or ()),
        payload_template=row.payload_template,
        value_mappings=dict(row.value_mappings or {}),
        max_retries=row.max_retries,
        timeout_seconds=row.timeout_seconds,
        has_signing_secret=row.signing_secret is not None,
        enabled=row.enabled,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def incoming(
    row: IncomingWebhookRow, case_type: str | None, listener_url: str
) -> api.IncomingWebhook:
    return api.IncomingWebhook(
        id=row.id,
        name=row.name,
        description=row.description,
        case_type=case_type,
        default_mode=row.default_mode,
        default_severity=row.default_severity,
        default_lead_investigator=row.default_lead_investigator,
        enabled=row.enabled,
        url=INCOMING_URL.format(base=listener_url.rstrip("/"), id=row.id),
        created_at=row.created_at,
    )


def secret(row: SecretRow) -> api.Secret:
    return api.Secret(row.name, row.description, row.created_at, row.updated_at)


def case_type(row: CaseTypeRow) -> api.CaseType:
    from dfire_desktop.engine.incoming import normalise_key

    fields = tuple(
        api.CaseTypeField(
            label=str(f.get("label", "")),
            type=str(f.get("type", "text")),
            key=normalise_key(str(f.get("label", ""))),
        )
        for f in row.fields
    )
    return api.CaseType(row.name, fields)


def case(row: CaseRow, case_type_name: str | None) -> api.Case:
    return api.Case(
        id=row.id,
        case_number=row.case_number,
        title=row.title,
        description=row.description,
        status=row.status,
        severity=row.severity,
        case_mode=row.case_mode,
        case_type=case_type_name,
        lead_investigator=row.lead_investigator,
        source=row.source,
        external_id=row.external_id,
        attributes=dict(row.attributes or {}),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def timeline_event(row: TimelineEventRow) -> api.TimelineEvent:
    return api.TimelineEvent(
        id=row.id,
        case_id=row.case_id,
        event_type=row.event_type,
        subject=row.subject,
        details=row.details,
        location=row.location,
        is_manual=row.is_manual,
        actor_username=row.actor_username,
        event_datetime=row.event_datetime,
        created_at=row.created_at,
        metadata=dict(row.event_metadata or {}),
    )


def delivery(row: DeliveryRow, webhook_name: str) -> api.Delivery:
    return api.Delivery(
        id=row.id,
        webhook_id=row.webhook_id,
        webhook_name=webhook_name,
        event_kind=EventKind(row.event_kind),
        case_id=row.case_id,
        status=api.DeliveryStatus(row.status),
        attempt_count=row.attempt_count,
        last_status_code=row.last_status_code,
        last_duration_ms=row.last_duration_ms,
        last_error=row.last_error,
        created_at=row.created_at,
        updated_at=row.updated_at,
        next_attempt_at=row.next_attempt_at,
    )


def attempt(row: AttemptRow) -> api.Attempt:
    return api.Attempt(
        number=row.number,
        started_at=row.started_at,
        duration_ms=row.duration_ms,
        status_code=row.status_code,
        succeeded=row.succeeded,
        error=row.error,
        retry_in_seconds=row.retry_in_seconds,
        request_headers=dict(row.request_headers or {}),
        request_body=row.request_body,
        response_headers=dict(row.response_headers or {}),
        response_body=row.response_body,
    )
