"""The main window: tabs, banner, and the webhook cards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from dfire_desktop.engine.api import OutgoingWebhookSpec
from dfire_desktop.engine.events import EventKind
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.webhook_cards import OutgoingWebhookCard
from tests.ui.conftest import click_button, visible_window


def _spec(name: str = "Pager") -> OutgoingWebhookSpec:
    return OutgoingWebhookSpec(
        name=name,
        url="http://127.0.0.1:9/hook",
        events=(EventKind.INCIDENT_CREATED, EventKind.TIMELINE_EVENT_CREATED),
    )


def test_window_shows_listener_and_empty_states(
    window: Any, bridge: EngineBridge, screenshot: Callable[..., Any]
) -> None:
    """The banner names the listener URL and each empty section says what to do."""
    assert bridge.listener_url in window.listener.text()
    assert window.vault_warning.isHidden()
    assert "click Add Webhook" in window.webhooks_view.outgoing.empty.text()
    assert window.webhooks_view.incoming.empty.isVisible()

    screenshot(window, "main-webhooks-empty")
    window.tabs.setCurrentWidget(window.secrets_view)
    screenshot(window, "main-secrets-empty")
    window.tabs.setCurrentWidget(window.cases_view)
    screenshot(window, "main-cases")


def test_cards_show_outgoing_and_incoming_webhooks(
    qtbot: QtBot, window: Any, run: Callable[..., Any], screenshot: Callable[..., Any]
) -> None:
    """Every webhook the engine holds appears as a card with its URL."""
    from dfire_desktop.engine.api import IncomingWebhookSpec

    run(lambda engine: engine.create_outgoing(_spec()))
    run(lambda engine: engine.create_incoming(IncomingWebhookSpec(name="SIEM")))

    window.webhooks.refresh()
    view = window.webhooks_view
    qtbot.waitUntil(lambda: len(view.incoming.cards()) == 1)
    qtbot.waitUntil(lambda: len(view.outgoing.cards()) == 1)

    card = view.outgoing.cards()[0]
    assert card.title.text() == "Pager"
    assert "127.0.0.1:9/hook" in card.endpoint.text()
    assert "/api/webhooks/incoming/" in view.incoming.cards()[0].endpoint.text()
    assert view.outgoing.empty.isHidden()
    screenshot(window, "main-webhooks-cards")


def test_toggle_switch_disables_the_webhook(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """Turning a card's switch off disables the webhook in the engine."""
    made = run(lambda engine: engine.create_outgoing(_spec()))
    window.webhooks.refresh_outgoing()
    view = window.webhooks_view
    qtbot.waitUntil(lambda: len(view.outgoing.cards()) == 1)

    with qtbot.waitSignal(window.webhooks.outgoing_listed):
        qtbot.mouseClick(view.outgoing.cards()[0].switch, Qt.MouseButton.LeftButton)

    [stored] = run(lambda engine: engine.list_outgoing())
    assert stored.id == made.id and not stored.enabled
    assert view.outgoing.cards()[0].state.text() == "Disabled"


def test_delete_asks_first_and_then_deletes(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """Delete opens a confirmation; only confirming removes the webhook."""
    run(lambda engine: engine.create_outgoing(_spec()))
    window.webhooks.refresh_outgoing()
    view = window.webhooks_view
    qtbot.waitUntil(lambda: len(view.outgoing.cards()) == 1)
    card: OutgoingWebhookCard = view.outgoing.cards()[0]

    card.delete_requested.emit()
    box = visible_window(qtbot, QMessageBox)
    with qtbot.waitSignal(window.webhooks.outgoing_listed):
        click_button(box, "Delete webhook")

    assert run(lambda engine: engine.list_outgoing()) == []
    qtbot.waitUntil(lambda: view.outgoing.empty.isVisible())


def test_duplicate_adds_a_copy(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """The copy button duplicates the webhook under a new name."""
    run(lambda engine: engine.create_outgoing(_spec()))
    window.webhooks.refresh_outgoing()
    view = window.webhooks_view
    qtbot.waitUntil(lambda: len(view.outgoing.cards()) == 1)

    view.outgoing.cards()[0].duplicate_requested.emit()

    qtbot.waitUntil(lambda: len(view.outgoing.cards()) == 2)
    names = [hook.name for hook in run(lambda engine: engine.list_outgoing())]
    assert len(set(names)) == 2


def test_status_bar_says_when_nothing_was_sent(
    qtbot: QtBot, window: Any, bridge: EngineBridge, run: Callable[..., Any]
) -> None:
    """A payload that cannot be rendered is reported as not sent, with the
    reason, not as an HTTP exchange of 0 ms."""
    spec = OutgoingWebhookSpec(
        name="Pager",
        url="http://127.0.0.1:9/hook",
        events=(EventKind.TEST,),
        payload_template='{"token": "{{secret.never_added}}"}',
    )
    hook = run(lambda engine: engine.create_outgoing(spec))

    with qtbot.waitSignal(bridge.delivery_finished, timeout=20_000):
        run(lambda engine: engine.send_test(hook.id))

    message = window.statusBar().currentMessage()
    assert "not sent: payload could not be rendered" in message
    assert "HTTP" not in message and "0 ms" not in message


def test_send_test_on_a_disabled_webhook_says_it_was_sent_anyway(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """The status bar tells that the webhook is off but the test went out."""
    spec = OutgoingWebhookSpec(
        name="Pager",
        url="http://127.0.0.1:9/hook",
        events=(EventKind.TEST,),
        enabled=False,
    )
    run(lambda engine: engine.create_outgoing(spec))
    window.webhooks.refresh_outgoing()
    view = window.webhooks_view
    qtbot.waitUntil(lambda: len(view.outgoing.cards()) == 1)
    shown: list[str] = []
    # Connected after the window's own handler, so it reads what that wrote.
    window.webhooks.test_sent.connect(
        lambda _: shown.append(window.statusBar().currentMessage())
    )

    with qtbot.waitSignal(window.webhooks.test_sent, timeout=20_000):
        click_button(view.outgoing.cards()[0], "▶ Send test")

    assert "“Pager” is disabled" in shown[0] and "sent anyway" in shown[0]
