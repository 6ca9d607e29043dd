"""The SecretTable model: stored secrets by name, never their values."""

from __future__ import annotations

from dfire_desktop.engine.api import Secret
from dfire_desktop.ui.tables import Column, RecordTable, local_time

SECRET_COLUMNS: tuple[Column[Secret], ...] = (
    Column("Name", lambda s: s.name),
    Column("Use in templates as", lambda s: f"{{{{secret.{s.name}}}}}"),
    Column("Description", lambda s: s.description),
    Column("Updated", lambda s: local_time(s.updated_at)),
)


class SecretTable(RecordTable[Secret]):
    def __init__(self) -> None:
        super().__init__(SECRET_COLUMNS)
