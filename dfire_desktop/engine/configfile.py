"""The configuration file of `webhook import` and `webhook export`.

Import is all or nothing: one transaction, and any bad entry refuses the
whole file with the entry and the field named. Export leaves out every
credential.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dfire_desktop.engine import api
from dfire_desktop.engine.errors import InvalidInputError
from dfire_desktop.engine.events import parse_event_kind
from dfire_desktop.engine.models import CaseTypeRow
from dfire_desktop.engine.settings import save_settings

_OUTGOING_KEYS = {
    "name",
    "url",
    "description",
    "events",
    "content_filter",
    "auth",
    "payload_template",
    "value_mappings",
    "max_retries",
    "timeout_seconds",
    "signing_secret",
    "enabled",
}
_INCOMING_KEYS = {
    "name",
    "description",
    "case_type",
    "default_mode",
    "default_severity",
    "default_lead_investigator",
    "enabled",
}


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInputError(f"{where} must be a JSON object", where)
    return value


def _list(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise InvalidInputError(f"{key} must be a JSON array", key)
    return value


def _check_keys(entry: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise InvalidInputError(f"{where}: unknown key(s) {', '.join(unknown)}", where)


def parse_auth(value: Any, where: str) -> api.AuthSpec:
    auth = _object(value if value is not None else {"type": "none"}, f"{where}.auth")
    try:
        kind = api.AuthType(auth.get("type", "none"))
    except ValueError:
        raise InvalidInputError(
            f"{where}.auth.type must be none, basic, bearer or headers", "auth"
        ) from None
    headers = auth.get("headers")
    if headers is not None:
        headers = _object(headers, f"{where}.auth.headers")
        headers = {str(k): str(v) for k, v in headers.items()}
    return api.AuthSpec(
        type=kind,
        username=str(auth.get("username", "")),
        password=auth.get("password"),
        token=auth.get("token"),
        headers=headers,
    )


def parse_outgoing(entry: Any, index: int) -> api.OutgoingWebhookSpec:
    where = f"outgoing[{index}]"
    item = _object(entry, where)
    _check_keys(item, _OUTGOING_KEYS, where)
    try:
        return api.OutgoingWebhookSpec(
            name=str(item.get("name", "")),
            url=str(item.get("url", "")),
            events=tuple(parse_event_kind(str(e)) for e in item.get("events", [])),
            description=str(item.get("description", "")),
            content_filter=str(item.get("content_filter", "")),
            auth=parse_auth(item.get("auth"), where),
            payload_template=str(item.get("payload_template", "")),
            value_mappings=item.get("value_mappings") or {},
            max_retries=int(item.get("max_retries", 3)),
            timeout_seconds=float(item.get("timeout_seconds", 30)),
            signing_secret=item.get("signing_secret") or None,
            enabled=bool(item.get("enabled", True)),
        )
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{where}: {exc}", where) from exc


def parse_incoming(entry: Any, index: int) -> api.IncomingWebhookSpec:
    where = f"incoming[{index}]"
    item = _object(entry, where)
    _check_keys(item, _INCOMING_KEYS, where)
    return api.IncomingWebhookSpec(
        name=str(item.get("name", "")),
        description=str(item.get("description", "")),
        case_type=item.get("case_type") or None,
        default_mode=str(item.get("default_mode", "investigation")),
        default_severity=str(item.get("default_severity", "medium")),
        default_lead_investigator=str(item.get("default_lead_investigator", "")),
        enabled=bool(item.get("enabled", True)),
    )


def parse_case_type(entry: Any, index: int) -> tuple[str, list[dict[str, str]]]:
    where = f"case_types[{index}]"
    item = _object(entry, where)
    name = str(item.get("name", "")).strip()
    if not name:
        raise InvalidInputError(f"{where}.name is required", where)
    fields = []
    for n, field in enumerate(item.get("fields", [])):
        field = _object(field, f"{where}.fields[{n}]")
        label = str(field.get("label", "")).strip()
        if not label:
            raise InvalidInputError(f"{where}.fields[{n}].label is required", where)
        fields.append({"label": label, "type": str(field.get("type", "text"))})
    return name, fields


async def import_case_types_and_settings(
    session: AsyncSession, doc: dict[str, Any]
) -> None:
    """Settings and case types first: webhooks refer to case types by name."""
    await save_settings(session, _object(doc.get("settings", {}), "settings"))
    for index, entry in enumerate(_list(doc, "case_types")):
        name, fields = parse_case_type(entry, index)
        query = select(CaseTypeRow).where(CaseTypeRow.name == name)
        row = (await session.execute(query)).scalar_one_or_none()
        if row is None:
            session.add(CaseTypeRow(name=name, fields=fields))
        else:
            row.fields = fields
    await session.flush()


def export_outgoing(webhook: api.OutgoingWebhook) -> dict[str, Any]:
    auth: dict[str, Any] = {"type": webhook.auth_type.value}
    if webhook.auth_type is api.AuthType.BASIC:
        auth["username"] = webhook.auth_username
    if webhook.auth_type is api.AuthType.HEADERS:
        auth["headers"] = {name: "" for name in webhook.auth_header_names}
    return {
        "name": webhook.name,
        "url": webhook.url,
        "description": webhook.description,
        "events": [kind.value for kind in webhook.events],
        "content_filter": webhook.content_filter,
        "auth": auth,
        "payload_template": webhook.payload_template,
        "value_mappings": webhook.value_mappings,
        "max_retries": webhook.max_retries,
        "timeout_seconds": webhook.timeout_seconds,
        "signing_secret": "",
        "enabled": webhook.enabled,
    }


def export_incoming(webhook: api.IncomingWebhook) -> dict[str, Any]:
    return {
        "name": webhook.name,
        "description": webhook.description,
        "case_type": webhook.case_type or "",
        "default_mode": webhook.default_mode,
        "default_severity": webhook.default_severity,
        "default_lead_investigator": webhook.default_lead_investigator,
        "enabled": webhook.enabled,
    }
