"""Webhook configuration and the listener's side of the engine's API."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dfire_desktop.engine import api, records
from dfire_desktop.engine.cases import CaseEnvironment, case_context, get_case
from dfire_desktop.engine.clock import rfc3339
from dfire_desktop.engine.configfile import (
    export_incoming,
    export_outgoing,
    import_case_types_and_settings,
    list_at,
    parse_incoming,
    parse_outgoing,
)
from dfire_desktop.engine.context import timeline_variables
from dfire_desktop.engine.errors import (
    ConflictError,
    EngineError,
    InvalidInputError,
    NotFoundError,
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
    IncomingWebhookRow,
    OutgoingWebhookRow,
    SecretRow,
    TimelineEventRow,
)
from dfire_desktop.engine.outbox import DomainEvent, delivery_for, enqueue
from dfire_desktop.engine.preview import (
    UNSIGNABLE,
    Preview,
    PreviewRequest,
    build_preview,
)
from dfire_desktop.engine.samples import sample_context
from dfire_desktop.engine.store import Store, row_by_ref
from dfire_desktop.engine.templating import referenced_secrets
from dfire_desktop.engine.webhooks import (
    apply_incoming,
    apply_outgoing,
    check_incoming,
    check_outgoing,
    check_storable,
)

log = logging.getLogger("dfire.store")
T = TypeVar("T")


class WebhookStore(Store):
    """Outgoing and incoming webhooks, the configuration file, and what the
    listener needs (`listener.AlertSink`)."""

    # Outgoing webhooks

    async def list_outgoing(self) -> list[api.OutgoingWebhook]:
        async with self.transaction() as session:
            query = select(OutgoingWebhookRow).order_by(
                func.lower(OutgoingWebhookRow.name)
            )
            rows = (await session.execute(query)).scalars().all()
            return [records.outgoing(row) for row in rows]

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
            # Sample values, but the real moment: receivers often check it.
            context["meta"]["timestamp"] = rfc3339(env.now)
            event = DomainEvent(EventKind.TEST, None, context)
            row = delivery_for(webhook, event, env.now)
            session.add(row)
            await session.flush()
            result = records.delivery(row, webhook.name)
        self._wake_dispatcher()
        return result

    async def secret_users(self, name: str) -> list[str]:
        """Names of the outgoing webhooks whose template uses `{{secret.name}}`,
        so deleting a secret can say what it breaks."""
        async with self.transaction() as session:
            rows = (await session.execute(select(OutgoingWebhookRow))).scalars()
            return sorted(
                (
                    row.name
                    for row in rows
                    if name in referenced_secrets(row.payload_template)
                ),
                key=str.lower,
            )

    async def preview(self, request: PreviewRequest) -> Preview:
        """What `request`'s template would send, for sample data of its
        event kind or for a real case and timeline event."""
        async with self.transaction() as session:
            env = await self._environment(session)
            context, source = await self._preview_context(session, request, env)
            context["meta"]["webhook_name"] = request.webhook_name
            names = list((await session.execute(select(SecretRow.name))).scalars())
            stored = (
                await self._outgoing_row(session, request.webhook_id)
                if request.webhook_id
                else None
            )
        signing = request.signing_secret
        if signing is None and stored is not None and stored.signing_secret:
            try:
                signing = self.vault.decrypt(stored.signing_secret)
            except EngineError:
                # The body needs no credential; only the signature is lost.
                signing = UNSIGNABLE
        header_names = tuple(stored.auth_header_names) if stored else ()
        return build_preview(
            request, context, names, signing or "", header_names, source
        )

    async def _preview_context(
        self, session: AsyncSession, request: PreviewRequest, env: CaseEnvironment
    ) -> tuple[dict[str, dict[str, Any]], str]:
        kind = request.sample_kind
        if request.case_id is None:
            context = sample_context(
                kind, base_url=env.base_url, tenant_name=env.settings.tenant_name
            )
            return context, f"sample data for {kind.label}"
        case = await get_case(session, request.case_id)
        context = await case_context(session, case, kind, env)
        source = f"{case.case_number} {case.title}"
        if request.timeline_event_id:
            event = await session.get(TimelineEventRow, request.timeline_event_id)
            if event is None or event.case_id != case.id:
                raise NotFoundError("that timeline event is not on this case")
            context["event"] = timeline_variables(event)
            source += f" / {event.subject}"
        return context, source

    # Incoming webhooks

    async def _incoming_view(
        self, session: AsyncSession, row: IncomingWebhookRow
    ) -> api.IncomingWebhook:
        names = await self._case_type_names(session)
        type_name = names.get(row.case_type_id) if row.case_type_id else None
        return records.incoming(row, type_name, self.listener_url)

    async def _incoming_row(
        self, session: AsyncSession, ref: str
    ) -> IncomingWebhookRow:
        return await row_by_ref(session, IncomingWebhookRow, ref, "incoming webhook")

    async def list_incoming(self) -> list[api.IncomingWebhook]:
        async with self.transaction() as session:
            query = select(IncomingWebhookRow).order_by(
                func.lower(IncomingWebhookRow.name)
            )
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

    # Configuration file

    async def import_config(self, doc: Any) -> api.ImportResult:
        """Create what `doc` describes, all or nothing."""
        if not isinstance(doc, dict):
            raise InvalidInputError("the configuration must be a JSON object")
        check_storable(doc, "the configuration")
        outgoing = [
            _entry(check_outgoing, parse_outgoing(entry, n), f"outgoing[{n}]")
            for n, entry in enumerate(list_at(doc, "outgoing"))
        ]
        incoming = [
            _entry(check_incoming, parse_incoming(entry, n), f"incoming[{n}]")
            for n, entry in enumerate(list_at(doc, "incoming"))
        ]
        async with self.transaction() as session:
            await import_case_types_and_settings(session, doc)
            made_out = [
                await _named(self._add_outgoing(session, spec), f"outgoing[{n}]", spec)
                for n, spec in enumerate(outgoing)
            ]
            made_in = [
                await _named(self._add_incoming(session, spec), f"incoming[{n}]", spec)
                for n, spec in enumerate(incoming)
            ]
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


async def _named(step: Awaitable[T], where: str, spec: Any) -> T:
    """`await step`, with the entry named in any refusal."""
    try:
        return await step
    except InvalidInputError as exc:
        name = getattr(spec, "name", "")
        raise InvalidInputError(f"{where} ({name}): {exc}", exc.field) from exc


def _entry(check: Any, spec: Any, where: str) -> Any:
    """`check(spec)`, with the entry named in any refusal."""
    try:
        return check(spec)
    except InvalidInputError as exc:
        name = getattr(spec, "name", "")
        raise InvalidInputError(f"{where} ({name}): {exc}", exc.field) from exc
