"""The engine's error tree. Foreign errors are translated at the seam."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dfire_desktop.engine.api import Secret


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


class ConfigurationError(EngineError):
    """The environment or a configuration file is not usable as given."""


class VaultLockedError(ConfigurationError):
    """No encryption key is available, so credentials cannot be read or saved."""


class VaultError(EngineError):
    """A stored credential could not be decrypted with the available keys."""


class NotFoundError(EngineError):
    """The named object does not exist."""


class InvalidInputError(EngineError):
    """A value given by a user or a client is not acceptable.

    `field` names the offending field so forms and JSON errors can point at it.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ConflictError(InvalidInputError):
    """The value collides with an existing one (a name already taken)."""


class SecretExistsError(ConflictError):
    """Adding a secret under a name already in use; `existing` is that
    secret (name and description, never a value)."""

    def __init__(self, existing: Secret) -> None:
        super().__init__(
            f"a secret named {existing.name!r} already exists; choose another "
            "name, or replace its value",
            "name",
        )
        self.existing = existing


class RenderError(EngineError):
    """A payload template could not be rendered into a JSON body.

    The message names the placeholder and never carries a value.
    """

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class EngineStateError(EngineError):
    """An operation does not fit the current lifecycle state."""


class DataDirLockedError(EngineStateError):
    """Another engine already runs on this data directory."""


class StoreError(EngineError):
    """The database could not complete an operation (disk full, locked)."""
