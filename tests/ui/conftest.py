"""UI test fixtures: a real engine on a temporary data dir, on its own thread."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from dfire_desktop.config import AppConfig
from dfire_desktop.ui import theme
from dfire_desktop.ui.bridge import EngineAction, EngineBridge

# Before pytest-qt makes the QApplication: the tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The offscreen platform plugin says these when a main window is shown or a
# popup raises itself and grabs the keyboard; they are about the headless
# plugin, never about our widgets.
OFFSCREEN_NOISE = (
    r"This plugin does not support "
    r"(propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)"
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ENGINE_TIMEOUT_MS = 20_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture
def bridge(
    qtbot: QtBot, qapp: QApplication, app_config: AppConfig, vault_key: str
) -> Iterator[EngineBridge]:
    """A started engine (tests/conftest.py's data dir and key) behind a bridge."""
    theme.apply(qapp)
    bridge = EngineBridge(app_config)
    failures: list[str] = []
    bridge.engine_failed.connect(failures.append)

    with qtbot.waitSignal(bridge.engine_started, timeout=ENGINE_TIMEOUT_MS):
        bridge.start()

    assert not failures
    yield bridge
    bridge.stop()


@pytest.fixture
def run(qtbot: QtBot, bridge: EngineBridge) -> Callable[[EngineAction[Any]], Any]:
    """Run an engine action through the bridge and wait for its outcome."""

    def _run(action: EngineAction[Any]) -> Any:
        outcome: dict[str, Any] = {}
        call = bridge.submit(action)
        call.succeeded.connect(lambda result: outcome.setdefault("result", result))
        call.failed.connect(lambda error: outcome.setdefault("error", error))
        qtbot.waitUntil(lambda: bool(outcome), timeout=ENGINE_TIMEOUT_MS)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    return _run


@pytest.fixture
def screenshot(qtbot: QtBot) -> Callable[..., Path]:
    """Save `widget` as a PNG under test-artifacts/screenshots/; a `popup`
    window (a prompt it opened) is drawn centred over it, as a user sees it."""

    def _save(widget: QWidget, name: str, popup: QWidget | None = None) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        qtbot.waitExposed(widget)
        image = widget.grab()
        if popup is not None:
            qtbot.waitExposed(popup)
            _draw_centred(image, popup.grab())
        assert image.save(str(path)), f"could not save {path}"
        return path

    return _save


def _draw_centred(image: QPixmap, top: QPixmap) -> None:
    painter = QPainter(image)
    corner = image.rect().center() - top.rect().center()
    painter.drawPixmap(corner, top)
    painter.setPen(QColor("#555555"))
    painter.drawRect(top.rect().translated(corner).adjusted(0, 0, -1, -1))
    painter.end()


def visible_window(qtbot: QtBot, kind: type[QWidget]) -> Any:
    """Wait for a shown top-level window of `kind` and return it."""
    found: list[QWidget] = []

    def _shown() -> bool:
        found[:] = [
            widget
            for widget in QApplication.topLevelWidgets()
            if isinstance(widget, kind) and widget.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(_shown, timeout=ENGINE_TIMEOUT_MS)
    return found[-1]


def all_widget_text() -> str:
    """Every text any live widget holds or shows, items of item views included."""
    from PySide6.QtWidgets import QAbstractItemView

    parts: list[str] = []
    for widget in QApplication.allWidgets():
        parts.append(widget.windowTitle())
        parts.append(widget.toolTip())
        for getter in ("text", "toPlainText", "placeholderText", "currentText"):
            method = getattr(widget, getter, None)
            if callable(method):
                try:
                    value = method()
                except TypeError:
                    continue
                if isinstance(value, str):
                    parts.append(value)
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            parts.extend(_model_text(widget.model()))
    return "\n".join(parts)


def _model_text(model: Any) -> list[str]:
    from PySide6.QtCore import Qt

    texts = []
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                value = model.data(index, role)
                if value is not None:
                    texts.append(str(value))
    return texts


@pytest.fixture
def window(qtbot: QtBot, bridge: EngineBridge) -> Any:
    """The main window over a started engine, with its first lists loaded."""
    from dfire_desktop.ui.main_window import MainWindow

    main = MainWindow(bridge)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.webhooks.loaded, timeout=ENGINE_TIMEOUT_MS)
    return main


def click_button(container: QWidget, text: str) -> None:
    """Click the one push button labelled `text` inside `container`."""
    from PySide6.QtWidgets import QAbstractButton

    buttons = [
        button
        for button in container.findChildren(QAbstractButton)
        if button.text() == text
    ]
    assert len(buttons) == 1, f"{len(buttons)} buttons labelled {text!r}"
    buttons[0].click()
