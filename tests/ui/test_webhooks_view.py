"""The Webhooks tab: cards keep their width, their order and the scroll."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from dfire_desktop.engine.api import OutgoingWebhookSpec
from dfire_desktop.engine.events import EventKind

LONG_URL = "http://127.0.0.1:9/" + "very-long-path/" * 133 + "end"
LONG_NAME = "Long URL: " + "SOC escalation pager " * 8 + "(night shift)"
MAX_WIDTH = 1400


def _spec(name: str, url: str = "http://127.0.0.1:9/hook") -> OutgoingWebhookSpec:
    return OutgoingWebhookSpec(
        name=name, url=url, events=(EventKind.CASE_CLOSED,), enabled=True
    )


def _show_outgoing(qtbot: QtBot, window: Any, count: int) -> list[Any]:
    section = window.webhooks_view.outgoing
    with qtbot.waitSignal(window.webhooks.outgoing_listed, timeout=20_000):
        window.webhooks.refresh_outgoing()
    assert len(section.cards()) == count
    return list(section.cards())


def _laid_out(card: Any) -> bool:
    """Whether the card's layout has placed its switch right of its title."""
    return bool(card.switch.isVisible() and card.switch.x() > card.title.x())


def _inside(widget: QWidget, area: QWidget) -> bool:
    """Whether all of `widget` lies within `area` on screen."""
    top_left = widget.mapTo(area, QPoint(0, 0))
    right = top_left.x() + widget.width()
    return top_left.x() >= 0 and right <= area.width()


def test_a_2000_character_url_does_not_widen_the_cards(
    qtbot: QtBot, window: Any, run: Callable[..., Any], screenshot: Callable[..., Any]
) -> None:
    """With one 2,000-character URL, every card, switch and the Add Webhook
    button stay on screen; the URL is elided with its whole text in the
    tooltip."""
    assert len(LONG_URL) > 2000
    run(lambda engine: engine.create_outgoing(_spec(LONG_NAME, LONG_URL)))
    run(lambda engine: engine.create_outgoing(_spec("Pager")))

    cards = _show_outgoing(qtbot, window, 2)

    view = window.webhooks_view
    assert view.widget().minimumSizeHint().width() < MAX_WIDTH
    qtbot.waitUntil(lambda: all(_laid_out(card) for card in cards))
    assert window.width() < MAX_WIDTH
    for card in cards:
        assert card.width() < MAX_WIDTH
        assert _inside(card.switch, view.viewport())
    assert _inside(view.outgoing.add_button, view.viewport())
    long_card = cards[0]
    assert long_card.title.is_elided() and long_card.title.text() == LONG_NAME
    assert long_card.endpoint.text() == f"POST  {LONG_URL}"
    assert long_card.endpoint.is_elided()
    assert LONG_URL[:40] in long_card.endpoint.toolTip()
    screenshot(window, "main-webhooks-long-url")


def test_toggling_a_card_keeps_the_scroll_position(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """Switching a webhook off, low in a long list, leaves the list where it
    was and the focus on that switch: the card is updated in place, so no
    focus hand-over scrolls the list back to the top."""
    run(lambda engine: engine.create_outgoing(_spec("Long URL", LONG_URL)))
    for number in range(8):
        run(lambda engine, n=number: engine.create_outgoing(_spec(f"Hook {n}")))
    cards = _show_outgoing(qtbot, window, 9)
    bar = window.webhooks_view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    position, last = bar.value(), cards[-1]
    window.activateWindow()
    qtbot.waitActive(window)

    with qtbot.waitSignal(window.webhooks.outgoing_listed, timeout=20_000):
        qtbot.mouseClick(last.switch, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: _laid_out(window.webhooks_view.outgoing.cards()[-1]))
    assert bar.value() == position
    assert QApplication.focusWidget() is last.switch
    assert window.webhooks_view.outgoing.cards()[-1] is last
    assert not last.webhook.enabled and last.state.text() == "Disabled"


def test_cards_are_sorted_by_name_whatever_the_case(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """Cards read alpha, Beta, Gamma: letter case does not split the list."""
    for name in ("Gamma", "alpha", "Beta"):
        run(lambda engine, n=name: engine.create_outgoing(_spec(n)))

    cards = _show_outgoing(qtbot, window, 3)

    assert [card.title.text() for card in cards] == ["alpha", "Beta", "Gamma"]


def test_a_refresh_updates_cards_and_drops_deleted_ones(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """After a rename and a delete elsewhere, the cards show the engine's truth."""
    kept = run(lambda engine: engine.create_outgoing(_spec("Kept")))
    gone = run(lambda engine: engine.create_outgoing(_spec("Gone")))
    _show_outgoing(qtbot, window, 2)
    run(lambda engine: engine.update_outgoing(kept.id, _spec("Renamed")))
    run(lambda engine: engine.delete_outgoing(gone.id))

    [card] = _show_outgoing(qtbot, window, 1)

    assert card.title.text() == "Renamed" and card.webhook.id == kept.id
