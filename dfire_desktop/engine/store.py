"""The engine's public API over the store: every read and change.

`Engine` (in `service`) adds the running parts; this class is what admin
commands need, so they can run beside a serving engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import select
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
from dfire_desktop.engine.configfile import (
    export_incoming,
    export_outgoing,
    import_case_types_and_settings,
    parse_incoming,
    parse_outgoing,
)
from dfire_desktop.engine.errors import (
    ConflictError,
    EngineError,
    EngineStateError,
    InvalidInputError,
    NotFoundError,
    StoreError,
)
from dfire_desktop.engine.events import EventKind
from dfire_desktop.engine.incoming import (
    hash_token,
    is_duplicate_race,
    new_token,
    open_case,
    token_matches,
)
from dfire_desktop.engine.listener import Access, CaseAnswer
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
from dfire_desktop.engine.outbox import DomainEvent, delivery_for, enqueue
from dfire_desktop.engine.samples import sample_context
from dfire_desktop.engine.settings import LabSettings, load_settings
from dfire_desktop.engine.vault import Vault
from dfire_desktop.engine.webhooks import (
    apply_incoming,
    apply_outgoing,
    check_incoming,
    check_outgoing,
)

log = logging.getLogger("dfire.store")


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

    # Outgoing webhooks

    async def list_outgoing(self) -> list[api.OutgoingWebhook]:
        async with self.transaction() as session:
            query = select(OutgoingWebhookRow).order_by(OutgoingWebhookRow.name)
            rows = (await session.execute(query)).scalars().all()
            return [records.outgoing(row) for row in rows]

    async def _outgoing_row(
        self, session: AsyncSession, ref: str
    ) -> OutgoingWebhookRow:
        """The webhook with id `ref`, or else with name `ref`."""
        row = await session.get(OutgoingWebhookRow, ref)
        if row is None:
            query = select(OutgoingWebhookRow).where(OutgoingWebhookRow.name == ref)
            row = (await session.execute(query)).scalar_one_or_none()
        if row is None:
            raise NotFoundError(f"no outgoing webhook {ref!r}")
        return row

    async def _check_name_free(
        self, session: AsyncSession, model: Any, name: str, own_id: str | None
    ) -> None:
        found = (
            await session.execute(select(model).where(model.name == name))
        ).scalar()
        if found is not None and found.id != own_id:
            raise ConflictError(f"a webhook named {name!r} already exists", "name")

    async def create_outgoing(
        self, spec: api.OutgoingWebhookSpec
    ) -> api.OutgoingWebhook:
        spec = check_outgoing(spec)
        async with self.transaction() as session:
            return await self._add_outgoing(session, spec)

    async def _add_outgoing(
        self, session: AsyncSession, spec: api.OutgoingWebhookSpec
    ) -> api.OutgoingWebhook:
        await self._check_name_free(session, OutgoingWebhookRow, spec.name, None)
        now = self.clock.now()
        row = OutgoingWebhookRow(created_at=now)
        apply_outgoing(row, spec, self.vault, now)
        session.add(row)
        await session.flush()
        log.info("outgoing webhook created name=%s", row.name)
        return records.outgoing(row)

    async def update_outgoing(
        self, webhook_id: str, spec: api.OutgoingWebhookSpec
    ) -> api.OutgoingWebhook:
        spec = check_outgoing(spec)
        async with self.transaction() as session:
            row = await self._outgoing_row(session, webhook_id)
            await self._check_name_free(session, OutgoingWebhookRow, spec.name, row.id)
            apply_outgoing(row, spec, self.vault, self.clock.now())
            return records.outgoing(row)

    async def delete_outgoing(self, webhook_id: str) -> None:
        async with self.transaction() as session:
            await session.delete(await self._outgoing_row(session, webhook_id))

    async def set_outgoing_enabled(
        self, webhook_id: str, enabled: bool
    ) -> api.OutgoingWebhook:
        async with self.transaction() as session:
            row = await self._outgoing_row(session, webhook_id)
            row.enabled, row.updated_at = enabled, self.clock.now()
            return records.outgoing(row)

    async def duplicate_outgoing(self, webhook_id: str) -> api.OutgoingWebhook:
        """A copy named "<name> (copy)", credentials included, disabled so it
        sends nothing until its owner has looked at it."""
        async with self.transaction() as session:
            source = await self._outgoing_row(session, webhook_id)
            name = await self._free_copy_name(session, source.name)
            now = self.clock.now()
            copy = OutgoingWebhookRow(created_at=now, updated_at=now, name=name)
            for column in OutgoingWebhookRow.__table__.columns.keys():  # noqa: SIM118  # a ColumnCollection, not a dict
                if column not in ("id", "name", "created_at", "updated_at"):
                    setattr(copy, column, getattr(source, column))
            copy.enabled = False
            session.add(copy)
            await session.flush()
            return records.outgoing(copy)

    async def _free_copy_name(self, session: AsyncSession, name: str) -> str:
        taken = set((await session.execute(select(OutgoingWebhookRow.name))).scalars())
        candidate, n = f"{name} (copy)", 2
        while candidate in taken:
            candidate, n = f"{name} (copy {n})", n + 1
        return candidate

    async def send_test(self, webhook_id: str) -> api.Delivery:
        """Queue a `test` event with sample data for this webhook alone."""
        async with self.transaction() as session:
            webhook = await self._outgoing_row(session, webhook_id)
            env = await self._environment(session)
            context = sample_context(
                EventKind.TEST,
                webhook_name=webhook.name,
                base_url=env.base_url,
                tenant_name=env.settings.tenant_name,
            )
            event = DomainEvent(EventKind.TEST, None, context)
            row = delivery_for(webhook, event, env.now)
            session.add(row)
            await session.flush()
            result = records.delivery(row, webhook.name)
        self._wake_dispatcher()
        return result

    # Incoming webhooks

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

    async def _incoming_view(
        self, session: AsyncSession, row: IncomingWebhookRow
    ) -> api.IncomingWebhook:
        names = await self._case_type_names(session)
        type_name = names.get(row.case_type_id) if row.case_type_id else None
        return records.incoming(row, type_name, self.listener_url)

    async def _incoming_row(
        self, session: AsyncSession, ref: str
    ) -> IncomingWebhookRow:
        row = await session.get(IncomingWebhookRow, ref)
        if row is None:
            query = select(IncomingWebhookRow).where(IncomingWebhookRow.name == ref)
            row = (await session.execute(query)).scalar_one_or_none()
        if row is None:
            raise NotFoundError(f"no incoming webhook {ref!r}")
        return row

    async def list_incoming(self) -> list[api.IncomingWebhook]:
        async with self.transaction() as session:
            query = select(IncomingWebhookRow).order_by(IncomingWebhookRow.name)
            rows = (await session.execute(query)).scalars().all()
            return [await self._incoming_view(session, row) for row in rows]

    async def create_incoming(self, spec: api.IncomingWebhookSpec) -> api.IssuedToken:
        spec = check_incoming(spec)
        async with self.transaction() as session:
            return await self._add_incoming(session, spec)

    async def _add_incoming(
        self, session: AsyncSession, spec: api.IncomingWebhookSpec
    ) -> api.IssuedToken:
        await self._check_name_free(session, IncomingWebhookRow, spec.name, None)
        type_id = await self._case_type_id(session, spec.case_type)
        token = new_token()
        row = IncomingWebhookRow(
            created_at=self.clock.now(), token_hash=hash_token(token.encode())
        )
        apply_incoming(row, spec, type_id)
        session.add(row)
        await session.flush()
        log.info("incoming webhook created name=%s", row.name)
        return api.IssuedToken(await self._incoming_view(session, row), token)

    async def update_incoming(
        self, webhook_id: str, spec: api.IncomingWebhookSpec
    ) -> api.IncomingWebhook:
        spec = check_incoming(spec)
        async with self.transaction() as session:
            row = await self._incoming_row(session, webhook_id)
            await self._check_name_free(session, IncomingWebhookRow, spec.name, row.id)
            apply_incoming(row, spec, await self._case_type_id(session, spec.case_type))
            return await self._incoming_view(session, row)

    async def delete_incoming(self, webhook_id: str) -> None:
        async with self.transaction() as session:
            await session.delete(await self._incoming_row(session, webhook_id))

    async def set_incoming_enabled(
        self, webhook_id: str, enabled: bool
    ) -> api.IncomingWebhook:
        async with self.transaction() as session:
            row = await self._incoming_row(session, webhook_id)
            row.enabled = enabled
            return await self._incoming_view(session, row)

    async def regenerate_token(self, webhook_id: str) -> api.IssuedToken:
        """A new token; the old one stops working at once."""
        token = new_token()
        async with self.transaction() as session:
            row = await self._incoming_row(session, webhook_id)
            row.token_hash = hash_token(token.encode())
            log.info("incoming token regenerated name=%s", row.name)
            return api.IssuedToken(await self._incoming_view(session, row), token)

    # The listener's side (listener.AlertSink)

    async def authorise(self, webhook_id: str, token: bytes) -> Access:
        async with self.transaction() as session:
            row = await session.get(IncomingWebhookRow, webhook_id)
        # Compare even for an unknown id, so timing tells nothing.
        stored = row.token_hash if row else b"\0" * 32
        if not token_matches(token, stored) or row is None:
            return Access.DENIED
        return Access.GRANTED if row.enabled else Access.DISABLED

    async def open_case(self, webhook_id: str, body: dict[str, Any]) -> CaseAnswer:
        try:
            return await self._open_case_once(webhook_id, body)
        except ConflictError as exc:
            # A twin request with the same external_id committed first.
            if not isinstance(exc.__cause__, IntegrityError):
                raise
            if not is_duplicate_race(exc.__cause__):
                raise
            return await self._open_case_once(webhook_id, body)

    async def _open_case_once(
        self, webhook_id: str, body: dict[str, Any]
    ) -> CaseAnswer:
        async with self._case_lock, self.transaction() as session:
            webhook = await self._incoming_row(session, webhook_id)
            env = await self._environment(session)
            result = await open_case(session, webhook, body, env)
            await enqueue(session, result.events, env.now)
            await session.flush()
            case = result.case
            names = await self._case_type_names(session)
            view = records.case(case, names.get(case.case_type_id or ""))
        if result.created:
            self._after_case_change(view)
        return CaseAnswer(
            case.id, case.case_number, f"{env.base_url}/cases/{case.id}", result.created
        )

    def _after_case_change(self, case: api.Case | None) -> None:
        self._wake_dispatcher()
        if case is not None:
            self._case_created(case)

    # Secrets

    async def list_secrets(self) -> list[api.Secret]:
        async with self.transaction() as session:
            rows = await session.execute(select(SecretRow).order_by(SecretRow.name))
            return [records.secret(row) for row in rows.scalars()]

    async def set_secret(
        self, name: str, value: str, description: str | None = None
    ) -> api.Secret:
        """Create the secret, or replace its value (and description if given)."""
        if not is_valid_secret_name(name):
            raise InvalidInputError(
                "secret names start with a letter or _ and hold only letters, "
                "digits, _, - and .",
                "name",
            )
        if not value:
            raise InvalidInputError("the secret value is empty", "value")
        ciphertext = self.vault.encrypt(value)
        async with self.transaction() as session:
            query = select(SecretRow).where(SecretRow.name == name)
            row = (await session.execute(query)).scalar_one_or_none()
            now = self.clock.now()
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

    # Configuration file

    async def import_config(self, doc: Any) -> api.ImportResult:
        """Create what `doc` describes, all or nothing."""
        if not isinstance(doc, dict):
            raise InvalidInputError("the configuration must be a JSON object")
        outgoing = [
            _entry(check_outgoing, parse_outgoing(entry, n), f"outgoing[{n}]")
            for n, entry in enumerate(doc.get("outgoing", []))
        ]
        incoming = [
            _entry(check_incoming, parse_incoming(entry, n), f"incoming[{n}]")
            for n, entry in enumerate(doc.get("incoming", []))
        ]
        async with self.transaction() as session:
            await import_case_types_and_settings(session, doc)
            made_out = [await self._add_outgoing(session, s) for s in outgoing]
            made_in = [await self._add_incoming(session, s) for s in incoming]
        return api.ImportResult(tuple(made_out), tuple(made_in))

    async def export_config(self) -> dict[str, Any]:
        """The configuration in the import format, with no credential."""
        settings = await self.settings()
        return {
            "settings": {
                "base_url": settings.base_url,
                "tenant_name": settings.tenant_name,
                "retry_base_seconds": settings.retry_base_seconds,
            },
            "case_types": [
                {
                    "name": t.name,
                    "fields": [{"label": f.label, "type": f.type} for f in t.fields],
                }
                for t in await self.list_case_types()
            ],
            "outgoing": [export_outgoing(w) for w in await self.list_outgoing()],
            "incoming": [export_incoming(w) for w in await self.list_incoming()],
        }

    # Deliveries

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


def _entry(check: Any, spec: Any, where: str) -> Any:
    """`check(spec)`, with the entry named in any refusal."""
    try:
        return check(spec)
    except InvalidInputError as exc:
        name = getattr(spec, "name", "")
        raise InvalidInputError(f"{where} ({name}): {exc}", exc.field) from exc


def _conflict_reason(exc: IntegrityError) -> str:
    text = str(exc.orig)
    if "UNIQUE" in text.upper() and ".name" in text:
        return "that name is already taken"
    return "the change conflicts with stored data"
