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
from dfire_desktop.engine.events import EventKind, parse_event_kind
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


def list_at(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise InvalidInputError(f"{key} must be a JSON array", key)
    return value


def _check_keys(entry: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise InvalidInputError(f"{where}: unknown key(s) {', '.join(unknown)}", where)


def _text(item: dict[str, Any], key: str, where: str, default: str = "") -> str:
    """Text at `key`; null or absent means `default`."""
    value = item.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise InvalidInputError(f"{where}.{key} must be text", key)
    return value


def _credential(item: dict[str, Any], key: str, where: str) -> str | None:
    """A credential; null or absent means none given."""
    value = item.get(key)
    if value is None or value == "":
        return None
    return _text(item, key, where)


def _flag(item: dict[str, Any], key: str, where: str) -> bool:
    value = item.get(key, True)
    if not isinstance(value, bool):
        raise InvalidInputError(f"{where}.{key} must be true or false", key)
    return value


def _number(
    item: dict[str, Any], key: str, where: str, default: float, whole: bool
) -> float:
    value = item.get(key, default)
    kinds = int if whole else int | float
    if isinstance(value, bool) or not isinstance(value, kinds):
        what = "a whole number" if whole else "a number"
        raise InvalidInputError(f"{where}.{key} must be {what}", key)
    return float(value)


def _events(item: dict[str, Any], where: str) -> tuple[EventKind, ...]:
    value = item.get("events", [])
    if not isinstance(value, list) or not all(isinstance(e, str) for e in value):
        raise InvalidInputError(f"{where}.events must be a list of event ids", "events")
    try:
        return tuple(parse_event_kind(kind) for kind in value)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{where}.events: {exc}", "events") from None


def _mappings(item: dict[str, Any]) -> Any:
    """The mappings as given; null means none. Their shape is checked with
    the rest of the webhook."""
    value = item.get("value_mappings")
    return {} if value is None else value


_AUTH_KEYS: dict[api.AuthType, set[str]] = {
    api.AuthType.NONE: {"type"},
    api.AuthType.BASIC: {"type", "username", "password"},
    api.AuthType.BEARER: {"type", "token"},
    api.AuthType.HEADERS: {"type", "headers"},
}


def parse_auth(value: Any, where: str) -> api.AuthSpec:
    where = f"{where}.auth"
    auth = _object(value if value is not None else {"type": "none"}, where)
    try:
        kind = api.AuthType(_text(auth, "type", where, "none"))
    except ValueError:
        raise InvalidInputError(
            f"{where}.type must be none, basic, bearer or headers", "auth"
        ) from None
    _check_keys(auth, _AUTH_KEYS[kind], where)
    headers = auth.get("headers")
    if headers is not None:
        headers = _object(headers, f"{where}.headers")
        for name, value in headers.items():
            if not isinstance(value, str):
                raise InvalidInputError(f"{where}.headers.{name} must be text", "auth")
    return api.AuthSpec(
        type=kind,
        username=_text(auth, "username", where),
        password=_credential(auth, "password", where),
        token=_credential(auth, "token", where),
        headers=headers,
    )


def parse_outgoing(entry: Any, index: int) -> api.OutgoingWebhookSpec:
    where = f"outgoing[{index}]"
    item = _object(entry, where)
    _check_keys(item, _OUTGOING_KEYS, where)
    return api.OutgoingWebhookSpec(
        name=_text(item, "name", where),
        url=_text(item, "url", where),
        events=_events(item, where),
        description=_text(item, "description", where),
        content_filter=_text(item, "content_filter", where),
        auth=parse_auth(item.get("auth"), where),
        payload_template=_text(item, "payload_template", where),
        value_mappings=_mappings(item),
        max_retries=int(_number(item, "max_retries", where, 3, whole=True)),
        timeout_seconds=_number(item, "timeout_seconds", where, 30, whole=False),
        signing_secret=_credential(item, "signing_secret", where),
        enabled=_flag(item, "enabled", where),
    )


def parse_incoming(entry: Any, index: int) -> api.IncomingWebhookSpec:
    where = f"incoming[{index}]"
    item = _object(entry, where)
    _check_keys(item, _INCOMING_KEYS, where)
    return api.IncomingWebhookSpec(
        name=_text(item, "name", where),
        description=_text(item, "description", where),
        case_type=_text(item, "case_type", where) or None,
        default_mode=_text(item, "default_mode", where, "investigation"),
        default_severity=_text(item, "default_severity", where, "medium"),
        default_lead_investigator=_text(item, "default_lead_investigator", where),
        enabled=_flag(item, "enabled", where),
    )


def parse_case_type(entry: Any, index: int) -> tuple[str, list[dict[str, str]]]:
    where = f"case_types[{index}]"
    item = _object(entry, where)
    name = _text(item, "name", where).strip()
    if not name:
        raise InvalidInputError(f"{where}.name is required", where)
    fields = []
    for n, field in enumerate(list_at(item, "fields")):
        field = _object(field, f"{where}.fields[{n}]")
        label = _text(field, "label", f"{where}.fields[{n}]").strip()
        if not label:
            raise InvalidInputError(f"{where}.fields[{n}].label is required", where)
        kind = _text(field, "type", f"{where}.fields[{n}]", "text")
        fields.append({"label": label, "type": kind})
    return name, fields


async def import_case_types_and_settings(
    session: AsyncSession, doc: dict[str, Any]
) -> None:
    """Settings and case types first: webhooks refer to case types by name."""
    await save_settings(session, _object(doc.get("settings", {}), "settings"))
    for index, entry in enumerate(list_at(doc, "case_types")):
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
