"""The engine's public API over the store: every read and change.

`Engine` (in `service`) adds the running parts; this class is what admin
commands need, so they can run beside a serving engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dfire_desktop.config import AppConfig
from dfire_desktop.engine import api, records
from dfire_desktop.engine.cases import (
    CaseEnvironment,
    NewCase,
    NewTimelineEvent,
    add_timeline_event,
    create_case,
)
from dfire_desktop.engine.catalogue import is_valid_secret_name
from dfire_desktop.engine.clock import Clock
from dfire_desktop.engine.errors import (
    ConflictError,
    EngineError,
    EngineStateError,
    InvalidInputError,
    NotFoundError,
    SecretExistsError,
    StoreError,
)
from dfire_desktop.engine.models import (
    AttemptRow,
    CaseRow,
    CaseTypeRow,
    DeliveryRow,
    IncomingWebhookRow,
    OutgoingWebhookRow,
    SecretRow,
    TimelineEventRow,
)
from dfire_desktop.engine.outbox import enqueue
from dfire_desktop.engine.settings import LabSettings, load_settings
from dfire_desktop.engine.vault import Vault
from dfire_desktop.engine.webhooks import check_storable

log = logging.getLogger("dfire.store")
MAX_SECRET_NAME_LENGTH = 100


class Store:
    def __init__(self, config: AppConfig, clock: Clock, vault: Vault) -> None:
        self.config = config
        self.clock = clock
        self.vault = vault
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        # Case numbers are counted in the store; one writer at a time in this
        # process keeps two alerts from racing for the same number. Other
        # processes are held off by the unique constraints.
        self._case_lock = asyncio.Lock()

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        if self._sessions is None:
            raise EngineStateError("the engine is not open")
        return self._sessions

    @property
    def listener_url(self) -> str:
        raise NotImplementedError

    def _wake_dispatcher(self) -> None:
        """Engines that dispatch override this; admin commands rely on the
        serving engine's poll."""

    def _case_created(self, case: api.Case) -> None:
        """Engines with observers override this."""

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session committed on success; store failures become StoreError."""
        try:
            async with self.sessions() as session, session.begin():
                yield session
        except EngineError:
            raise
        except IntegrityError as exc:
            raise ConflictError(_conflict_reason(exc)) from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"the database refused the change: {exc}") from exc

    async def _environment(self, session: AsyncSession) -> CaseEnvironment:
        settings = await load_settings(session)
        base = settings.effective_base_url(self.listener_url)
        return CaseEnvironment(self.clock.now(), settings, base)

    async def settings(self) -> LabSettings:
        async with self.transaction() as session:
            return await load_settings(session)

    def _after_case_change(self, case: api.Case | None) -> None:
        self._wake_dispatcher()
        if case is not None:
            self._case_created(case)

    # Secrets

    async def list_secrets(self) -> list[api.Secret]:
        async with self.transaction() as session:
            query = select(SecretRow).order_by(func.lower(SecretRow.name))
            rows = await session.execute(query)
            return [records.secret(row) for row in rows.scalars()]

    async def set_secret(
        self, name: str, value: str, description: str | None = None
    ) -> api.Secret:
        """Create the secret, or replace its value (and description if given)."""
        return await self._save_secret(name, value, description, replace=True)

    async def create_secret(
        self, name: str, value: str, description: str = ""
    ) -> api.Secret:
        """Create the secret; SecretExistsError when the name is taken, so
        adding never overwrites a value by accident."""
        return await self._save_secret(name, value, description, replace=False)

    async def _save_secret(
        self, name: str, value: str, description: str | None, replace: bool
    ) -> api.Secret:
        check_secret(name, value)
        ciphertext = self.vault.encrypt(value)
        async with self.transaction() as session:
            query = select(SecretRow).where(SecretRow.name == name)
            row = (await session.execute(query)).scalar_one_or_none()
            now = self.clock.now()
            if row is not None and not replace:
                raise SecretExistsError(records.secret(row))
            if row is None:
                row = SecretRow(name=name, description="", created_at=now)
                session.add(row)
            row.ciphertext, row.updated_at = ciphertext, now
            if description is not None:
                row.description = description
            await session.flush()
            log.info("secret saved name=%s", name)
            return records.secret(row)

    async def delete_secret(self, name: str) -> None:
        async with self.transaction() as session:
            query = select(SecretRow).where(SecretRow.name == name)
            row = (await session.execute(query)).scalar_one_or_none()
            if row is None:
                raise NotFoundError(f"no secret named {name!r}")
            await session.delete(row)

    # Case types and cases

    async def _case_type_names(self, session: AsyncSession) -> dict[str, str]:
        rows = (await session.execute(select(CaseTypeRow))).scalars().all()
        return {row.id: row.name for row in rows}

    async def _case_type_id(
        self, session: AsyncSession, name: str | None
    ) -> str | None:
        if not name:
            return None
        query = select(CaseTypeRow).where(CaseTypeRow.name == name)
        row = (await session.execute(query)).scalar_one_or_none()
        if row is None:
            raise InvalidInputError(f"no case type named {name!r}", "case_type")
        return row.id

    async def list_case_types(self) -> list[api.CaseType]:
        async with self.transaction() as session:
            rows = await session.execute(select(CaseTypeRow).order_by(CaseTypeRow.name))
            return [records.case_type(row) for row in rows.scalars()]

    async def list_cases(self, limit: int = 200) -> list[api.Case]:
        async with self.transaction() as session:
            names = await self._case_type_names(session)
            query = select(CaseRow).order_by(CaseRow.created_at.desc()).limit(limit)
            rows = (await session.execute(query)).scalars().all()
            return [records.case(r, names.get(r.case_type_id or "")) for r in rows]

    async def create_case(
        self,
        title: str,
        description: str = "",
        severity: str = "medium",
        mode: str = "investigation",
        case_type: str | None = None,
        lead_investigator: str = "",
    ) -> api.Case:
        async with self._case_lock, self.transaction() as session:
            type_id = await self._case_type_id(session, case_type)
            new = NewCase(
                title, description, severity, mode, type_id, lead_investigator
            )
            env = await self._environment(session)
            row, events = await create_case(session, new, env)
            await enqueue(session, events, env.now)
            view = records.case(row, case_type)
        self._after_case_change(view)
        return view

    async def add_timeline_event(
        self,
        case_id: str,
        subject: str,
        details: str = "",
        event_type: str = "MANUAL",
        actor_username: str = "",
    ) -> api.TimelineEvent:
        new = NewTimelineEvent(subject, details, event_type, "", actor_username)
        async with self._case_lock, self.transaction() as session:
            env = await self._environment(session)
            row, events = await add_timeline_event(session, case_id, new, env)
            await enqueue(session, events, env.now)
            view = records.timeline_event(row)
        self._after_case_change(None)
        return view

    async def list_timeline(self, case_id: str) -> list[api.TimelineEvent]:
        async with self.transaction() as session:
            query = (
                select(TimelineEventRow)
                .where(TimelineEventRow.case_id == case_id)
                .order_by(TimelineEventRow.event_datetime)
            )
            rows = (await session.execute(query)).scalars().all()
            return [records.timeline_event(row) for row in rows]

    # Deliveries

    async def _outgoing_row(
        self, session: AsyncSession, ref: str
    ) -> OutgoingWebhookRow:
        return await row_by_ref(session, OutgoingWebhookRow, ref, "outgoing webhook")

    async def list_deliveries(
        self,
        webhook_id: str | None = None,
        status: api.DeliveryStatus | None = None,
        limit: int = 200,
    ) -> list[api.Delivery]:
        async with self.transaction() as session:
            query = (
                select(DeliveryRow, OutgoingWebhookRow.name)
                .join(OutgoingWebhookRow)
                .order_by(DeliveryRow.created_at.desc())
                .limit(limit)
            )
            if webhook_id is not None:
                row = await self._outgoing_row(session, webhook_id)
                query = query.where(DeliveryRow.webhook_id == row.id)
            if status is not None:
                query = query.where(DeliveryRow.status == status.value)
            result = (await session.execute(query)).all()
            return [records.delivery(row, name) for row, name in result]

    async def get_delivery(self, delivery_id: str) -> api.Delivery:
        async with self.transaction() as session:
            row = await session.get(DeliveryRow, delivery_id)
            if row is None:
                raise NotFoundError(f"no delivery {delivery_id}")
            webhook = await session.get(OutgoingWebhookRow, row.webhook_id)
            return records.delivery(row, webhook.name if webhook else "")

    async def list_attempts(self, delivery_id: str) -> list[api.Attempt]:
        async with self.transaction() as session:
            query = (
                select(AttemptRow)
                .where(AttemptRow.delivery_id == delivery_id)
                .order_by(AttemptRow.number)
            )
            rows: Sequence[AttemptRow] = (await session.execute(query)).scalars().all()
            return [records.attempt(row) for row in rows]


Named = TypeVar("Named", OutgoingWebhookRow, IncomingWebhookRow)


async def row_by_ref(
    session: AsyncSession, model: type[Named], ref: str, what: str
) -> Named:
    """The row with id `ref`, or else with name `ref`: commands and scripts
    may use either."""
    row = await session.get(model, ref)
    if row is None:
        query = select(model).where(model.name == ref)
        row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"no {what} {ref!r}")
    return row


def check_secret(name: str, value: str) -> None:
    """Refuse a name a template could not reference, or an empty value."""
    if len(name) > MAX_SECRET_NAME_LENGTH:
        raise InvalidInputError(
            f"secret names are at most {MAX_SECRET_NAME_LENGTH} characters", "name"
        )
    if not is_valid_secret_name(name):
        raise InvalidInputError(
            "secret names start with a letter or _ and hold only letters, "
            "digits, _, - and .",
            "name",
        )
    if not value:
        raise InvalidInputError("the secret value is empty", "value")
    check_storable(value, "the secret value", "value")


def _conflict_reason(exc: IntegrityError) -> str:
    text = str(exc.orig)
    if "UNIQUE" in text.upper() and ".name" in text:
        return "that name is already taken"
    return "the change conflicts with stored data"
