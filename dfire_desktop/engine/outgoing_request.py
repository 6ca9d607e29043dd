"""One outgoing POST, ready to send: body rendered once, signed, with auth.

The body is serialised once to bytes; those bytes are signed and sent as
they are, so a receiver's HMAC always matches (field fault F05). A redacted
copy of the headers and body is what delivery history keeps.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import dfire_desktop
from dfire_desktop.engine.api import AuthType
from dfire_desktop.engine.clock import rfc3339
from dfire_desktop.engine.models import DeliveryRow, OutgoingWebhookRow, SecretRow
from dfire_desktop.engine.signing import SIGNATURE_HEADER, sign
from dfire_desktop.engine.templating import (
    referenced_secrets,
    render_payload,
    render_preview,
)
from dfire_desktop.engine.vault import REDACTED, Vault, url_secrets

USER_AGENT = f"DFIRe-Desktop/{dfire_desktop.__version__}"


@dataclasses.dataclass(frozen=True)
class OutgoingRequest:
    url: str
    headers: dict[str, str]
    body: bytes
    # What history may keep: credentials replaced, secrets masked.
    redacted_headers: dict[str, str]
    redacted_body: str
    # Every credential value in play, to scrub from responses and errors.
    credentials: tuple[str, ...]


async def load_secret_values(
    session: AsyncSession, vault: Vault, names: set[str]
) -> dict[str, str]:
    """Clear values of the named secrets that exist; absent names are left
    out so rendering reports them."""
    if not names:
        return {}
    query = select(SecretRow).where(SecretRow.name.in_(names))
    rows = (await session.execute(query)).scalars().all()
    return {row.name: vault.decrypt(row.ciphertext) for row in rows}


def auth_headers(
    webhook: OutgoingWebhookRow, vault: Vault, secret: str
) -> dict[str, str]:
    """The authentication headers for `webhook`; `secret` is its decrypted
    password or token."""
    kind = AuthType(webhook.auth_type)
    if kind is AuthType.BASIC:
        pair = f"{webhook.auth_username}:{secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
    if kind is AuthType.BEARER:
        return {"Authorization": f"Bearer {secret}"}
    if kind is AuthType.HEADERS and webhook.auth_headers:
        headers: dict[str, str] = json.loads(vault.decrypt(webhook.auth_headers))
        return headers
    return {}


def standard_headers(delivery: DeliveryRow, timestamp: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Webhook-Event": delivery.event_kind,
        "X-Webhook-Delivery": delivery.id,
        "X-Webhook-Timestamp": timestamp,
    }


def _redact_auth(headers: Mapping[str, str], auth: Mapping[str, str]) -> dict[str, str]:
    return {k: (REDACTED if k in auth else v) for k, v in headers.items()}


async def build_request(
    session: AsyncSession,
    vault: Vault,
    webhook: OutgoingWebhookRow,
    delivery: DeliveryRow,
    now: dt.datetime,
) -> OutgoingRequest:
    """Render, sign and authenticate one attempt of `delivery`.

    Raises RenderError (names the placeholder) or a vault error; in either
    case nothing is sent.
    """
    context: Mapping[str, Any] = delivery.context
    names = referenced_secrets(webhook.payload_template)
    secrets = await load_secret_values(session, vault, names)
    mappings = webhook.value_mappings or {}
    rendered = render_payload(webhook.payload_template, context, mappings, secrets.get)
    shown = render_preview(webhook.payload_template, context, mappings, secrets)

    timestamp = rfc3339(now) or ""
    headers = standard_headers(delivery, timestamp)
    signing_secret = ""
    if webhook.signing_secret:
        signing_secret = vault.decrypt(webhook.signing_secret)
        headers[SIGNATURE_HEADER] = sign(rendered.body, signing_secret)
    auth_secret = vault.decrypt(webhook.auth_secret) if webhook.auth_secret else ""
    auth = auth_headers(webhook, vault, auth_secret)
    headers.update(auth)

    credentials = [*secrets.values(), *auth.values(), signing_secret, auth_secret]
    credentials += url_secrets(webhook.url)
    return OutgoingRequest(
        url=webhook.url,
        headers=headers,
        body=rendered.body,
        redacted_headers=_redact_auth(headers, auth),
        redacted_body=shown.text,
        credentials=tuple(c for c in credentials if c),
    )
