"""The bridge runs the engine on its own thread and answers on the UI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from dfire_desktop.config import AppConfig
from dfire_desktop.engine.errors import NotFoundError
from dfire_desktop.ui.bridge import EngineBridge


def test_engine_runs_on_a_thread_of_its_own(
    bridge: EngineBridge, run: Callable[..., Any]
) -> None:
    """Engine work happens off the UI thread, and the listener URL is known."""

    async def where(_: object) -> str:
        return threading.current_thread().name

    assert run(where) == "dfire-engine"
    assert bridge.listener_url.startswith("http://127.0.0.1:")


def test_results_arrive_on_the_ui_thread(qtbot: QtBot, bridge: EngineBridge) -> None:
    """A call's succeeded signal fires on the thread that owns the widgets."""
    seen: list[str] = []
    call = bridge.submit(lambda engine: engine.list_outgoing())
    call.succeeded.connect(lambda _: seen.append(threading.current_thread().name))

    with qtbot.waitSignal(call.succeeded):
        pass

    assert seen == [threading.main_thread().name]


def test_engine_errors_arrive_as_failed(run: Callable[..., Any]) -> None:
    """An engine refusal is handed back as the engine's own error."""
    with pytest.raises(NotFoundError):
        run(lambda engine: engine.delete_secret("never_saved"))


def test_second_engine_on_the_same_data_dir_reports_failure(
    qtbot: QtBot, bridge: EngineBridge, app_config: AppConfig
) -> None:
    """A refused start arrives as engine_failed, and the window says why."""
    from dfire_desktop.ui.main_window import MainWindow

    second = EngineBridge(app_config)
    window = MainWindow(second)
    qtbot.addWidget(window)

    with qtbot.waitSignal(second.engine_failed, timeout=20_000) as failed:
        second.start()
    second.stop()

    assert "data" in failed.args[0].lower()
    assert "could not start" in window.problem.text()
    assert bridge.running
