"""The store: schema from migrations, case numbers, secrets at rest."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from dfire_desktop.config import AppConfig
from dfire_desktop.engine.api import AuthSpec, AuthType, OutgoingWebhookSpec
from dfire_desktop.engine.errors import (
    ConflictError,
    InvalidInputError,
    VaultLockedError,
)
from dfire_desktop.engine.events import EventKind
from dfire_desktop.engine.models import Base
from dfire_desktop.engine.service import Engine, opened
from dfire_desktop.engine.signing import verify
from dfire_desktop.engine.vault import Vault
from tests.support.receiver import Receiver


def db_path(config: AppConfig) -> str:
    return str(config.data_dir / "dfire.db")


async def test_migrations_build_exactly_the_models(
    app_config: AppConfig, vault_key: str
) -> None:
    """The schema Alembic builds is the one the models describe."""
    async with opened(app_config):
        pass

    sync = create_engine(f"sqlite:///{db_path(app_config)}")
    with sync.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    sync.dispose()

    assert diff == []


async def test_case_numbers_count_per_year(engine: Engine) -> None:
    """Case numbers are CASE-<year>-<seq>, three digits at least, in order."""
    first = await engine.create_case("one")
    second = await engine.create_case("two")

    year = first.created_at.year
    assert first.case_number == f"CASE-{year}-001"
    assert second.case_number == f"CASE-{year}-002"


async def test_secret_value_is_encrypted_at_rest(
    engine: Engine, app_config: AppConfig
) -> None:
    """A saved secret's value is nowhere in the database file in clear."""
    await engine.set_secret("api_token", "plain-value-4242", "the API")

    listed = await engine.list_secrets()
    raw = b"".join(p.read_bytes() for p in app_config.data_dir.glob("dfire.db*"))

    assert [(s.name, s.description) for s in listed] == [("api_token", "the API")]
    assert b"plain-value-4242" not in raw


async def test_bad_secret_names_are_refused(engine: Engine) -> None:
    """A secret name that a template could not reference is refused."""
    with pytest.raises(InvalidInputError) as caught:
        await engine.set_secret("has space", "v")

    assert caught.value.field == "name"


async def test_credentials_need_a_key(app_config: AppConfig) -> None:
    """Without a key, saving a credential says plainly how to provide one."""
    async with opened(app_config, vault=Vault(None)) as engine:
        with pytest.raises(VaultLockedError) as caught:
            await engine.set_secret("token", "value")

    assert "CREDENTIAL_ENCRYPTION_KEY" in str(caught.value)


def hook(name: str = "hook", **changes: object) -> OutgoingWebhookSpec:
    fields: dict[str, object] = {
        "name": name,
        "url": "http://127.0.0.1:9/in",
        "events": (EventKind.CASE_CLOSED,),
    }
    fields.update(changes)
    return OutgoingWebhookSpec(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"url": "ftp://x"}, "url"),
        ({"events": ()}, "events"),
        ({"content_filter": "(unclosed"}, "content_filter"),
        ({"payload_template": '{"a": {{case.titel}}}'}, "payload_template"),
        ({"value_mappings": {"severity": 3}}, "value_mappings"),
        ({"auth": AuthSpec(type=AuthType.BEARER)}, "auth"),
        ({"timeout_seconds": 0}, "timeout_seconds"),
    ],
)
async def test_invalid_outgoing_webhooks_name_the_field(
    engine: Engine, changes: dict[str, object], field: str
) -> None:
    """Each unusable setting is refused with the field it concerns."""
    with pytest.raises(InvalidInputError) as caught:
        await engine.create_outgoing(hook(**changes))

    assert caught.value.field == field


async def test_credentials_are_kept_when_not_given(engine: Engine) -> None:
    """Updating without re-entering the token keeps the stored one."""
    auth = AuthSpec(type=AuthType.BEARER, token="tok-123")
    made = await engine.create_outgoing(hook(auth=auth, signing_secret="sig"))

    kept = AuthSpec(type=AuthType.BEARER, token=None)
    updated = await engine.update_outgoing(made.id, hook(auth=kept))

    assert updated.has_auth_secret and updated.has_signing_secret


async def test_duplicate_copies_and_disables(engine: Engine) -> None:
    """Duplicating makes a disabled copy with a free name and the same setup."""
    made = await engine.create_outgoing(hook(description="pager"))
    copy = await engine.duplicate_outgoing(made.id)
    again = await engine.duplicate_outgoing(made.id)

    assert copy.name == "hook (copy)" and again.name == "hook (copy 2)"
    assert not copy.enabled and copy.description == "pager"


async def test_names_are_unique(engine: Engine) -> None:
    """A second webhook with a taken name is refused on the name field."""
    await engine.create_outgoing(hook())
    with pytest.raises(ConflictError) as caught:
        await engine.create_outgoing(hook())

    assert caught.value.field == "name"


async def test_second_engine_on_same_data_dir_refuses(
    engine: Engine, app_config: AppConfig, vault_key: str
) -> None:
    """Only one engine serves a data directory; the second says why."""
    from dfire_desktop.engine.errors import DataDirLockedError

    second = Engine(app_config, vault=Vault(vault_key))
    with pytest.raises(DataDirLockedError, match="already running"):
        await second.start()
    await second.stop()


async def test_wal_mode_is_on(engine: Engine, app_config: AppConfig) -> None:
    """SQLite runs in WAL mode so admin commands can write beside the engine."""
    connection = sqlite3.connect(db_path(app_config))
    mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    connection.close()

    assert mode == "wal"


async def test_a_different_key_locks_instead_of_splitting_the_store(
    app_config: AppConfig,
) -> None:
    """Opening a store with another key locks credentials with a reason
    rather than letting new secrets be sealed under a second key."""
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    async with opened(app_config, vault=Vault(old)) as engine:
        await engine.set_secret("tok", "value-1")

    async with opened(app_config, vault=Vault(new)) as engine:
        assert not engine.vault_unlocked
        assert "not the key" in engine.vault_problem
        with pytest.raises(VaultLockedError):
            await engine.set_secret("tok2", "value-2")


async def test_new_key_first_rotates_every_credential(
    app_config: AppConfig, receiver: Receiver
) -> None:
    """Opening once with "new,old" re-encrypts every secret and credential
    under the new key: afterwards the new key alone sends, the old is refused."""
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    async with opened(app_config, vault=Vault(old)) as engine:
        await engine.set_secret("tok", "value-1")
        await engine.create_outgoing(
            hook(
                url=receiver.url,
                events=(EventKind.INVESTIGATION_CREATED,),
                payload_template='{"t": "{{secret.tok}}"}',
                signing_secret="sig-1",
                auth=AuthSpec(type=AuthType.BEARER, token="bearer-1"),
            )
        )

    async with opened(app_config, vault=Vault(f"{new},{old}")) as engine:
        assert engine.vault_unlocked

    async with opened(app_config, vault=Vault(old)) as engine:
        assert not engine.vault_unlocked
    rotated = Engine(app_config, vault=Vault(new))
    await rotated.start()
    try:
        await rotated.create_case("after rotation")
        (request,) = await asyncio.to_thread(receiver.wait_for, 1)
    finally:
        await rotated.stop()

    assert json.loads(request.body) == {"t": "value-1"}
    assert request.headers["Authorization"] == "Bearer bearer-1"
    assert verify(request.body, request.headers["X-Webhook-Signature"], "sig-1")


async def test_store_files_are_owner_only(
    engine: Engine, app_config: AppConfig
) -> None:
    """The data directory and database are readable by their owner alone."""
    database = app_config.data_dir / "dfire.db"

    assert app_config.data_dir.stat().st_mode & 0o077 == 0
    for path in app_config.data_dir.glob("dfire.db*"):
        assert path.stat().st_mode & 0o077 == 0, path.name
    assert database.exists()


async def test_lists_sort_by_name_ignoring_case(engine: Engine) -> None:
    """Webhooks and secrets are listed as an analyst reads names: A, b, C."""
    for name in ("b hook", "C hook", "a hook"):
        await engine.create_outgoing(hook(name))
        await engine.set_secret(name.replace(" ", "_"), "value")

    assert [w.name for w in await engine.list_outgoing()] == [
        "a hook",
        "b hook",
        "C hook",
    ]
    assert [s.name for s in await engine.list_secrets()] == [
        "a_hook",
        "b_hook",
        "C_hook",
    ]


@pytest.mark.parametrize(
    ("url", "reason"), [("http://127.0.0.1:99999/x", "does not exist")]
)
async def test_impossible_port_is_refused(
    engine: Engine, url: str, reason: str
) -> None:
    """A port beyond 65535 is refused on the URL field, in words."""
    with pytest.raises(InvalidInputError, match=reason) as caught:
        await engine.create_outgoing(hook(url=url))

    assert caught.value.field == "url"


async def test_overlong_secret_name_says_so(engine: Engine) -> None:
    """A too-long secret name is refused for its length, not its letters."""
    with pytest.raises(InvalidInputError, match="at most 100"):
        await engine.set_secret("a" * 300, "value")


async def test_creating_a_taken_secret_name_never_overwrites(engine: Engine) -> None:
    """Adding under a name in use is refused with the existing secret named,
    and its value and description stay as they were."""
    from dfire_desktop.engine.errors import SecretExistsError

    await engine.set_secret("tok", "first-value", "the lab token")
    with pytest.raises(SecretExistsError) as caught:
        await engine.create_secret("tok", "second-value", "")

    assert caught.value.existing.description == "the lab token"
    assert caught.value.field == "name"
    (kept,) = await engine.list_secrets()
    assert kept.description == "the lab token"


async def test_secret_users_are_the_webhooks_whose_template_uses_it(
    engine: Engine,
) -> None:
    """Only webhooks whose template references `{{secret.name}}` are named."""
    await engine.create_outgoing(
        hook("uses it", payload_template='{"t": "{{secret.tok}}"}')
    )
    await engine.create_outgoing(
        hook("other", payload_template='{"t": "{{secret.tok2}}"}')
    )
    await engine.create_outgoing(hook("none"))

    assert await engine.secret_users("tok") == ["uses it"]
    assert await engine.secret_users("unused") == []
