"""The Secrets tab: secrets are added through the dialog, values never shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from dfire_desktop.ui.secret_dialog import SecretDialog
from dfire_desktop.ui.secret_table import SecretTable
from tests.ui.conftest import all_widget_text, click_button, visible_window

VALUE = "pushover-Very-Secret-0451"


def _add_secret(qtbot: QtBot, window: Any, screenshot: Callable[..., Any]) -> None:
    window.tabs.setCurrentWidget(window.secrets_view)
    qtbot.mouseClick(window.secrets_view.add_button, Qt.MouseButton.LeftButton)
    dialog = visible_window(qtbot, SecretDialog)
    qtbot.keyClicks(dialog.name, "pushover_api_token")
    qtbot.keyClicks(dialog.description, "Pushover application token")
    qtbot.keyClicks(dialog.value, VALUE)
    screenshot(dialog, "dialog-secret")

    with qtbot.waitSignal(dialog.secret_saved, timeout=20_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def test_add_secret_appears_in_table_and_engine(
    qtbot: QtBot,
    window: Any,
    run: Callable[..., Any],
    screenshot: Callable[..., Any],
) -> None:
    """A secret saved through the dialog is listed by name, in the UI and engine."""
    _add_secret(qtbot, window, screenshot)

    secrets = window.secrets_view.secrets
    qtbot.waitUntil(lambda: secrets.rowCount() == 1)
    assert secrets.record(0).name == "pushover_api_token"
    [stored] = run(lambda engine: engine.list_secrets())
    assert stored.description == "Pushover application token"
    screenshot(window, "main-secrets")


def test_secret_value_never_appears_after_saving(
    qtbot: QtBot, window: Any, screenshot: Callable[..., Any]
) -> None:
    """Once saved, the value is in no widget, field, tooltip or table cell."""
    _add_secret(qtbot, window, screenshot)
    qtbot.waitUntil(lambda: window.secrets_view.secrets.rowCount() == 1)

    window.secrets_view.table.selectRow(0)
    replace = window.secrets_view.open_dialog(window.secrets_view.selected_secret())

    assert VALUE not in all_widget_text()
    assert replace.value.text() == "" and replace.name.isReadOnly()


def test_delete_secret_after_confirmation(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """Delete asks, then removes the secret from the engine and the table."""
    from PySide6.QtWidgets import QMessageBox

    run(lambda engine: engine.set_secret("old_key", "v", "retired"))
    view = window.secrets_view
    view.refresh()
    qtbot.waitUntil(lambda: view.secrets.rowCount() == 1)
    view.table.selectRow(0)

    view.delete_button.click()
    prompt = visible_window(qtbot, QMessageBox)
    assert "No outgoing webhook uses it" in prompt.text()
    click_button(prompt, "Delete secret")

    qtbot.waitUntil(lambda: view.secrets.rowCount() == 0)
    assert run(lambda engine: engine.list_secrets()) == []
    assert not view.empty.isHidden()


def test_secret_table_is_a_sound_model(
    qtmodeltester: Any, run: Callable[..., Any]
) -> None:
    """The SecretTable model passes Qt's model tester with rows in it."""
    run(lambda engine: engine.set_secret("a", "1", "first"))
    run(lambda engine: engine.set_secret("b", "2", ""))
    model = SecretTable()

    model.set_rows(run(lambda engine: engine.list_secrets()))

    qtmodeltester.check(model)


def _stored(run: Callable[..., Any], name: str) -> Any:
    return next(s for s in run(lambda engine: engine.list_secrets()) if s.name == name)


def _shown_errors(dialog: SecretDialog) -> str:
    from PySide6.QtWidgets import QLabel

    labels = dialog.findChildren(QLabel)
    shown = [lbl for lbl in labels if lbl.objectName() == "fieldError"]
    return "\n".join(label.text() for label in shown if not label.isHidden())


def test_adding_a_name_in_use_is_refused_and_offers_replacing(
    qtbot: QtBot,
    window: Any,
    run: Callable[..., Any],
    screenshot: Callable[..., Any],
) -> None:
    """Add Secret with an existing name overwrites nothing: it says the name
    is taken and offers Replace value, which then keeps the description."""
    run(lambda engine: engine.set_secret("pushover_api_token", "old", "Pushover app"))
    before = _stored(run, "pushover_api_token")
    dialog = window.secrets_view.open_dialog(None)
    qtbot.keyClicks(dialog.name, "pushover_api_token")
    qtbot.keyClicks(dialog.value, "new-value")

    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.replace_offer.isVisible(), timeout=20_000)

    assert "already exists" in _shown_errors(dialog)
    assert _stored(run, "pushover_api_token") == before
    assert "Replace the value" in dialog.replace_offer.text()
    screenshot(dialog, "dialog-secret-name-taken")

    dialog.replace_offer.click()
    assert dialog.name.isReadOnly() and dialog.value.text() == "new-value"
    assert dialog.description.text() == "Pushover app"
    with qtbot.waitSignal(dialog.secret_saved, timeout=20_000):
        dialog.save_button.click()
    after = _stored(run, "pushover_api_token")
    assert after.description == "Pushover app" and after.updated_at > before.updated_at


def test_replacing_a_value_leaves_the_description_unless_edited(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """Replace value writes the description only when the user changed it,
    so a copy read earlier never overwrites a newer one."""
    run(lambda engine: engine.set_secret("siem_key", "v1", "SIEM ingest key"))
    dialog = window.secrets_view.open_dialog(_stored(run, "siem_key"))
    run(lambda engine: engine.set_secret("siem_key", "v2", "rotated by the CLI"))
    qtbot.keyClicks(dialog.value, "v3")

    with qtbot.waitSignal(dialog.secret_saved, timeout=20_000):
        dialog.save_button.click()

    assert _stored(run, "siem_key").description == "rotated by the CLI"
    edit = window.secrets_view.open_dialog(_stored(run, "siem_key"))
    edit.description.setText("Splunk HEC token")
    qtbot.keyClicks(edit.value, "v4")
    with qtbot.waitSignal(edit.secret_saved, timeout=20_000):
        edit.save_button.click()
    assert _stored(run, "siem_key").description == "Splunk HEC token"


def test_delete_names_the_webhooks_that_would_break(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """The delete question names each webhook whose template uses the secret."""
    from PySide6.QtWidgets import QMessageBox

    from dfire_desktop.engine.api import OutgoingWebhookSpec
    from dfire_desktop.engine.events import EventKind

    run(lambda engine: engine.set_secret("pager_key", "v"))
    spec = OutgoingWebhookSpec(
        name="Night pager",
        url="http://127.0.0.1:9/in",
        events=(EventKind.CASE_CLOSED,),
        payload_template='{"k": "{{secret.pager_key}}"}',
    )
    run(lambda engine: engine.create_outgoing(spec))
    view = window.secrets_view
    view.refresh()
    qtbot.waitUntil(lambda: view.secrets.rowCount() == 1)
    view.table.selectRow(0)

    view.delete_button.click()
    prompt = visible_window(qtbot, QMessageBox)

    assert "Night pager" in prompt.text().replace("\u200b", "")
    prompt.reject()


def test_name_hint_shows_a_reference_only_for_a_usable_name(
    qtbot: QtBot, bridge: Any
) -> None:
    """The hint under the name shows {{secret.x}} for a usable name, and the
    naming rule instead of a reference that could never work."""
    from dfire_desktop.ui.secret_dialog import SecretDialog

    dialog = SecretDialog(bridge)
    qtbot.addWidget(dialog)

    dialog.name.setText("api_token")
    assert dialog.reference.text() == "Use it in templates as {{secret.api_token}}"
    dialog.name.setText("has space")
    assert "no spaces" in dialog.reference.text()
