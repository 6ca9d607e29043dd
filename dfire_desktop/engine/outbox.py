"""From domain events to delivery rows, inside the caller's transaction.

The case change, its timeline entry and one delivery row per matching
enabled webhook commit together, so a crash loses all of them or none.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dfire_desktop.engine import filters
from dfire_desktop.engine.context import Context
from dfire_desktop.engine.errors import InvalidInputError
from dfire_desktop.engine.events import EventKind
from dfire_desktop.engine.models import DeliveryRow, OutgoingWebhookRow

log = logging.getLogger("dfire.outbox")


@dataclasses.dataclass(frozen=True)
class DomainEvent:
    """Something that happened to a case, with the variables it provides.

    `filter_text` is what content filters search (a timeline event's subject
    and details); None means filters do not apply to this kind of event.
    """

    kind: EventKind
    case_id: str | None
    context: Context
    filter_text: str | None = None


def wants(webhook: OutgoingWebhookRow, event: DomainEvent) -> bool:
    """Whether `webhook` should be told about `event`."""
    if not webhook.enabled or event.kind.value not in webhook.events:
        return False
    if event.filter_text is None or not webhook.content_filter:
        return True
    try:
        return filters.matches(webhook.content_filter, event.filter_text)
    except InvalidInputError:
        # Patterns are checked when saved; one stored by an older version
        # that RE2 refuses must not stop the other webhooks.
        log.warning("content filter unusable webhook=%s", webhook.name)
        return False


def delivery_for(
    webhook: OutgoingWebhookRow, event: DomainEvent, now: dt.datetime
) -> DeliveryRow:
    context = copy.deepcopy(event.context)
    context["meta"]["webhook_name"] = webhook.name
    return DeliveryRow(
        webhook_id=webhook.id,
        event_kind=event.kind.value,
        case_id=event.case_id,
        context=context,
        status="pending",
        attempt_count=0,
        next_attempt_at=now,
        last_error="",
        created_at=now,
        updated_at=now,
    )


async def enqueue(
    session: AsyncSession, events: list[DomainEvent], now: dt.datetime
) -> list[DeliveryRow]:
    """Add one pending delivery per (event, interested webhook) pair."""
    if not events:
        return []
    query = select(OutgoingWebhookRow).where(OutgoingWebhookRow.enabled.is_(True))
    webhooks = (await session.execute(query)).scalars().all()

    rows = [
        delivery_for(webhook, event, now)
        for event in events
        for webhook in webhooks
        if wants(webhook, event)
    ]
    session.add_all(rows)
    return rows
