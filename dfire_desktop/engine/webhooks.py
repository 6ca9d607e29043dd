"""Outgoing and incoming webhook configuration: checks, then rows.

Credentials are encrypted on their way in and never leave again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import httpx

from dfire_desktop.engine import filters
from dfire_desktop.engine.api import (
    AuthSpec,
    AuthType,
    IncomingWebhookSpec,
    OutgoingWebhookSpec,
)
from dfire_desktop.engine.errors import InvalidInputError, RenderError
from dfire_desktop.engine.events import CASE_MODES, SEVERITIES
from dfire_desktop.engine.models import IncomingWebhookRow, OutgoingWebhookRow
from dfire_desktop.engine.samples import sample_context
from dfire_desktop.engine.templating import (
    referenced_secrets,
    render_preview,
    validate_mappings,
)
from dfire_desktop.engine.vault import Vault

MAX_NAME_LENGTH = 200
MAX_RETRIES_LIMIT = 10
TIMEOUT_RANGE = (1.0, 300.0)
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
RESERVED_HEADERS = frozenset(
    {"content-type", "content-length", "host", "transfer-encoding", "user-agent"}
)


def check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInputError("name is required", "name")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInputError(
            f"name is longer than {MAX_NAME_LENGTH} characters", "name"
        )
    return name


def check_url(url: str) -> str:
    url = url.strip()
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise InvalidInputError(
            "endpoint URL must be a full http:// or https:// address", "url"
        )
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise InvalidInputError(f"port {parsed.port} does not exist (1-65535)", "url")
    if parsed.userinfo:
        raise InvalidInputError(
            "put the user name and password in Basic auth, not in the URL", "url"
        )
    return url


def check_header_value(value: str, what: str) -> None:
    """HTTP header values are printable ASCII: a line break would start a
    new header, and other characters cannot be sent at all."""
    if not all(" " <= c <= "~" for c in value):
        raise InvalidInputError(
            f"{what} may hold only printable ASCII characters (no line breaks, "
            "no accents)",
            "auth",
        )


def check_storable(value: object, what: str, field: str | None = None) -> None:
    """Refuse text no database can store: an escaped lone surrogate
    (`\\ud800`) is valid JSON but not text."""
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInputError(
            f"{what} holds an unpaired surrogate escape such as \\ud800", field
        ) from None
    except ValueError:
        raise InvalidInputError(
            f"{what} holds a number that is not finite", field
        ) from None


def check_header_name(name: str) -> None:
    lowered = name.lower()
    if not _HEADER_NAME.fullmatch(name):
        raise InvalidInputError(f"{name!r} is not a valid header name", "auth")
    if lowered in RESERVED_HEADERS or lowered.startswith("x-webhook-"):
        raise InvalidInputError(f"header {name} is set by DFIRe itself", "auth")


def check_template(spec: OutgoingWebhookSpec) -> None:
    """The template must render to JSON with sample data for its events."""
    if not spec.payload_template.strip():
        return
    names = referenced_secrets(spec.payload_template)
    for kind in spec.events:
        try:
            render_preview(
                spec.payload_template, sample_context(kind), spec.value_mappings, names
            )
        except RenderError as exc:
            raise InvalidInputError(str(exc), "payload_template") from exc


def check_outgoing(spec: OutgoingWebhookSpec) -> OutgoingWebhookSpec:
    """Refuse what could never be sent, naming the field; return it tidied."""
    if not spec.events:
        raise InvalidInputError("select at least one trigger event", "events")
    if spec.content_filter:
        filters.compile_filter(spec.content_filter)
    if not 0 <= spec.max_retries <= MAX_RETRIES_LIMIT:
        raise InvalidInputError(
            f"max retries must be between 0 and {MAX_RETRIES_LIMIT}", "max_retries"
        )
    low, high = TIMEOUT_RANGE
    if not low <= spec.timeout_seconds <= high:
        raise InvalidInputError(
            f"timeout must be between {low:g} and {high:g} seconds", "timeout_seconds"
        )
    mappings = validate_mappings(spec.value_mappings)
    tidy = _replace(spec, check_name(spec.name), check_url(spec.url), mappings)
    check_template(tidy)
    return tidy


def _replace(
    spec: OutgoingWebhookSpec,
    name: str,
    url: str,
    mappings: dict[str, dict[str, object]],
) -> OutgoingWebhookSpec:
    return dataclasses.replace(spec, name=name, url=url, value_mappings=mappings)


def _set_credential(
    current: bytes | None, value: str | None, vault: Vault
) -> bytes | None:
    if value is None:
        return current
    return vault.encrypt(value) if value else None


def apply_auth(row: OutgoingWebhookRow, auth: AuthSpec, vault: Vault) -> None:
    """Store `auth` on `row`; a None credential keeps the stored one."""
    if auth.type is not AuthType(row.auth_type or "none"):
        row.auth_secret, row.auth_headers, row.auth_header_names = None, None, []
    row.auth_type = auth.type.value
    row.auth_username = auth.username if auth.type is AuthType.BASIC else ""
    if auth.type is AuthType.BASIC:
        row.auth_secret = _set_credential(row.auth_secret, auth.password, vault)
    elif auth.type is AuthType.BEARER:
        check_header_value(auth.token or "", "the bearer token")
        row.auth_secret = _set_credential(row.auth_secret, auth.token, vault)
    elif auth.type is AuthType.HEADERS and auth.headers is not None:
        for name, value in auth.headers.items():
            check_header_name(name)
            if not value:
                raise InvalidInputError(f"header {name} has no value", "auth")
            check_header_value(value, f"header {name}")
        row.auth_headers = vault.encrypt(json.dumps(auth.headers))
        row.auth_header_names = sorted(auth.headers)
    _require_credentials(row)


def _require_credentials(row: OutgoingWebhookRow) -> None:
    kind = AuthType(row.auth_type)
    if kind is AuthType.BASIC and not (row.auth_username and row.auth_secret):
        raise InvalidInputError("Basic auth needs a username and a password", "auth")
    if kind is AuthType.BEARER and not row.auth_secret:
        raise InvalidInputError("Bearer auth needs a token", "auth")
    if kind is AuthType.HEADERS and not row.auth_header_names:
        raise InvalidInputError("custom header auth needs at least one header", "auth")


def apply_outgoing(
    row: OutgoingWebhookRow, spec: OutgoingWebhookSpec, vault: Vault, now: dt.datetime
) -> None:
    """Copy a checked spec onto `row`, encrypting credentials."""
    row.name = spec.name
    row.url = spec.url
    row.description = spec.description
    row.events = [kind.value for kind in spec.events]
    row.content_filter = spec.content_filter
    row.payload_template = spec.payload_template
    row.value_mappings = spec.value_mappings
    row.max_retries = spec.max_retries
    row.timeout_seconds = float(spec.timeout_seconds)
    row.enabled = spec.enabled
    row.signing_secret = _set_credential(row.signing_secret, spec.signing_secret, vault)
    apply_auth(row, spec.auth, vault)
    row.updated_at = now


def check_incoming(spec: IncomingWebhookSpec) -> IncomingWebhookSpec:
    if spec.default_mode not in CASE_MODES:
        raise InvalidInputError(
            f"default mode must be one of {', '.join(CASE_MODES)}", "default_mode"
        )
    if spec.default_severity not in SEVERITIES:
        raise InvalidInputError(
            f"default severity must be one of {', '.join(SEVERITIES)}",
            "default_severity",
        )
    return dataclasses.replace(spec, name=check_name(spec.name))


def apply_incoming(
    row: IncomingWebhookRow, spec: IncomingWebhookSpec, case_type_id: str | None
) -> None:
    row.name = spec.name
    row.description = spec.description
    row.case_type_id = case_type_id
    row.default_mode = spec.default_mode
    row.default_severity = spec.default_severity
    row.default_lead_investigator = spec.default_lead_investigator
    row.enabled = spec.enabled
