"""Engine errors told in words an analyst can act on."""

from __future__ import annotations

from dfire_desktop.engine.errors import (
    DataDirLockedError,
    EngineError,
    NotFoundError,
    StoreError,
    VaultError,
    VaultLockedError,
)

# Words for when the engine has not said why; it normally does, telling a
# malformed key from a missing one.
VAULT_LOCKED_HELP = (
    "Credentials cannot be saved or used: no encryption key is set. Set the "
    "environment variable CREDENTIAL_ENCRYPTION_KEY to a key made by "
    "`dfire-desktop key new`, then start DFIRe Desktop again."
)


def describe(error: object) -> str:
    """One or two plain sentences about `error`, never a traceback."""
    if isinstance(error, VaultLockedError):
        return str(error) or VAULT_LOCKED_HELP
    if isinstance(error, VaultError):
        return f"A stored credential could not be decrypted: {error}"
    if isinstance(error, NotFoundError):
        return f"It no longer exists; it may have been deleted elsewhere. ({error})"
    if isinstance(error, DataDirLockedError):
        return f"Another DFIRe Desktop already uses this data folder. ({error})"
    if isinstance(error, StoreError):
        return f"The database could not complete the change: {error}"
    if isinstance(error, EngineError):
        return _sentence(str(error))
    return (
        f"Something went wrong inside DFIRe Desktop ({type(error).__name__}). "
        "The details are in the log."
    )


def _sentence(text: str) -> str:
    if not text:
        return "The engine refused the change without a reason."
    return text[0].upper() + text[1:]
