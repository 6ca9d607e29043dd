"""Incoming webhooks: the dialog, the expected attributes and the token, once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from dfire_desktop.ui.incoming_dialog import IncomingWebhookDialog
from dfire_desktop.ui.token_reveal import TokenRevealDialog
from tests.ui.conftest import all_widget_text, click_button, visible_window

CASE_TYPES = {
    "case_types": [
        {
            "name": "Security Incident",
            "fields": [
                {"label": "Source IP", "type": "text"},
                {"label": "HR REF #", "type": "text"},
            ],
        }
    ]
}


def test_create_shows_the_token_once(
    qtbot: QtBot,
    window: Any,
    run: Callable[..., Any],
    screenshot: Callable[..., Any],
) -> None:
    """Creating shows URL and token with a warning; closing forgets the token."""
    run(lambda engine: engine.import_config(CASE_TYPES))
    qtbot.mouseClick(
        window.webhooks_view.incoming.add_button, Qt.MouseButton.LeftButton
    )
    dialog = visible_window(qtbot, IncomingWebhookDialog)
    qtbot.waitUntil(lambda: dialog.case_type.count() == 2)
    qtbot.keyClicks(dialog.name, "SIEM Integration")
    qtbot.keyClicks(dialog.description, "Alerts from the SIEM")
    dialog.case_type.setCurrentIndex(1)
    dialog.case_type.activated.emit(1)
    dialog.severity.setCurrentIndex(dialog.severity.findData("high"))
    qtbot.keyClicks(dialog.lead, "alice")
    assert "source_ip" in dialog.attributes.text()
    assert "hr_ref" in dialog.attributes.text()
    screenshot(dialog, "dialog-incoming")

    with qtbot.waitSignal(dialog.token_issued, timeout=20_000) as issued:
        click_button(dialog, "Create Webhook")

    token = issued.args[0].token
    reveal = visible_window(qtbot, TokenRevealDialog)
    assert reveal.token.text() == token
    assert "shown only once" in all_widget_text()
    screenshot(reveal, "dialog-token-reveal")
    [hook] = run(lambda engine: engine.list_incoming())
    assert (hook.case_type, hook.default_severity) == ("Security Incident", "high")
    assert hook.default_lead_investigator == "alice"

    reveal.accept()

    assert token not in all_widget_text()


def test_regenerate_asks_then_reveals_a_new_token(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """Regenerate token confirms first, then shows the new token once."""
    from PySide6.QtWidgets import QMessageBox

    from dfire_desktop.engine.api import IncomingWebhookSpec

    first = run(lambda engine: engine.create_incoming(IncomingWebhookSpec(name="S")))
    window.webhooks.refresh_incoming()
    view = window.webhooks_view
    qtbot.waitUntil(lambda: len(view.incoming.cards()) == 1)

    click_button(view.incoming.cards()[0], "⟳ Regenerate token")
    click_button(visible_window(qtbot, QMessageBox), "Regenerate token")

    reveal = visible_window(qtbot, TokenRevealDialog)
    assert reveal.token.text() not in ("", first.token)
