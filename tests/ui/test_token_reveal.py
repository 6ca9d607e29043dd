"""The one-time token dialog: nothing closes it by accident."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from dfire_desktop.engine.api import IncomingWebhookSpec
from dfire_desktop.ui.prompts import open_window
from dfire_desktop.ui.token_reveal import TokenRevealDialog
from tests.ui.conftest import click_button, visible_window


def _reveal(qtbot: QtBot, run: Callable[..., Any], window: Any) -> TokenRevealDialog:
    spec = IncomingWebhookSpec(name="SIEM Integration")
    issued = run(lambda engine: engine.create_incoming(spec))
    dialog = open_window(TokenRevealDialog(issued, window))
    qtbot.waitExposed(dialog)
    return dialog


def test_enter_does_not_close_the_token_dialog(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """Enter, in the token field or on the dialog, leaves the token shown."""
    dialog = _reveal(qtbot, run, window)
    token = dialog.token.text()

    qtbot.keyClick(dialog.token, Qt.Key.Key_Return)
    qtbot.keyClick(dialog, Qt.Key.Key_Enter)

    assert dialog.isVisible() and dialog.token.text() == token


def test_escape_asks_before_losing_the_token(
    qtbot: QtBot, window: Any, run: Callable[..., Any], screenshot: Callable[..., Any]
) -> None:
    """Escape before copying asks; answering Cancel keeps the token shown."""
    dialog = _reveal(qtbot, run, window)
    token = dialog.token.text()

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    box = visible_window(qtbot, QMessageBox)
    assert "will not be shown again" in box.text()
    screenshot(dialog, "dialog-token-close-prompt", popup=box)
    click_button(box, "Cancel")
    assert dialog.isVisible() and dialog.token.text() == token


def test_the_close_box_asks_and_close_anyway_forgets_the_token(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """Closing the window asks too; Close anyway closes and clears the token."""
    dialog = _reveal(qtbot, run, window)
    token_field = dialog.token

    dialog.close()

    box = visible_window(qtbot, QMessageBox)
    assert dialog.isVisible() and token_field.text() != ""
    with qtbot.waitSignal(dialog.finished):
        click_button(box, "Close anyway")
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert token_field.text() == ""


def test_escape_after_copying_the_token_closes_at_once(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """Once Copy token was clicked, Escape closes without a question."""
    dialog = _reveal(qtbot, run, window)
    dialog.copy_token.click()

    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    assert not any(box.isVisible() for box in window.findChildren(QMessageBox))
