"""What a webhook would send: body, headers, size and lint, secrets masked.

The preview's body is the body that is sent, byte for byte, once the masks
are replaced by the secret values; the signature shown is computed over the
shown body, so an author can check a receiver's verification against it.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from dfire_desktop.engine.api import AuthSpec, AuthType
from dfire_desktop.engine.errors import InvalidInputError, RenderError
from dfire_desktop.engine.events import EventKind
from dfire_desktop.engine.lint import LintMessage, lint
from dfire_desktop.engine.outgoing_request import USER_AGENT
from dfire_desktop.engine.signing import SIGNATURE_HEADER, sign
from dfire_desktop.engine.templating import (
    SECRET_MASK,
    Context,
    render_preview,
    validate_mappings,
)

UNASSIGNED = "(assigned when sent)"
# Stands for a stored signing secret the locked vault cannot read.
UNSIGNABLE = "\0unsignable"


@dataclasses.dataclass(frozen=True)
class PreviewRequest:
    template: str
    mappings_text: str = ""
    kinds: tuple[EventKind, ...] = ()
    sample_kind: EventKind = EventKind.TEST
    case_id: str | None = None
    timeline_event_id: str | None = None
    webhook_id: str | None = None
    webhook_name: str = ""
    auth: AuthSpec = dataclasses.field(default_factory=AuthSpec)
    # Typed in the dialog; None uses the stored one of `webhook_id`.
    signing_secret: str | None = None


@dataclasses.dataclass(frozen=True)
class Preview:
    text: str | None
    headers: tuple[tuple[str, str], ...]
    size_bytes: int
    error: str
    error_line: int
    error_column: int
    lint: tuple[LintMessage, ...]
    source: str


def parse_mappings(text: str) -> dict[str, dict[str, Any]]:
    """The mappings typed so far; anything unusable counts as none (lint
    reports it)."""
    if not text.strip():
        return {}
    try:
        return validate_mappings(json.loads(text))
    except (ValueError, InvalidInputError):
        return {}


def masked_auth(auth: AuthSpec, header_names: tuple[str, ...]) -> dict[str, str]:
    if auth.type is AuthType.BASIC:
        return {"Authorization": f"Basic {SECRET_MASK}"}
    if auth.type is AuthType.BEARER:
        return {"Authorization": f"Bearer {SECRET_MASK}"}
    if auth.type is AuthType.HEADERS:
        names = tuple(auth.headers) if auth.headers is not None else header_names
        return {name: SECRET_MASK for name in names}
    return {}


def preview_headers(
    kind: EventKind, body: bytes, signing_secret: str, auth: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Webhook-Event": kind.value,
        "X-Webhook-Delivery": UNASSIGNED,
        "X-Webhook-Timestamp": UNASSIGNED,
    }
    if signing_secret == UNSIGNABLE:
        headers[SIGNATURE_HEADER] = "(not shown: credentials are locked)"
    elif signing_secret:
        headers[SIGNATURE_HEADER] = sign(body, signing_secret)
    headers.update(auth)
    return tuple(headers.items())


def build_preview(
    request: PreviewRequest,
    context: Context,
    secret_names: list[str],
    signing_secret: str,
    stored_header_names: tuple[str, ...],
    source: str,
) -> Preview:
    """Render `request` against `context`; never raises for template errors."""
    kinds = request.kinds or (request.sample_kind,)
    messages = tuple(lint(request.template, request.mappings_text, kinds, secret_names))
    mappings = parse_mappings(request.mappings_text)
    auth = masked_auth(request.auth, stored_header_names)
    try:
        rendered = render_preview(request.template, context, mappings, secret_names)
    except RenderError as exc:
        headers = preview_headers(request.sample_kind, b"", "", auth)
        return Preview(
            None, headers, 0, str(exc), exc.line, exc.column, messages, source
        )

    body = rendered.body
    headers = preview_headers(request.sample_kind, body, signing_secret, auth)
    return Preview(rendered.text, headers, len(body), "", 0, 0, messages, source)
