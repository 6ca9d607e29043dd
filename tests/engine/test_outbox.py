"""Events become delivery rows in the same transaction as the change."""

from __future__ import annotations

import time

from dfire_desktop.engine.api import OutgoingWebhookSpec
from dfire_desktop.engine.events import EventKind
from dfire_desktop.engine.filters import matches
from dfire_desktop.engine.service import Engine


def timeline_hook(content_filter: str) -> OutgoingWebhookSpec:
    return OutgoingWebhookSpec(
        name=f"filter {content_filter}",
        url="http://127.0.0.1:9/in",
        events=(EventKind.TIMELINE_EVENT_CREATED,),
        content_filter=content_filter,
    )


async def test_content_filter_selects_timeline_events(engine: Engine) -> None:
    """Only timeline events whose subject or details match the filter queue
    a delivery; other events of the case do not."""
    hook = await engine.create_outgoing(timeline_hook("@page"))
    case = await engine.create_case("paging case")

    await engine.add_timeline_event(case.id, "routine note", "nothing here")
    await engine.add_timeline_event(case.id, "escalate", "please @page on-call")

    (delivery,) = await engine.list_deliveries(hook.id)
    assert delivery.event_kind is EventKind.TIMELINE_EVENT_CREATED
    assert delivery.case_id == case.id


async def test_one_delivery_per_subscribed_webhook(engine: Engine) -> None:
    """Each enabled webhook subscribed to the event gets its own delivery."""
    for name in ("a", "b"):
        await engine.create_outgoing(
            OutgoingWebhookSpec(
                name=name,
                url="http://127.0.0.1:9/in",
                events=(EventKind.INCIDENT_CREATED,),
            )
        )
    await engine.create_case("incident", mode="incident")
    await engine.create_case("investigation", mode="investigation")

    found = await engine.list_deliveries()
    assert sorted(d.webhook_name for d in found) == ["a", "b"]
    assert {d.event_kind for d in found} == {EventKind.INCIDENT_CREATED}


def test_nested_quantifier_filter_cannot_hang() -> None:
    """A pattern with nested quantifiers answers at once on the input that
    makes backtracking engines run for minutes (F10)."""
    started = time.monotonic()
    result = matches(r"^(\w+\s?)+$", "a" * 28 + "!")
    elapsed = time.monotonic() - started

    assert result is False
    # Generous: a backtracking engine needs minutes here, RE2 microseconds.
    assert elapsed < 1.0
