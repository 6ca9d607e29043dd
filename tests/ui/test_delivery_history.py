"""Delivery history: real deliveries to a local receiver, shown and refreshed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from dfire_desktop.engine.api import DeliveryStatus, OutgoingWebhookSpec
from dfire_desktop.engine.events import EventKind
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.delivery_history import DeliveryHistory
from dfire_desktop.ui.delivery_history_view import DeliveryHistoryView
from tests.support.receiver import Receiver, Reply


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver([Reply(200), Reply(500, body="upstream down")]) as server:
        yield server


def _webhook(run: Callable[..., Any], url: str) -> Any:
    spec = OutgoingWebhookSpec(
        name="Local receiver", url=url, events=(EventKind.TEST,), max_retries=0
    )
    return run(lambda engine: engine.create_outgoing(spec))


def _send_test(
    qtbot: QtBot, bridge: EngineBridge, run: Callable[..., Any], hook: Any
) -> Any:
    with qtbot.waitSignal(
        bridge.delivery_finished,
        timeout=20_000,
        check_params_cb=lambda delivery: (
            delivery.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED)
        ),
    ) as finished:
        run(lambda engine: engine.send_test(hook.id))
    return finished.args[0]


def test_history_lists_deliveries_and_follows_new_ones(
    qtbot: QtBot,
    window: Any,
    bridge: EngineBridge,
    run: Callable[..., Any],
    receiver: Receiver,
    screenshot: Callable[..., Any],
    qtmodeltester: Any,
) -> None:
    """The view shows each delivery's outcome and adds one when it finishes."""
    hook = _webhook(run, receiver.url)
    first = _send_test(qtbot, bridge, run, hook)
    assert first.status is DeliveryStatus.SUCCEEDED
    view = window.webhooks_view.show_history(hook)
    assert isinstance(view, DeliveryHistoryView)
    qtbot.waitUntil(lambda: view.history.rowCount() == 1)

    _send_test(qtbot, bridge, run, hook)

    qtbot.waitUntil(lambda: view.history.rowCount() == 2)
    newest = view.history.record(0)
    assert newest.status is DeliveryStatus.FAILED and newest.last_status_code == 500
    assert "2 recent deliveries, 1 failed" in view.summary.text()
    view.deliveries_table.selectRow(0)
    qtbot.waitUntil(lambda: view.attempts.rowCount() == 1)
    qtbot.waitUntil(lambda: "upstream down" in view.detail.toPlainText())
    qtmodeltester.check(view.history)
    qtmodeltester.check(view.attempts)
    screenshot(view, "window-delivery-history")


def test_delivery_history_model_cells(
    qtbot: QtBot,
    bridge: EngineBridge,
    run: Callable[..., Any],
    receiver: Receiver,
    qtmodeltester: Any,
) -> None:
    """Status, HTTP code, response time, time and attempts read as words."""
    from PySide6.QtCore import Qt

    hook = _webhook(run, receiver.url)
    delivery = _send_test(qtbot, bridge, run, hook)
    model = DeliveryHistory()

    model.set_rows([delivery])

    cells = [model.data(model.index(0, col)) for col in range(model.columnCount())]
    assert cells[0] == "✔ Succeeded" and cells[1] == "Test Event (Manual Testing)"
    assert cells[2] == "200" and cells[3].endswith(" ms") and cells[5] == "1"
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Response time"
    qtmodeltester.check(model)


def test_clicking_a_card_opens_its_history(
    qtbot: QtBot, window: Any, run: Callable[..., Any], receiver: Receiver
) -> None:
    """A click on an outgoing card's body opens that webhook's history window."""
    from PySide6.QtCore import Qt

    from tests.ui.conftest import visible_window

    _webhook(run, receiver.url)
    window.webhooks.refresh_outgoing()
    cards = window.webhooks_view.outgoing
    qtbot.waitUntil(lambda: len(cards.cards()) == 1)

    qtbot.mouseClick(cards.cards()[0], Qt.MouseButton.LeftButton)

    view = visible_window(qtbot, DeliveryHistoryView)
    assert view.windowTitle() == "Delivery history — Local receiver"


LONG_URL = "http://127.0.0.1:9/" + "very-long-path/" * 133 + "end"


def test_history_window_with_a_2000_character_url_keeps_its_width(
    qtbot: QtBot,
    window: Any,
    run: Callable[..., Any],
    screenshot: Callable[..., Any],
) -> None:
    """The header elides the URL (whole in its tooltip); the window stays its
    size, can shrink, and Refresh stays in sight."""
    spec = OutgoingWebhookSpec(name="Pager", url=LONG_URL, events=(EventKind.TEST,))
    hook = run(lambda engine: engine.create_outgoing(spec))

    view = window.webhooks_view.show_history(hook)

    qtbot.waitUntil(lambda: "recent deliveries" in view.summary.text())
    assert view.minimumSizeHint().width() < 800
    assert view.width() < 1400
    qtbot.waitUntil(lambda: view.endpoint.is_elided())
    button = view.refresh_button
    assert button.mapTo(view, button.rect().topRight()).x() < view.width()
    assert view.endpoint.text() == f"→ {LONG_URL}"
    screenshot(view, "window-delivery-history-long-url")


def test_rows_that_arrive_live_are_sized_to_their_text(
    qtbot: QtBot,
    window: Any,
    bridge: EngineBridge,
    run: Callable[..., Any],
    receiver: Receiver,
) -> None:
    """A delivery that finishes while the window is open gets columns as
    wide as its cells, not squeezed to the column titles."""
    hook = _webhook(run, receiver.url)
    view = window.webhooks_view.show_history(hook)
    qtbot.waitUntil(lambda: "0 recent deliveries" in view.summary.text())

    _send_test(qtbot, bridge, run, hook)

    qtbot.waitUntil(lambda: view.history.rowCount() == 1)
    table = view.deliveries_table
    for column in range(view.history.columnCount() - 1):
        assert table.columnWidth(column) >= table.sizeHintForColumn(column)


def test_a_delivery_waiting_to_retry_reads_as_trouble(
    qtbot: QtBot,
    window: Any,
    bridge: EngineBridge,
    run: Callable[..., Any],
    screenshot: Callable[..., Any],
) -> None:
    """A failed attempt that will be retried shows as Retrying, counts in the
    summary, and its wait is rounded to whole units."""
    busy = Reply(503, headers={"Retry-After": "170"}, body="busy")
    with Receiver([busy]) as server:
        spec = OutgoingWebhookSpec(
            name="Busy", url=server.url, events=(EventKind.TEST,), max_retries=2
        )
        hook = run(lambda engine: engine.create_outgoing(spec))
        view = window.webhooks_view.show_history(hook)
        qtbot.waitUntil(lambda: "0 recent deliveries" in view.summary.text())
        with qtbot.waitSignal(bridge.delivery_finished, timeout=20_000):
            run(lambda engine: engine.send_test(hook.id))

    qtbot.waitUntil(lambda: view.history.rowCount() == 1)
    status = view.history.index(0, 0).data()
    assert status == "⟳ Retrying (attempt 1 failed)"
    assert "0 failed, 1 retrying after a failed attempt" in view.summary.text()
    view.deliveries_table.selectRow(0)
    qtbot.waitUntil(lambda: "Next retry" in view.detail.toPlainText())
    assert "Next retry in 3 min" in view.detail.toPlainText()
    assert view.attempts.index(0, 5).data() == "in 3 min"
    view.deliveries_table.clearSelection()  # to show the row's own colour
    screenshot(view, "window-delivery-history-retrying")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.687102, "in 1 s"),
        (0.2, "in 1 s"),
        (12.4, "in 12 s"),
        (170, "in 3 min"),
        (7200, "in 2 h"),
    ],
)
def test_waits_are_rounded_to_whole_units(seconds: float, text: str) -> None:
    """A retry delay reads as whole seconds, minutes or hours."""
    from dfire_desktop.ui.delivery_history import wait_text

    assert wait_text(seconds) == text
