"""The Cases tab: new cases and timeline events, the events webhooks send."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytestqt.qtbot import QtBot

from dfire_desktop.ui.case_dialogs import NewCaseDialog, TimelineEventDialog
from tests.ui.conftest import visible_window


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
