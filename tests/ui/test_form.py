"""Keys every dialog shares: Enter only ever clicks the primary button, Tab in
a short multi-line field moves on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from dfire_desktop.engine.api import (
    AuthSpec,
    AuthType,
    IncomingWebhookSpec,
    OutgoingWebhookSpec,
)
from dfire_desktop.engine.events import EventKind
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.case_dialogs import NewCaseDialog, TimelineEventDialog
from dfire_desktop.ui.incoming_dialog import IncomingWebhookDialog
from dfire_desktop.ui.outgoing_dialog import OutgoingWebhookDialog
from dfire_desktop.ui.secret_dialog import SecretDialog
from dfire_desktop.ui.template_editor import TemplateEditorDialog
from dfire_desktop.ui.token_reveal import TokenRevealDialog

Run = Callable[..., Any]
# Each builds one dialog over the engine and names its primary button, the
# one Enter may click (None: Enter clicks nothing).
Factory = Callable[[EngineBridge, Run], tuple[QDialog, QPushButton | None]]


def _outgoing_edit(bridge: EngineBridge, run: Run) -> tuple[QDialog, QPushButton]:
    spec = OutgoingWebhookSpec(
        name="Jira",
        url="http://127.0.0.1:9/hook",
        events=(EventKind.CASE_CLOSED,),
        auth=AuthSpec(AuthType.HEADERS, headers={"X-API-Key": "k"}),
    )
    dialog = OutgoingWebhookDialog(bridge, run(lambda e: e.create_outgoing(spec)))
    return dialog, dialog.save_button


def _outgoing_add(bridge: EngineBridge, _: Run) -> tuple[QDialog, QPushButton]:
    dialog = OutgoingWebhookDialog(bridge)
    return dialog, dialog.save_button


def _incoming(bridge: EngineBridge, _: Run) -> tuple[QDialog, QPushButton]:
    dialog = IncomingWebhookDialog(bridge)
    return dialog, dialog.save_button


def _secret(bridge: EngineBridge, _: Run) -> tuple[QDialog, QPushButton]:
    dialog = SecretDialog(bridge)
    return dialog, dialog.save_button


def _new_case(bridge: EngineBridge, _: Run) -> tuple[QDialog, QPushButton]:
    dialog = NewCaseDialog(bridge)
    return dialog, dialog.save_button


def _timeline_event(bridge: EngineBridge, run: Run) -> tuple[QDialog, QPushButton]:
    case = run(lambda e: e.create_case("Ransomware", "", "high", "incident"))
    dialog = TimelineEventDialog(bridge, case)
    return dialog, dialog.save_button


def _token(bridge: EngineBridge, run: Run) -> tuple[QDialog, None]:
    issued = run(lambda e: e.create_incoming(IncomingWebhookSpec(name="SIEM")))
    return TokenRevealDialog(issued), None


def _template_editor(bridge: EngineBridge, _: Run) -> tuple[QDialog, None]:
    return TemplateEditorDialog(bridge, "", "", (EventKind.TEST,)), None


DIALOGS: dict[str, Factory] = {
    "outgoing-add": _outgoing_add,
    "outgoing-edit-headers": _outgoing_edit,
    "incoming": _incoming,
    "secret": _secret,
    "new-case": _new_case,
    "timeline-event": _timeline_event,
    "token-reveal": _token,
    "template-editor": _template_editor,
}


@pytest.mark.parametrize("make", DIALOGS.values(), ids=DIALOGS.keys())
def test_only_the_primary_button_is_ever_the_default(
    qtbot: QtBot, bridge: EngineBridge, run: Run, make: Factory
) -> None:
    """Shown, every dialog has its primary button (or none) as default, and
    no other button can become the default by taking focus."""
    dialog, primary = make(bridge, run)
    qtbot.addWidget(dialog)

    dialog.show()
    qtbot.waitExposed(dialog)

    buttons = dialog.findChildren(QPushButton)
    defaults = [b.text() for b in buttons if b.isDefault()]
    assert defaults == ([primary.text()] if primary else [])
    auto = [b.text() for b in buttons if b.autoDefault()]
    assert auto == [], f"these buttons would take Enter when focused: {auto}"


def test_enter_in_a_field_never_clicks_a_secondary_button(
    qtbot: QtBot, bridge: EngineBridge
) -> None:
    """Enter in the incoming dialog's lead field saves; it clicks no other
    button (the Cancel next to Save included)."""
    dialog = IncomingWebhookDialog(bridge)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "SIEM")
    qtbot.keyClicks(dialog.lead, "alice")

    with qtbot.waitSignal(dialog.token_issued, timeout=20_000):
        qtbot.keyClick(dialog.lead, Qt.Key.Key_Return)

    assert dialog.result() == QDialog.DialogCode.Accepted


def _tab_away(qtbot: QtBot, dialog: QDialog, editor: QPlainTextEdit) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    editor.setFocus()
    qtbot.keyClicks(editor, "first line")

    qtbot.keyClick(editor, Qt.Key.Key_Tab)

    assert "\t" not in editor.toPlainText()
    assert dialog.focusWidget() is not editor


def test_tab_leaves_the_incoming_description(
    qtbot: QtBot, bridge: EngineBridge
) -> None:
    """Tab in the incoming dialog's Description moves on and types no tab."""
    dialog = IncomingWebhookDialog(bridge)
    _tab_away(qtbot, dialog, dialog.description)
    assert dialog.focusWidget() is dialog.case_type


def test_tab_leaves_the_case_description(qtbot: QtBot, bridge: EngineBridge) -> None:
    """Tab in the new case Description moves on and types no tab."""
    dialog = NewCaseDialog(bridge)
    _tab_away(qtbot, dialog, dialog.description)
