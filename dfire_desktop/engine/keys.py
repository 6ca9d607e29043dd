"""The key a store was sealed with: checked at open, rotated on request.

A known text encrypted under the store's key is kept in the settings. A key
that cannot read it is refused (the vault locks with a reason) instead of
splitting the store across two keys. Given several keys, new first, the
store is rotated: every credential is re-encrypted under the new key in one
transaction, and the check is re-sealed, so from then on the new key alone
reads everything.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dfire_desktop.engine.errors import VaultError
from dfire_desktop.engine.models import OutgoingWebhookRow, SecretRow, Setting
from dfire_desktop.engine.vault import Vault

log = logging.getLogger("dfire.vault")

KEY_CHECK = "vault_key_check"
KEY_CHECK_TEXT = "dfire-desktop key check"
WRONG_KEY = (
    "CREDENTIAL_ENCRYPTION_KEY is not the key this data directory's secrets "
    "were saved with, so they cannot be read. Start again with that key; to "
    "change keys, give the new key first and the old one after it, separated "
    "by a comma, once."
)


async def check_vault_key(session: AsyncSession, vault: Vault) -> None:
    """Lock the vault when its keys cannot read this store; rotate the
    store to the first key when several are given."""
    if not vault.unlocked:
        return
    row = await session.get(Setting, KEY_CHECK)
    if row is None:
        session.add(Setting(key=KEY_CHECK, value=_seal(vault)))
        return
    try:
        vault.decrypt(row.value.encode("ascii"))
    except VaultError:
        vault.lock(WRONG_KEY)
        return
    if vault.key_count > 1:
        await rotate(session, vault)
        row.value = _seal(vault)


async def rotate(session: AsyncSession, vault: Vault) -> None:
    """Re-encrypt every stored credential under the vault's first key."""
    secrets = (await session.execute(select(SecretRow))).scalars().all()
    for secret in secrets:
        secret.ciphertext = vault.rotate(secret.ciphertext)
    hooks = (await session.execute(select(OutgoingWebhookRow))).scalars().all()
    for hook in hooks:
        hook.auth_secret = _rotated(vault, hook.auth_secret)
        hook.auth_headers = _rotated(vault, hook.auth_headers)
        hook.signing_secret = _rotated(vault, hook.signing_secret)
    log.info(
        "credentials re-encrypted under the first key count=%d",
        len(secrets) + len(hooks),
    )


def _rotated(vault: Vault, token: bytes | None) -> bytes | None:
    return None if token is None else vault.rotate(token)


def _seal(vault: Vault) -> str:
    return vault.encrypt(KEY_CHECK_TEXT).decode("ascii")
