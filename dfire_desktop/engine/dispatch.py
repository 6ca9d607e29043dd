"""The dispatcher: claims due deliveries, sends them, records, retries.

It wakes when the outbox wrote rows (no polling delay) and also polls, so
rows written by another process are picked up. Rows are claimed with a
lease; a lease that expired (the process died mid-send) returns the row to
the queue, so delivery is at least once.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import enum
import logging
from collections.abc import Awaitable, Callable

import httpx
from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dfire_desktop.engine import backoff
from dfire_desktop.engine.clock import Clock
from dfire_desktop.engine.errors import EngineError, EngineStateError, RenderError
from dfire_desktop.engine.exchange import Outcome, send
from dfire_desktop.engine.models import DeliveryRow, OutgoingWebhookRow
from dfire_desktop.engine.outgoing_request import build_request
from dfire_desktop.engine.settings import load_settings
from dfire_desktop.engine.vault import Vault, scrub

log = logging.getLogger("dfire.dispatch")

POLL_SECONDS = 1.0
LEASE_SECONDS = 600.0
CLAIM_BATCH = 32
MAX_CONCURRENT_SENDS = 16


class DispatcherState(enum.Enum):
    STOPPED = "stopped"
    RUNNING = "running"
    STOPPING = "stopping"


def _due(now: dt.datetime) -> ColumnElement[bool]:
    pending = and_(DeliveryRow.status == "pending", DeliveryRow.next_attempt_at <= now)
    expired = and_(DeliveryRow.status == "in_progress", DeliveryRow.lease_until < now)
    return or_(pending, expired)


async def claim_due(session: AsyncSession, now: dt.datetime) -> list[str]:
    """Lease up to CLAIM_BATCH due deliveries; each row goes to one claimer."""
    query = (
        select(DeliveryRow.id)
        .where(_due(now))
        .order_by(DeliveryRow.next_attempt_at)
        .limit(CLAIM_BATCH)
    )
    candidates = (await session.execute(query)).scalars().all()

    claimed = []
    lease_until = now + dt.timedelta(seconds=LEASE_SECONDS)
    for delivery_id in candidates:
        result = await session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id == delivery_id, _due(now))
            .values(status="in_progress", lease_until=lease_until)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]  # DML result
            claimed.append(delivery_id)
    await session.commit()
    return claimed


class Dispatcher:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        vault: Vault,
        clock: Clock,
        client: httpx.AsyncClient,
        on_finished: Callable[[str], Awaitable[None]],
    ) -> None:
        self._sessions = sessions
        self._vault = vault
        self._clock = clock
        self._client = client
        self._on_finished = on_finished
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(MAX_CONCURRENT_SENDS)
        self._sends: set[asyncio.Task[None]] = set()
        self._in_flight: set[str] = set()
        self._loop_task: asyncio.Task[None] | None = None
        self.state = DispatcherState.STOPPED

    def wake(self) -> None:
        """New rows are due now; look without waiting for the next poll."""
        self._wake.set()

    def start(self) -> None:
        if self.state is not DispatcherState.STOPPED:
            raise EngineStateError(f"dispatcher is already {self.state.value}")
        self.state = DispatcherState.RUNNING
        self._loop_task = asyncio.create_task(self._run(), name="dispatcher")

    async def stop(self) -> None:
        """Stop claiming; sends in flight are cancelled and their leases
        expire, so the rows are retried by the next engine."""
        if self.state is not DispatcherState.RUNNING:
            return
        self.state = DispatcherState.STOPPING
        tasks = [t for t in (self._loop_task, *self._sends) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._release(self._in_flight)
        self.state = DispatcherState.STOPPED

    async def _release(self, delivery_ids: set[str]) -> None:
        """Give cancelled sends back to the queue now rather than when their
        lease runs out, so the next engine retries them at once."""
        if not delivery_ids:
            return
        async with self._sessions() as session:
            await session.execute(
                update(DeliveryRow)
                .where(
                    DeliveryRow.id.in_(delivery_ids),
                    DeliveryRow.status == "in_progress",
                )
                .values(status="pending", lease_until=None)
            )
            await session.commit()
        delivery_ids.clear()

    async def _run(self) -> None:
        while self.state is DispatcherState.RUNNING:
            self._wake.clear()
            for delivery_id in await self._claim():
                await self._slots.acquire()
                self._in_flight.add(delivery_id)
                task = asyncio.create_task(self._send_one(delivery_id))
                self._sends.add(task)
                task.add_done_callback(self._sends.discard)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)

    async def _claim(self) -> list[str]:
        try:
            async with self._sessions() as session:
                return await claim_due(session, self._clock.now())
        except EngineError:
            log.exception("claiming deliveries failed; retrying after a poll")
            return []

    async def _send_one(self, delivery_id: str) -> None:
        try:
            await self.attempt(delivery_id)
        except Exception:  # top of a task: the failure goes to the log sink
            log.exception("delivery attempt crashed delivery=%s", delivery_id)
        finally:
            self._slots.release()
        # Not reached when cancelled: stop() hands the row back instead.
        self._in_flight.discard(delivery_id)
        await self._on_finished(delivery_id)

    async def attempt(self, delivery_id: str) -> None:
        """One attempt of one claimed delivery, recorded whatever happens."""
        async with self._sessions() as session:
            delivery = await session.get(DeliveryRow, delivery_id)
            if delivery is None:
                return
            webhook = await session.get(OutgoingWebhookRow, delivery.webhook_id)
            if webhook is None:
                return
            started = self._clock.now()
            outcome = await self._guarded_exchange(session, webhook, delivery, started)
            settings = await load_settings(session)
            base = settings.retry_base_seconds
            record(session, delivery, webhook, outcome, started, base)
            await session.commit()

    async def _guarded_exchange(
        self,
        session: AsyncSession,
        webhook: OutgoingWebhookRow,
        delivery: DeliveryRow,
        now: dt.datetime,
    ) -> Outcome:
        """The exchange, or a failed outcome naming an unexpected error: an
        attempt always ends recorded, so max_retries bounds even a bug."""
        try:
            return await self._exchange(session, webhook, delivery, now)
        except Exception as exc:  # top of an attempt: the bug goes to the log
            log.exception(
                "delivery attempt failed unexpectedly delivery=%s", delivery.id
            )
            kind = type(exc).__name__
            return Outcome(False, True, f"the request could not be made ({kind})")

    async def _exchange(
        self,
        session: AsyncSession,
        webhook: OutgoingWebhookRow,
        delivery: DeliveryRow,
        now: dt.datetime,
    ) -> Outcome:
        try:
            request = await build_request(session, self._vault, webhook, delivery, now)
        except RenderError as exc:
            return Outcome.refused(f"payload could not be rendered: {exc}")
        except EngineError as exc:
            # A locked or wrong key can be fixed by a restart: keep retrying.
            return Outcome(False, True, scrub(str(exc), ()))
        return await send(self._client, request, webhook.timeout_seconds)


def record(
    session: AsyncSession,
    delivery: DeliveryRow,
    webhook: OutgoingWebhookRow,
    outcome: Outcome,
    started: dt.datetime,
    retry_base_seconds: float,
) -> None:
    """Store the attempt and move the delivery on: done, retry, or failed."""
    delivery.attempt_count += 1
    retry_in = _retry_delay(delivery, webhook, outcome, started, retry_base_seconds)
    finished = started + dt.timedelta(milliseconds=outcome.duration_ms or 0)

    delivery.last_status_code = outcome.status_code
    delivery.last_duration_ms = outcome.duration_ms
    delivery.last_error = outcome.error
    delivery.updated_at = finished
    delivery.lease_until = None
    if outcome.succeeded:
        delivery.status, delivery.next_attempt_at = "succeeded", None
    elif retry_in is None:
        delivery.status, delivery.next_attempt_at = "failed", None
    else:
        delivery.status = "pending"
        delivery.next_attempt_at = finished + dt.timedelta(seconds=retry_in)

    attempt = outcome.as_row(delivery.id, delivery.attempt_count, started, retry_in)
    session.add(attempt)
    log.info(
        "POST host=%s status=%s ms=%s delivery=%s attempt=%d",
        outcome.host,
        outcome.status_code,
        outcome.duration_ms,
        delivery.id,
        delivery.attempt_count,
    )


def _retry_delay(
    delivery: DeliveryRow,
    webhook: OutgoingWebhookRow,
    outcome: Outcome,
    now: dt.datetime,
    base_seconds: float,
) -> float | None:
    """Seconds until the next attempt, or None when there is none."""
    retries_used = delivery.attempt_count - 1
    if outcome.succeeded or not outcome.retryable:
        return None
    if retries_used >= webhook.max_retries:
        return None
    asked = backoff.parse_retry_after(outcome.retry_after, now)
    if asked is not None:
        return asked
    return backoff.backoff_delay(retries_used + 1, base_seconds)
