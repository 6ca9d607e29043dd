"""Without an encryption key the window says so, and saving a secret explains."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from dfire_desktop.config import AppConfig
from dfire_desktop.engine.vault import KEY_ENV
from dfire_desktop.ui import theme
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.main_window import MainWindow


@pytest.fixture
def locked_bridge(
    qtbot: QtBot,
    qapp: QApplication,
    app_config: AppConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[EngineBridge]:
    monkeypatch.delenv(KEY_ENV, raising=False)
    theme.apply(qapp)
    bridge = EngineBridge(app_config)
    with qtbot.waitSignal(bridge.engine_started, timeout=20_000):
        bridge.start()
    yield bridge
    bridge.stop()


def test_locked_vault_is_explained(
    qtbot: QtBot, locked_bridge: EngineBridge, screenshot: Callable[..., Any]
) -> None:
    """The banner says how to set the key; a secret save says the same, in words."""
    window = MainWindow(locked_bridge)
    qtbot.addWidget(window)
    window.show()
    assert window.vault_warning.isVisible()
    assert "CREDENTIAL_ENCRYPTION_KEY" in window.vault_warning.text()
    screenshot(window, "main-vault-locked")

    dialog = window.secrets_view.open_dialog(None)
    qtbot.keyClicks(dialog.name, "api_key")
    qtbot.keyClicks(dialog.value, "abc")
    dialog.save_button.click()

    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=20_000)
    assert dialog.isVisible() and dialog.value.text() == "abc"
    shown = "\n".join(label.text() for label in dialog.findChildren(QLabel))
    assert "CREDENTIAL_ENCRYPTION_KEY" in shown and "dfire-desktop key new" in shown
    screenshot(dialog, "dialog-secret-vault-locked")
