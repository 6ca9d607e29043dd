"""The outgoing webhook dialog: every spec field, saved through the engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from dfire_desktop.engine.api import AuthSpec, AuthType, OutgoingWebhookSpec
from dfire_desktop.engine.events import EventKind
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.outgoing_dialog import OutgoingWebhookDialog
from tests.ui.conftest import all_widget_text, visible_window

TEMPLATE = '{"title": "{{case.title}}", "priority": {{case.severity|mapped}}}'
MAPPINGS = '{"severity": {"critical": 2, "medium": 0}}'


def _open_add_dialog(qtbot: QtBot, window: Any) -> OutgoingWebhookDialog:
    qtbot.mouseClick(
        window.webhooks_view.outgoing.add_button, Qt.MouseButton.LeftButton
    )
    dialog = visible_window(qtbot, OutgoingWebhookDialog)
    assert isinstance(dialog, OutgoingWebhookDialog)
    return dialog


def _fill(qtbot: QtBot, dialog: OutgoingWebhookDialog) -> None:
    qtbot.keyClicks(dialog.name, "Pushover on @page")
    qtbot.keyClicks(dialog.url, "https://api.pushover.example/1/messages.json")
    qtbot.keyClicks(dialog.description, "Pages the on-call analyst")
    dialog.events.box(EventKind.TIMELINE_EVENT_CREATED).setChecked(True)
    dialog.events.box(EventKind.INCIDENT_CREATED).setChecked(True)
    qtbot.keyClicks(dialog.content_filter, "@page")
    dialog.auth.method.setCurrentIndex(dialog.auth.method.findData(AuthType.BEARER))
    qtbot.keyClicks(dialog.auth.token, "bearer-s3cr3t")
    dialog.template.setPlainText(TEMPLATE)
    dialog.mappings.setPlainText(MAPPINGS)
    dialog.max_retries.setValue(5)
    dialog.timeout.setValue(12)
    qtbot.keyClicks(dialog.signing_secret, "hm4c-secret")


def test_add_webhook_saves_every_field(
    qtbot: QtBot,
    window: Any,
    run: Callable[..., Any],
    screenshot: Callable[..., Any],
) -> None:
    """Filling the dialog and clicking Save creates the webhook as entered."""
    dialog = _open_add_dialog(qtbot, window)
    _fill(qtbot, dialog)
    screenshot(dialog, "dialog-outgoing")

    with qtbot.waitSignal(dialog.webhook_saved, timeout=20_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    [hook] = run(lambda engine: engine.list_outgoing())
    assert hook.name == "Pushover on @page"
    assert hook.events == (EventKind.INCIDENT_CREATED, EventKind.TIMELINE_EVENT_CREATED)
    assert (hook.content_filter, hook.auth_type) == ("@page", AuthType.BEARER)
    assert hook.has_auth_secret and hook.has_signing_secret
    assert hook.value_mappings == {"severity": {"critical": 2, "medium": 0}}
    assert (hook.max_retries, hook.timeout_seconds) == (5, 12.0)
    view = window.webhooks_view
    qtbot.waitUntil(lambda: len(view.outgoing.cards()) == 1)
    assert view.outgoing.cards()[0].title.text() == "Pushover on @page"


def test_credentials_are_not_shown_after_saving(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """After saving, no widget holds the token or signing secret; edit says 'set'."""
    dialog = _open_add_dialog(qtbot, window)
    _fill(qtbot, dialog)
    with qtbot.waitSignal(dialog.webhook_saved, timeout=20_000):
        dialog.save_button.click()
    view = window.webhooks_view
    qtbot.waitUntil(lambda: len(view.outgoing.cards()) == 1)

    edit = view.edit_outgoing(view.outgoing.cards()[0].webhook)

    text = all_widget_text()
    assert "bearer-s3cr3t" not in text and "hm4c-secret" not in text
    assert edit.auth.token.text() == "" and edit.signing_secret.text() == ""
    assert "leave blank to keep" in edit.auth.token.placeholderText()
    assert "leave blank to keep" in edit.signing_secret.placeholderText()


def test_engine_refusal_shows_next_to_the_field_and_keeps_input(
    qtbot: QtBot, bridge: EngineBridge, screenshot: Callable[..., Any]
) -> None:
    """A bad URL is explained under the URL field and nothing typed is lost."""
    dialog = OutgoingWebhookDialog(bridge)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Broken")
    qtbot.keyClicks(dialog.url, "not a url")
    dialog.events.box(EventKind.TEST).setChecked(True)

    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())

    assert dialog.isVisible()
    assert dialog.name.text() == "Broken" and dialog.url.text() == "not a url"
    assert "http" in _shown_errors(dialog)
    screenshot(dialog, "dialog-outgoing-error")


def test_bad_mappings_are_explained_before_sending(
    qtbot: QtBot, bridge: EngineBridge
) -> None:
    """Invalid JSON in value mappings is reported with its line and column."""
    dialog = OutgoingWebhookDialog(bridge)
    qtbot.addWidget(dialog)
    dialog.mappings.setPlainText('{"severity": ')

    assert dialog.collect_spec() is None

    assert "line 1" in _shown_errors(dialog)


def test_cancel_with_changes_asks_before_discarding(
    qtbot: QtBot, bridge: EngineBridge
) -> None:
    """Closing a changed form asks; closing an unchanged one does not."""
    from PySide6.QtWidgets import QMessageBox

    dialog = OutgoingWebhookDialog(bridge)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Half typed")

    dialog.reject()

    box = visible_window(qtbot, QMessageBox)
    assert dialog.isVisible()
    box.reject()
    assert dialog.name.text() == "Half typed"


def _shown_errors(dialog: OutgoingWebhookDialog) -> str:
    from PySide6.QtWidgets import QLabel

    return "\n".join(
        label.text()
        for label in dialog.findChildren(QLabel)
        if label.objectName() == "fieldError" and not label.isHidden()
    )


@pytest.mark.parametrize(
    "auth",
    [
        AuthSpec(AuthType.HEADERS, headers={"X-API-Key": "k123"}),
        AuthSpec(AuthType.BEARER, token="t0k3n"),
        AuthSpec(AuthType.BASIC, username="svc", password="pw"),
    ],
    ids=["headers", "bearer", "basic"],
)
def test_editing_keeps_stored_credentials_left_blank(
    qtbot: QtBot, bridge: EngineBridge, run: Callable[..., Any], auth: AuthSpec
) -> None:
    """Saving an edit with blank credential fields keeps what is stored."""
    spec = OutgoingWebhookSpec(
        name="Jira",
        url="https://jira.example/hook",
        events=(EventKind.CASE_CLOSED,),
        auth=auth,
        signing_secret="hm4c",
    )
    made = run(lambda engine: engine.create_outgoing(spec))
    dialog = OutgoingWebhookDialog(bridge, made)
    qtbot.addWidget(dialog)
    dialog.name.setText("Jira (renamed)")

    with qtbot.waitSignal(dialog.webhook_saved, timeout=20_000):
        dialog.save_button.click()

    [hook] = run(lambda engine: engine.list_outgoing())
    assert hook.name == "Jira (renamed)" and hook.auth_type is auth.type
    assert hook.has_signing_secret
    assert hook.has_auth_secret or hook.auth_header_names == ("X-API-Key",)


def test_preview_payload_opens_the_editor_and_brings_edits_back(
    qtbot: QtBot, window: Any
) -> None:
    """Preview Payload opens the template editor on the dialog's texts, and
    what the author keeps there comes back into the webhook form."""
    from dfire_desktop.ui.template_editor import TemplateEditorDialog

    dialog = _open_add_dialog(qtbot, window)
    dialog.events.box(EventKind.INCIDENT_CREATED).setChecked(True)
    dialog.template.setPlainText(TEMPLATE)
    dialog.mappings.setPlainText(MAPPINGS)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    editor = visible_window(qtbot, TemplateEditorDialog)
    assert isinstance(editor, TemplateEditorDialog)
    assert editor.template.exact_text() == TEMPLATE

    edited = '{"title": "{{case.case_number}}\u00a0{{case.title}}"}'
    editor.template.setPlainText(edited)
    editor.ok_button.click()

    qtbot.waitUntil(lambda: dialog.collect_spec() is not None)
    spec = dialog.collect_spec()
    assert spec is not None and spec.payload_template == edited
    assert spec.value_mappings == {"severity": {"critical": 2, "medium": 0}}


def test_saving_changes_no_character_qt_would_rewrite(
    qtbot: QtBot, bridge: EngineBridge, run: Callable[..., Any]
) -> None:
    """Editing another field and saving keeps a template's CR LF and U+2029
    as stored, though the text editor shows them as line breaks."""
    template = '{"note": "a\u2029b",\r\n "t": "{{case.title}}"}'
    spec = OutgoingWebhookSpec(
        name="exact",
        url="http://127.0.0.1:9/in",
        events=(EventKind.CASE_CLOSED,),
        payload_template=template,
    )
    hook = run(lambda engine: engine.create_outgoing(spec))
    dialog = OutgoingWebhookDialog(bridge, hook)
    qtbot.addWidget(dialog)

    dialog.description.setPlainText("changed")
    with qtbot.waitSignal(dialog.webhook_saved, timeout=20_000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert saved.args[0].payload_template == template
    (stored,) = run(lambda engine: engine.list_outgoing())
    assert stored.payload_template == template


def test_enter_in_the_url_field_saves_and_ticks_no_event(
    qtbot: QtBot, bridge: EngineBridge, run: Callable[..., Any]
) -> None:
    """Enter in Endpoint URL saves the webhook as entered; it never clicks the
    events picker's Select all on the way."""
    dialog = OutgoingWebhookDialog(bridge)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Pager")
    qtbot.keyClicks(dialog.url, "http://127.0.0.1:9/hook")
    dialog.events.box(EventKind.TEST).setChecked(True)

    with qtbot.waitSignal(dialog.webhook_saved, timeout=20_000):
        qtbot.keyClick(dialog.url, Qt.Key.Key_Return)

    [hook] = run(lambda engine: engine.list_outgoing())
    assert hook.events == (EventKind.TEST,)


LONG_ERRORS = {
    "content-filter": {"content_filter": "(" * 300},
    "unknown-variable": {"template": '{"a": "{{case.' + "x" * 400 + '}}"}'},
}


@pytest.mark.parametrize("typed", LONG_ERRORS.values(), ids=LONG_ERRORS.keys())
def test_a_long_error_wraps_inside_the_dialog(
    qtbot: QtBot,
    bridge: EngineBridge,
    screenshot: Callable[..., Any],
    typed: dict[str, str],
) -> None:
    """An engine refusal quoting 300 "(" or a 400-letter name wraps under its
    field; the form never grows wider than its scroll area."""
    dialog = OutgoingWebhookDialog(bridge)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Long error")
    qtbot.keyClicks(dialog.url, "http://127.0.0.1:9/hook")
    dialog.events.box(EventKind.TIMELINE_EVENT_CREATED).setChecked(True)
    dialog.content_filter.setText(typed.get("content_filter", ""))
    dialog.template.setPlainText(typed.get("template", ""))

    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=20_000)

    body, viewport = dialog.body_scroll.widget(), dialog.body_scroll.viewport()
    assert body is not None
    assert len(_shown_errors(dialog)) > 300
    assert dialog.minimumSizeHint().width() <= 1180
    assert dialog.width() == 1180
    qtbot.waitUntil(lambda: body.width() <= viewport.width())
    if "content_filter" in typed:
        screenshot(dialog, "dialog-outgoing-long-error")


def test_opens_in_name_and_tab_moves_on_from_text_boxes(
    qtbot: QtBot, bridge: EngineBridge
) -> None:
    """The dialog opens in Name; Tab in Description, template or mappings
    moves to the next field and types no tab character."""
    dialog = OutgoingWebhookDialog(bridge)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.name

    for editor in (dialog.description, dialog.template, dialog.mappings):
        editor.setFocus()
        qtbot.keyClicks(editor, "text")
        qtbot.keyClick(editor, Qt.Key.Key_Tab)

        assert editor.toPlainText() == "text"
        assert dialog.focusWidget() is not editor
    dialog.description.setFocus()
    qtbot.keyClick(dialog.description, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.enabled


def test_editing_shows_the_start_of_long_values(
    qtbot: QtBot, bridge: EngineBridge, run: Callable[..., Any]
) -> None:
    """A long name, URL or filter opens scrolled to its first character."""
    spec = OutgoingWebhookSpec(
        name="N" * 200,
        url="http://127.0.0.1:9/" + "p" * 2000,
        events=(EventKind.TIMELINE_EVENT_CREATED,),
        content_filter="@page" + "|x" * 300,
    )
    hook = run(lambda engine: engine.create_outgoing(spec))

    dialog = OutgoingWebhookDialog(bridge, hook)
    qtbot.addWidget(dialog)

    for field in (dialog.name, dialog.url, dialog.content_filter):
        assert field.cursorPosition() == 0


def test_a_narrow_dialog_can_still_reach_every_field(
    qtbot: QtBot, bridge: EngineBridge
) -> None:
    """Made narrower than its form, the dialog scrolls sideways instead of
    cutting off the right column."""
    dialog = OutgoingWebhookDialog(bridge)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.resize(800, 700)
    qtbot.waitExposed(dialog)

    scroll = dialog.body_scroll
    bar = scroll.horizontalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.isVisible())
