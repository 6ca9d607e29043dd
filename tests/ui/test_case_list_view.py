"""The Cases tab: new cases and timeline events, the events webhooks send."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytestqt.qtbot import QtBot

from dfire_desktop.ui.case_dialogs import NewCaseDialog, TimelineEventDialog
from tests.ui.conftest import click_button, visible_window


def test_new_case_and_timeline_event(
    qtbot: QtBot,
    window: Any,
    run: Callable[..., Any],
    qtmodeltester: Any,
    screenshot: Callable[..., Any],
) -> None:
    """A case made in the dialog is listed; a timeline event lands on it."""
    view = window.cases_view
    window.tabs.setCurrentWidget(view)
    view.new_button.click()
    dialog = visible_window(qtbot, NewCaseDialog)
    qtbot.keyClicks(dialog.title, "Ransomware on FS01")
    dialog.mode.setCurrentIndex(dialog.mode.findData("incident"))
    with qtbot.waitSignal(dialog.saved, timeout=20_000):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: view.cases.rowCount() == 1)
    view.table.selectRow(0)

    view.event_button.click()
    event_dialog = visible_window(qtbot, TimelineEventDialog)
    qtbot.keyClicks(event_dialog.subject, "@page ransom note found")
    with qtbot.waitSignal(event_dialog.saved, timeout=20_000):
        event_dialog.save_button.click()

    qtbot.waitUntil(lambda: view.timeline.rowCount() >= 1)
    [case] = run(lambda engine: engine.list_cases())
    assert case.case_mode == "incident" and case.case_number.startswith("CASE-")
    subjects = [e.subject for e in run(lambda engine: engine.list_timeline(case.id))]
    assert "@page ransom note found" in subjects
    qtmodeltester.check(view.cases)
    qtmodeltester.check(view.timeline)
    screenshot(window, "main-cases-with-case")


def test_escape_on_a_typed_new_case_asks_before_discarding(
    qtbot: QtBot, window: Any
) -> None:
    """Escape with a title typed asks; Cancel there keeps the text."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    dialog = window.cases_view.open_new_case()
    qtbot.keyClicks(dialog.title, "Phishing wave")

    qtbot.keyClick(dialog.title, Qt.Key.Key_Escape)

    box = visible_window(qtbot, QMessageBox)
    assert dialog.isVisible()
    click_button(box, "Cancel")
    assert dialog.isVisible() and dialog.title.text() == "Phishing wave"


def test_cancel_on_a_typed_timeline_event_asks_first(
    qtbot: QtBot, window: Any, run: Callable[..., Any]
) -> None:
    """Cancel with details typed asks; Discard changes then closes."""
    from PySide6.QtWidgets import QMessageBox

    run(lambda engine: engine.create_case("Ransomware", "", "high", "incident"))
    view = window.cases_view
    view.refresh()
    qtbot.waitUntil(lambda: view.cases.rowCount() == 1)
    view.table.selectRow(0)
    dialog = view.open_timeline_event()
    qtbot.keyClicks(dialog.details, "Ransom note on FS01")

    click_button(dialog, "Cancel")

    box = visible_window(qtbot, QMessageBox)
    with qtbot.waitSignal(dialog.rejected):
        click_button(box, "Discard changes")


def test_escape_on_an_untouched_case_form_closes_at_once(
    qtbot: QtBot, window: Any
) -> None:
    """Nothing typed: Escape closes the form without a question."""
    from PySide6.QtCore import Qt

    dialog = window.cases_view.open_new_case()
    qtbot.waitExposed(dialog)

    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)


def test_selected_alert_case_shows_its_fields_and_attributes(
    qtbot: QtBot,
    window: Any,
    run: Callable[..., Any],
    screenshot: Callable[..., Any],
) -> None:
    """A case an alert opened shows its type, source, alert id and the
    attributes kept from the request, so the analyst sees what arrived."""
    import httpx

    from dfire_desktop.engine.api import IncomingWebhookSpec

    run(
        lambda engine: engine.import_config(
            {
                "case_types": [
                    {"name": "Security Incident", "fields": [{"label": "Source IP"}]}
                ]
            }
        )
    )
    issued = run(
        lambda engine: engine.create_incoming(
            IncomingWebhookSpec(name="SIEM", case_type="Security Incident")
        )
    )
    alert = {
        "title": "Suspicious login",
        "source": "SIEM",
        "external_id": "A-7",
        "severity": "high",
        "attributes": {"Source IP": "192.0.2.10"},
    }
    answer = httpx.post(
        issued.webhook.url,
        json=alert,
        timeout=10,
        headers={"Authorization": f"Bearer {issued.token}"},
    )
    assert answer.status_code == 201

    view = window.cases_view
    window.tabs.setCurrentWidget(view)
    view.refresh()
    qtbot.waitUntil(lambda: view.cases.rowCount() == 1)
    view.table.selectRow(0)

    shown = view.details.text().replace("\u200b", "")
    assert "type: Security Incident" in shown
    assert "From SIEM, alert A-7" in shown
    assert "source_ip: 192.0.2.10" in shown
    screenshot(window, "main-cases-alert-details")
