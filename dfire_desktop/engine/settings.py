"""Lab-wide settings kept in the store: base URL, tenant, retry pacing."""

from __future__ import annotations

import dataclasses
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dfire_desktop.engine.errors import InvalidInputError
from dfire_desktop.engine.models import Setting

DEFAULT_RETRY_BASE_SECONDS = 10.0


@dataclasses.dataclass(frozen=True)
class LabSettings:
    base_url: str = ""
    tenant_name: str = "DFIRe Lab"
    tenant_uuid: str = ""
    environment: str = "production"
    retry_base_seconds: float = DEFAULT_RETRY_BASE_SECONDS

    def effective_base_url(self, listener_url: str) -> str:
        """The configured base URL, else the listener's own address."""
        return (self.base_url or listener_url).rstrip("/")


_TEXT_KEYS = ("base_url", "tenant_name", "tenant_uuid", "environment")


async def load_settings(session: AsyncSession) -> LabSettings:
    rows = (await session.execute(select(Setting))).scalars().all()
    stored = {row.key: row.value for row in rows}
    values: dict[str, object] = {k: stored[k] for k in _TEXT_KEYS if k in stored}
    if "retry_base_seconds" in stored:
        values["retry_base_seconds"] = float(stored["retry_base_seconds"])
    return LabSettings(**values)  # type: ignore[arg-type]  # keys checked above


async def ensure_tenant_uuid(session: AsyncSession) -> None:
    """Give the lab a stable identifier the first time the store opens."""
    if await session.get(Setting, "tenant_uuid") is None:
        session.add(Setting(key="tenant_uuid", value=str(uuid.uuid4())))


async def save_settings(session: AsyncSession, changes: dict[str, object]) -> None:
    """Store the given settings; unknown keys and bad values are refused."""
    for key, value in changes.items():
        text = _validated(key, value)
        row = await session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=text))
        else:
            row.value = text


def _validated(key: str, value: object) -> str:
    if key == "retry_base_seconds":
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise InvalidInputError("retry_base_seconds must be a number", key)
        if not 0 < float(value) <= 3600:
            raise InvalidInputError("retry_base_seconds must be in (0, 3600]", key)
        return str(float(value))
    if key not in _TEXT_KEYS or key == "tenant_uuid":
        raise InvalidInputError(f"unknown setting {key!r}", key)
    if not isinstance(value, str):
        raise InvalidInputError(f"{key} must be text", key)
    return value
