"""The template editor: a live preview of the exact body, marks for what is
wrong, completion, real cases as samples, and no edit lost on close."""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import json
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox, QToolTip
from pytestqt.qtbot import QtBot

from dfire_desktop.engine.api import AuthSpec, AuthType
from dfire_desktop.engine.events import EventKind
from dfire_desktop.engine.examples import PUSHOVER_TEMPLATE, pushover_mappings_text
from dfire_desktop.engine.service import Engine
from dfire_desktop.engine.signing import sign
from dfire_desktop.engine.templating import SECRET_MASK
from dfire_desktop.ui.bridge import EngineAction, EngineBridge, EngineCall
from dfire_desktop.ui.lint_list import LintList
from dfire_desktop.ui.sample_selector import REAL_CASE
from dfire_desktop.ui.template_editor import TemplateEditorDialog
from dfire_desktop.ui.template_highlighter import utf16_length
from dfire_desktop.ui.theme import ERROR_RED, WARNING_BORDER
from dfire_desktop.ui.variables_panel import VariableTable
from tests.ui.conftest import ENGINE_TIMEOUT_MS, all_widget_text

PUSHOVER = PUSHOVER_TEMPLATE
PUSHOVER_MAPPINGS = pushover_mappings_text()
SECRETS = {
    "pushover_api_token": "azGDORePK8gMaC0QOYAMyEEuzJnyUi",
    "pushover_api_user": "uQiRzpo4DXghDmr9QzzfQu27cmVRsG",
}
TIMELINE = (EventKind.TIMELINE_EVENT_CREATED,)
SAMPLE_TITLE = "Ransomware on finance file server"
Run = Callable[[EngineAction[Any]], Any]


def _open(
    qtbot: QtBot,
    bridge: EngineBridge,
    template: str = "",
    mappings: str = "",
    kinds: tuple[EventKind, ...] = TIMELINE,
    **options: Any,
) -> TemplateEditorDialog:
    """The editor, shown, once its first preview is on screen."""
    dialog = TemplateEditorDialog(
        bridge, template, mappings, kinds, webhook_name="Pager", **options
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(
        lambda: dialog.preview.preview is not None, timeout=ENGINE_TIMEOUT_MS
    )
    return dialog


def _store_secrets(run: Run) -> None:
    for name, value in SECRETS.items():
        run(functools.partial(_set_secret, name=name, value=value))


async def _set_secret(engine: Engine, name: str, value: str) -> None:
    await engine.set_secret(name, value)


def _has_text(expected: str) -> Callable[[Any], bool]:
    return lambda preview: preview.text is not None and expected in preview.text


def test_typing_updates_the_preview(qtbot: QtBot, bridge: EngineBridge) -> None:
    """A variable typed into the template shows up rendered in the body."""
    dialog = _open(qtbot, bridge, '{"title": ""}')
    dialog.template.move_to(1, 12)

    with qtbot.waitSignal(
        dialog.preview_updated,
        timeout=ENGINE_TIMEOUT_MS,
        check_params_cb=_has_text(SAMPLE_TITLE),
    ):
        qtbot.keyClicks(dialog.template, "Case: {{case.title}}")

    body = dialog.preview.body.toPlainText()
    assert json.loads(body) == {"title": f"Case: {SAMPLE_TITLE}"}
    size = len(body.encode("utf-8"))
    assert f"{size:,} bytes" in dialog.preview.body_size.text()


def test_a_burst_of_typing_sends_one_request(
    qtbot: QtBot, bridge: EngineBridge, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keystrokes within the debounce pause make one preview request, not one each."""
    dialog = _open(qtbot, bridge, '{"n": 1}')
    sent: list[EngineCall] = []
    real_submit = bridge.submit

    def counting(action: EngineAction[Any]) -> EngineCall:
        sent.append(real_submit(action))
        return sent[-1]

    monkeypatch.setattr(bridge, "submit", counting)
    dialog.template.move_to(1, 8)

    with qtbot.waitSignal(
        dialog.preview_updated,
        timeout=ENGINE_TIMEOUT_MS,
        check_params_cb=_has_text("1234"),
    ):
        qtbot.keyClicks(dialog.template, "234")

    assert len(sent) == 1


def _hold_engine_calls(
    bridge: EngineBridge, monkeypatch: pytest.MonkeyPatch
) -> tuple[concurrent.futures.Future[None], list[EngineCall]]:
    """From now on, engine calls wait on the engine loop until the gate opens."""
    gate: concurrent.futures.Future[None] = concurrent.futures.Future()
    held: list[EngineCall] = []
    real_submit = bridge.submit

    def holding(action: EngineAction[Any]) -> EngineCall:
        async def after_gate(engine: Engine) -> Any:
            await asyncio.wrap_future(gate)
            return await action(engine)

        held.append(real_submit(after_gate))
        return held[-1]

    monkeypatch.setattr(bridge, "submit", holding)
    return gate, held


def test_an_older_preview_finishing_last_is_dropped(
    qtbot: QtBot, bridge: EngineBridge, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow preview answering after a newer one never replaces it on screen."""
    dialog = _open(qtbot, bridge, '{"v": "first"}')
    real_submit = bridge.submit
    gate, held = _hold_engine_calls(bridge, monkeypatch)
    dialog.template.setPlainText('{"v": "older"}')
    qtbot.waitUntil(lambda: bool(held), timeout=ENGINE_TIMEOUT_MS)

    monkeypatch.setattr(bridge, "submit", real_submit)
    with qtbot.waitSignal(
        dialog.preview_updated,
        timeout=ENGINE_TIMEOUT_MS,
        check_params_cb=_has_text("newer"),
    ):
        dialog.template.setPlainText('{"v": "newer"}')
    with qtbot.waitSignal(held[0].succeeded, timeout=ENGINE_TIMEOUT_MS):
        gate.set_result(None)

    assert json.loads(dialog.preview.body.toPlainText()) == {"v": "newer"}


def test_closing_while_a_preview_renders_is_harmless(
    qtbot: QtBot, bridge: EngineBridge, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Answers that arrive after the editor was closed and deleted are ignored."""
    gate, held = _hold_engine_calls(bridge, monkeypatch)
    dialog = TemplateEditorDialog(bridge, '{"a": 1}', "", TIMELINE)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.samples.source.setCurrentIndex(dialog.samples.source.findData(REAL_CASE))
    assert len(held) == 3  # secrets, first preview, cases

    with qtbot.waitSignal(dialog.destroyed):
        dialog.close()
    with qtbot.waitSignals(
        [call.succeeded for call in held], timeout=ENGINE_TIMEOUT_MS
    ):
        gate.set_result(None)


def test_a_typo_in_a_variable_is_marked_and_listed(
    qtbot: QtBot, bridge: EngineBridge
) -> None:
    """An unknown variable is underlined in the text, listed with a suggestion,
    and the preview says nothing would be sent."""
    line = '  "title": "🔥 {{case.titel}}",'
    dialog = _open(qtbot, bridge, "{\n" + line + '\n  "n": 1\n}')

    [message] = dialog.lints.rows()
    assert "unknown variable {{case.titel}}" in message.message
    assert "did you mean {{case.title}}" in message.message
    assert (message.line, message.column) == (2, line.index("{{") + 1)
    [wavy] = _wavy_ranges(dialog, 1)
    assert wavy == (utf16_length(line[: line.index("{{")]), len("{{case.titel}}"))
    assert _marked_text(dialog) == ["{{case.titel}}"]
    assert dialog.preview.error.isVisible()
    assert "unknown variable" in dialog.preview.error.text()


def _wavy_ranges(dialog: TemplateEditorDialog, block: int) -> list[tuple[int, int]]:
    layout = dialog.template.document().findBlockByNumber(block).layout()
    wave = QTextCharFormat.UnderlineStyle.WaveUnderline
    return [
        (r.start, r.length)
        for r in layout.formats()
        if r.format.underlineStyle() == wave
    ]


def _marked_text(dialog: TemplateEditorDialog) -> list[str]:
    selections = dialog.template.extraSelections()
    return [s.cursor.selectedText() for s in selections if s.cursor.hasSelection()]


def test_errors_and_warnings_are_marked_apart(
    qtbot: QtBot, bridge: EngineBridge, screenshot: Callable[..., Any]
) -> None:
    """An error is underlined red, a warning (a variable these events never
    fill, a |mapped with no mapping) amber; hovering a marked line says why."""
    template = (
        '{\n  "title": "{{case.titel}}",\n  "item": {{item.name}},\n'
        '  "priority": {{case.severity|mapped}}\n}'
    )
    dialog = _open(qtbot, bridge, template, '{"event_type": {"MANUAL": "Manual"}}')

    found = [(m.severity, m.line) for m in dialog.lints.rows()]
    assert found == [("error", 2), ("warning", 3), ("warning", 4)]
    assert _underline_colours(dialog) == {
        "{{case.titel}}": ERROR_RED,
        "{{item.name}}": WARNING_BORDER,
        "{{case.severity|mapped}}": WARNING_BORDER,
    }
    assert "not provided by any of the selected events" in _tooltip_on_line(
        qtbot, dialog, 3
    )
    screenshot(dialog, "template-editor-lint-errors")


def _underline_colours(dialog: TemplateEditorDialog) -> dict[str, str]:
    return {
        s.cursor.selectedText(): s.format.underlineColor().name()
        for s in dialog.template.extraSelections()
        if s.cursor.hasSelection()
    }


def _tooltip_on_line(qtbot: QtBot, dialog: TemplateEditorDialog, line: int) -> str:
    editor = dialog.template
    block = editor.document().findBlockByNumber(line - 1)
    spot = editor.cursorRect(QTextCursor(block)).center()
    global_spot = editor.viewport().mapToGlobal(spot)
    event = QHelpEvent(QEvent.Type.ToolTip, spot, global_spot)
    QApplication.sendEvent(editor.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible)
    return QToolTip.text()


def test_a_secret_that_is_not_stored_is_marked(
    qtbot: QtBot, bridge: EngineBridge, run: Run
) -> None:
    """Once the stored secrets are known, a misspelt secret name is underlined."""
    _store_secrets(run)
    dialog = _open(qtbot, bridge, '{"t": "{{secret.pushover_api_tokn}}"}')

    qtbot.waitUntil(lambda: _secrets_listed(dialog))
    assert _wavy_ranges(dialog, 0) == [(7, len("{{secret.pushover_api_tokn}}"))]
    assert 'secret "pushover_api_tokn" does not exist' in dialog.lints.record(0).message


def _secrets_listed(dialog: TemplateEditorDialog) -> bool:
    paths = [variable.path for variable in dialog.variables.rows()]
    return "secret.pushover_api_token" in paths


def test_completion_after_braces_inserts_a_variable(
    qtbot: QtBot, bridge: EngineBridge
) -> None:
    """Typing `{{case.ti` offers case.title; Enter inserts `case.title}}`."""
    dialog = _open(qtbot, bridge, '{"title": ""}')
    dialog.template.move_to(1, 12)
    completer = dialog.template.completer
    assert completer is not None
    popup = completer.popup()
    assert popup is not None

    qtbot.keyClicks(dialog.template, "{{case.ti")
    qtbot.waitUntil(popup.isVisible)
    assert popup.currentIndex().data() == "case.title"
    qtbot.keyClick(popup, Qt.Key.Key_Return)

    assert dialog.template.exact_text() == '{"title": "{{case.title}}"}'
    assert not popup.isVisible()


def test_completion_offers_only_what_the_events_provide(
    qtbot: QtBot, bridge: EngineBridge
) -> None:
    """For an Incident Created webhook, no event.* or item.* variable is offered."""
    dialog = _open(qtbot, bridge, "", kinds=(EventKind.INCIDENT_CREATED,))
    completer = dialog.template.completer
    assert completer is not None

    popup = completer.popup()
    assert popup is not None

    qtbot.keyClicks(dialog.template, "{{")
    qtbot.waitUntil(popup.isVisible)

    model = completer.completionModel()
    offered = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert "case.title" in offered and "meta.case_url" in offered
    assert not [path for path in offered if path.startswith(("event.", "item."))]


def test_clicking_a_problem_moves_the_cursor_there(
    qtbot: QtBot, bridge: EngineBridge
) -> None:
    """A click on a template problem puts the template's cursor on it, counting
    an emoji as one character; a mappings problem moves the mappings cursor."""
    line = '  "a": "🔥🔥 {{case.nope}}",'
    template = "{\n" + line + '\n  "b": 1\n}'
    dialog = _open(qtbot, bridge, template, '{\n  "severity": {"high": 1,}\n}')
    assert [m.target for m in dialog.lints.rows()] == ["template", "mappings"]

    _click_problem(qtbot, dialog, 0)

    column = line.index("{{") + 1
    assert dialog.template.line_column() == (2, column)
    expected = utf16_length(template[: template.index("{{")])
    assert dialog.template.textCursor().position() == expected
    _click_problem(qtbot, dialog, 1)
    mapping = dialog.lints.record(1)
    assert dialog.mappings.line_column() == (mapping.line, mapping.column)


def _click_problem(qtbot: QtBot, dialog: TemplateEditorDialog, row: int) -> None:
    table = dialog.preview.lint_view.table
    spot = table.visualRect(dialog.lints.index(row, 2)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=spot)


def test_a_real_case_and_event_fill_the_preview(
    qtbot: QtBot, bridge: EngineBridge, run: Run, screenshot: Callable[..., Any]
) -> None:
    """The Pushover example rendered for a critical case and its MANUAL timeline
    event shows their values, mapped, with the secrets masked."""
    _store_secrets(run)
    case = run(lambda e: e.create_case('Ransom note "READ_ME"', severity="critical"))
    event = run(
        lambda e: e.add_timeline_event(
            case.id, "@page on-call", "Found C:\\Temp\\new_tool.exe", "MANUAL", "dana"
        )
    )
    dialog = _open(qtbot, bridge, PUSHOVER, PUSHOVER_MAPPINGS)
    samples = dialog.samples

    with qtbot.waitSignal(samples.timeline_loaded, timeout=ENGINE_TIMEOUT_MS):
        samples.source.setCurrentIndex(samples.source.findData(REAL_CASE))
    samples.choose_real_case(case.id, event.id)
    qtbot.waitUntil(
        lambda: _source(dialog).endswith("@page on-call"), timeout=ENGINE_TIMEOUT_MS
    )

    body = json.loads(dialog.preview.body.toPlainText())
    assert (
        body["title"]
        == f'You have been paged for {case.case_number} Ransom note "READ_ME"'
    )
    assert "by dana on case" in body["message"]
    assert (
        "Manual timeline event: @page on-call, Found C:\\Temp\\new_tool.exe."
        in body["message"]
    )
    assert body["priority"] == "2"
    assert body["token"] == body["user"] == SECRET_MASK
    assert dialog.lints.rowCount() == 0
    assert not any(value in all_widget_text() for value in SECRETS.values())
    screenshot(dialog, "template-editor-real-case")


def _source(dialog: TemplateEditorDialog) -> str:
    preview = dialog.preview.preview
    return preview.source if preview is not None else ""


def test_valid_template_shows_body_headers_and_no_problems(
    qtbot: QtBot, bridge: EngineBridge, run: Run, screenshot: Callable[..., Any]
) -> None:
    """With sample data, credentials are masked and the signature is the
    HMAC of the shown body under the signing secret typed in the webhook."""
    _store_secrets(run)
    dialog = _open(
        qtbot,
        bridge,
        PUSHOVER,
        PUSHOVER_MAPPINGS,
        auth=AuthSpec(type=AuthType.BEARER, token="bearer-s3cr3t"),
        signing_secret="hm4c-secret",
    )

    body = dialog.preview.body.toPlainText()
    headers = dict(
        line.split(": ", 1)
        for line in dialog.preview.headers.toPlainText().splitlines()
    )
    assert headers["Authorization"] == f"Bearer {SECRET_MASK}"
    assert headers["X-Webhook-Signature"] == sign(body.encode("utf-8"), "hm4c-secret")
    assert json.loads(body)["priority"] == "2"
    assert dialog.lints.rowCount() == 0 and not dialog.preview.error.isVisible()
    shown = all_widget_text()
    assert "bearer-s3cr3t" not in shown and "hm4c-secret" not in shown
    screenshot(dialog, "template-editor-valid")


def test_variables_panel_searches_and_inserts(
    qtbot: QtBot, bridge: EngineBridge
) -> None:
    """Searching narrows the list; double-clicking inserts the placeholder."""
    dialog = _open(qtbot, bridge, '{"s": ""}')
    dialog.template.move_to(1, 8)
    panel = dialog.variables_view

    qtbot.keyClicks(panel.search, "SEVERITY")

    assert panel.visible_paths() == ["case.severity"]
    row = panel.visible_paths().index("case.severity")
    spot = panel.table.visualRect(panel.table.model().index(row, 0)).center()
    # A real double-click starts with a press; QTest's double-click alone does not.
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert dialog.template.exact_text() == '{"s": "{{case.severity}}"}'


def test_enter_in_the_search_box_keeps_the_editor_open(
    qtbot: QtBot, bridge: EngineBridge
) -> None:
    """Enter while searching the variables does not press a dialog button."""
    dialog = _open(qtbot, bridge, '{"a": 1}')
    saved: list[object] = []
    dialog.template_saved.connect(lambda *texts: saved.append(texts))

    qtbot.keyClicks(dialog.variables_view.search, "title")
    qtbot.keyClick(dialog.variables_view.search, Qt.Key.Key_Return)

    assert dialog.isVisible() and not saved


def test_another_event_kind_renders_its_sample_data(
    qtbot: QtBot, bridge: EngineBridge
) -> None:
    """Choosing Evidence Added as the sample fills item.* and the event header."""
    dialog = _open(qtbot, bridge, '{"item": "{{item.name}}"}')
    kind = dialog.samples.kind

    with qtbot.waitSignal(
        dialog.preview_updated,
        timeout=ENGINE_TIMEOUT_MS,
        check_params_cb=lambda p: p.text != '{"item": ""}',
    ) as shown:
        kind.setCurrentIndex(kind.findData(EventKind.EVIDENCE_ADDED))

    preview = shown.args[0]
    assert json.loads(preview.text)["item"]
    assert ("X-Webhook-Event", "evidence_added") in preview.headers
    assert kind.count() == len(EventKind) == 17


def test_ok_returns_the_texts_exactly(qtbot: QtBot, bridge: EngineBridge) -> None:
    """OK hands back template and mappings as typed, no-break spaces included."""
    dialog = _open(qtbot, bridge, '{"a": "x\u00a0y"}', '{"severity": {}}')
    dialog.mappings.setPlainText('{"severity": {"high": 1}}')

    with qtbot.waitSignal(dialog.template_saved) as saved:
        dialog.ok_button.click()

    assert saved.args == ['{"a": "x\u00a0y"}', '{"severity": {"high": 1}}']
    assert dialog.result() == dialog.DialogCode.Accepted


def test_closing_with_changes_asks_first(qtbot: QtBot, bridge: EngineBridge) -> None:
    """Closing an edited template asks: Cancel keeps editing, Discard closes."""
    dialog = _open(qtbot, bridge, '{"a": 1}')
    dialog.template.setPlainText('{"a": 2}')
    saved: list[object] = []
    dialog.template_saved.connect(lambda *texts: saved.append(texts))

    prompt = _close_and_wait_for_prompt(qtbot, dialog)
    prompt.button(QMessageBox.StandardButton.Cancel).click()
    assert dialog.isVisible() and dialog.unsaved_prompt is None
    prompt = _close_and_wait_for_prompt(qtbot, dialog)
    prompt.button(QMessageBox.StandardButton.Discard).click()

    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == dialog.DialogCode.Rejected and not saved


def test_closing_with_changes_can_save_them(qtbot: QtBot, bridge: EngineBridge) -> None:
    """Save in the closing question hands the edited texts back."""
    dialog = _open(qtbot, bridge, '{"a": 1}')
    dialog.template.setPlainText('{"a": 2}')

    prompt = _close_and_wait_for_prompt(qtbot, dialog)
    with qtbot.waitSignal(dialog.template_saved) as saved:
        prompt.button(QMessageBox.StandardButton.Save).click()

    assert saved.args == ['{"a": 2}', ""]
    assert not dialog.isVisible()


def test_closing_unchanged_does_not_ask(qtbot: QtBot, bridge: EngineBridge) -> None:
    """With nothing changed, Cancel simply closes."""
    dialog = _open(qtbot, bridge, '{"a": 1}')

    dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()

    assert not dialog.isVisible() and dialog.unsaved_prompt is None


def _close_and_wait_for_prompt(
    qtbot: QtBot, dialog: TemplateEditorDialog
) -> QMessageBox:
    dialog.close()
    qtbot.waitUntil(lambda: dialog.unsaved_prompt is not None)
    prompt = dialog.unsaved_prompt
    assert prompt is not None
    qtbot.waitUntil(prompt.isVisible)
    return prompt


def test_item_models_pass_the_model_tester(
    qtmodeltester: Any, qtbot: QtBot, bridge: EngineBridge, run: Run
) -> None:
    """The variables (with secrets) and problems models keep Qt's model rules."""
    _store_secrets(run)
    dialog = _open(qtbot, bridge, '{"a": {{case.nope}}, "b": {{event.id}}}', "[]")
    qtbot.waitUntil(lambda: _secrets_listed(dialog))

    qtmodeltester.check(dialog.variables)
    qtmodeltester.check(dialog.lints)
    qtmodeltester.check(VariableTable(()))
    qtmodeltester.check(LintList())
    assert dialog.lints.rowCount() == 2
