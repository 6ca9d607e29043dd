"""Alerts in: validation, attribute normalisation, dedup, case creation."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
import secrets
import unicodedata
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dfire_desktop.engine.cases import (
    CaseEnvironment,
    NewCase,
    create_case,
    find_by_external_id,
)
from dfire_desktop.engine.errors import InvalidInputError
from dfire_desktop.engine.models import CaseRow, CaseTypeRow, IncomingWebhookRow
from dfire_desktop.engine.outbox import DomainEvent

TOKEN_BYTES = 32
MAX_EXTERNAL_ID_LENGTH = 500
_NOT_ALNUM = re.compile(r"[\W_]+")
_TEXT_FIELDS = ("title", "description", "severity", "mode", "source")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: bytes) -> bytes:
    return hashlib.sha256(token).digest()


def token_matches(presented: bytes, stored_hash: bytes) -> bool:
    """Constant-time comparison on bytes (field fault F06)."""
    return hmac.compare_digest(hash_token(presented), stored_hash)


def normalise_key(key: str) -> str:
    """`HR REF #` -> `hr_ref`: NFKC, lowercase, runs of other characters
    than letters and digits become one `_`, trimmed."""
    folded = unicodedata.normalize("NFKC", key).lower()
    return _NOT_ALNUM.sub("_", folded).strip("_")


def field_keys(case_type: CaseTypeRow | None) -> set[str]:
    if case_type is None:
        return set()
    return {normalise_key(str(field.get("label", ""))) for field in case_type.fields}


def _text_field(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must be a string", name)
    return value


def _external_id(body: dict[str, Any]) -> str | None:
    value = body.get("external_id")
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidInputError(
            "external_id must be a string or an integer", "external_id"
        )
    text = str(value)
    if len(text) > MAX_EXTERNAL_ID_LENGTH:
        raise InvalidInputError(
            f"external_id is longer than {MAX_EXTERNAL_ID_LENGTH} characters",
            "external_id",
        )
    return text


def _attributes(body: dict[str, Any], allowed: set[str]) -> dict[str, Any]:
    raw = body.get("attributes")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidInputError("attributes must be a JSON object", "attributes")
    normalised = {normalise_key(str(key)): value for key, value in raw.items()}
    return {key: value for key, value in normalised.items() if key in allowed}


def parse_alert(
    body: dict[str, Any], webhook: IncomingWebhookRow, case_type: CaseTypeRow | None
) -> NewCase:
    """The case an alert asks for, with the webhook's defaults filled in."""
    fields = {name: _text_field(body, name) for name in _TEXT_FIELDS}
    if fields["title"] is None:
        raise InvalidInputError("title is required", "title")
    return NewCase(
        title=fields["title"],
        description=fields["description"] or "",
        severity=(fields["severity"] or webhook.default_severity).lower(),
        mode=(fields["mode"] or webhook.default_mode).lower(),
        case_type_id=webhook.case_type_id,
        lead_investigator=webhook.default_lead_investigator,
        source=fields["source"] or "",
        incoming_webhook_id=webhook.id,
        external_id=_external_id(body),
        attributes=_attributes(body, field_keys(case_type)),
        raw_request=body,
    )


@dataclasses.dataclass(frozen=True)
class AlertResult:
    case: CaseRow
    created: bool
    events: list[DomainEvent]


async def open_case(
    session: AsyncSession,
    webhook: IncomingWebhookRow,
    body: dict[str, Any],
    env: CaseEnvironment,
) -> AlertResult:
    """Create the alert's case, or find the one its `external_id` made.

    The caller commits. A concurrent twin that won the race surfaces as an
    IntegrityError at commit; `DuplicateRace` tells the caller to look again.
    """
    case_type = (
        await session.get(CaseTypeRow, webhook.case_type_id)
        if webhook.case_type_id
        else None
    )
    new = parse_alert(body, webhook, case_type)
    if new.external_id is not None:
        existing = await find_by_external_id(session, webhook.id, new.external_id)
        if existing is not None:
            return AlertResult(existing, False, [])

    case, events = await create_case(session, new, env)
    return AlertResult(case, True, events)


def is_duplicate_race(exc: IntegrityError) -> bool:
    """Whether the integrity error is the per-webhook external_id constraint."""
    text = str(exc.orig).lower()
    return "uq_case_ext" in text or "external_id" in text
