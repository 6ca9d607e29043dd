"""The tables. Schema changes go through the Alembic migrations beside the
package; a test checks that the migrations and these models agree."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dfire_desktop.engine.clock import as_utc


def new_id() -> str:
    return str(uuid.uuid4())


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC in and out, whatever the backend keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return as_utc(value)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else as_utc(value)


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: UtcDateTime, dict[str, Any]: JSON}


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CaseTypeRow(Base):
    __tablename__ = "case_types"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class CaseNumberCounter(Base):
    __tablename__ = "case_number_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class CaseRow(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("incoming_webhook_id", "external_id", name="uq_case_ext"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_number: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    severity: Mapped[str] = mapped_column(String(16))
    case_mode: Mapped[str] = mapped_column(String(16))
    phase_name: Mapped[str] = mapped_column(String(100), default="")
    phase_order: Mapped[int | None] = mapped_column(Integer, nullable=True)
    case_type_id: Mapped[str | None] = mapped_column(
        ForeignKey("case_types.id", ondelete="SET NULL"), nullable=True
    )
    lead_investigator: Mapped[str] = mapped_column(String(150), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    incoming_webhook_id: Mapped[str | None] = mapped_column(
        ForeignKey("incoming_webhooks.id", ondelete="SET NULL"), nullable=True
    )
    external_id: Mapped[str | None] = mapped_column(String(500), nullable=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    raw_request: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class TimelineEventRow(Base):
    __tablename__ = "timeline_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(32), default="MANUAL")
    subject: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(Text, default="")
    is_manual: Mapped[bool] = mapped_column(Boolean, default=True)
    actor_username: Mapped[str] = mapped_column(String(150), default="")
    event_datetime: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime]
    event_metadata: Mapped[dict[str, Any]] = mapped_column(
        "metadata", JSON, default=dict
    )


class SecretRow(Base):
    __tablename__ = "secrets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class OutgoingWebhookRow(Base):
    __tablename__ = "outgoing_webhooks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    content_filter: Mapped[str] = mapped_column(Text, default="")
    auth_type: Mapped[str] = mapped_column(String(16), default="none")
    auth_username: Mapped[str] = mapped_column(String(200), default="")
    # Password (Basic) or token (Bearer), Fernet-encrypted.
    auth_secret: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # JSON object of custom header names to values, Fernet-encrypted whole.
    auth_headers: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    auth_header_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    payload_template: Mapped[str] = mapped_column(Text, default="")
    value_mappings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    max_retries: Mapped[int] = mapped_column(Integer, default=3)
    timeout_seconds: Mapped[float] = mapped_column(Float, default=30.0)
    signing_secret: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class IncomingWebhookRow(Base):
    __tablename__ = "incoming_webhooks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    case_type_id: Mapped[str | None] = mapped_column(
        ForeignKey("case_types.id", ondelete="SET NULL"), nullable=True
    )
    default_mode: Mapped[str] = mapped_column(String(16), default="investigation")
    default_severity: Mapped[str] = mapped_column(String(16), default="medium")
    default_lead_investigator: Mapped[str] = mapped_column(String(150), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # SHA-256 of the token: tokens are 256 random bits, so no slow hash is needed.
    token_hash: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime]


class DeliveryRow(Base):
    __tablename__ = "deliveries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    webhook_id: Mapped[str] = mapped_column(
        ForeignKey("outgoing_webhooks.id", ondelete="CASCADE"), index=True
    )
    event_kind: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # The event's variables at the time it happened; never a secret value.
    context: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(
        UtcDateTime, nullable=True, index=True
    )
    lease_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class AttemptRow(Base):
    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("deliveries.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime]
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str] = mapped_column(Text, default="")
    retry_in_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    request_headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    request_body: Mapped[str] = mapped_column(Text, default="")
    response_headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    response_body: Mapped[str] = mapped_column(Text, default="")
