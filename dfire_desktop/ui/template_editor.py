"""The payload template editor: template and value mappings beside a live
preview of exactly what would be sent.

Typing never waits for the engine. Each pause of PREVIEW_DELAY_MS sends one
preview request through the bridge; every request carries a ticket, and a
result older than the one on screen is dropped, so a slow render can never
overwrite a newer one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.api import AuthSpec, Secret
from dfire_desktop.engine.errors import EngineError
from dfire_desktop.engine.events import EventKind
from dfire_desktop.engine.lint import LintMessage
from dfire_desktop.engine.preview import Preview, PreviewRequest
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.errors import describe
from dfire_desktop.ui.form import enter_clicks, hint, kept_text
from dfire_desktop.ui.lint_list import LintList
from dfire_desktop.ui.payload_text_edit import PayloadTextEdit
from dfire_desktop.ui.preview_pane import PreviewPane
from dfire_desktop.ui.sample_selector import SampleSelector
from dfire_desktop.ui.template_highlighter import (
    TemplateHighlighter,
)
from dfire_desktop.ui.variables_panel import (
    VariableTable,
    VariableTableView,
)

if TYPE_CHECKING:
    from dfire_desktop.engine.service import Engine

PREVIEW_DELAY_MS: Final = 250
TEMPLATE_EMPTY_TEXT: Final = (
    "Empty: the default payload is sent (see the preview).\n"
    "Type {{ for variables, or double-click one on the left."
)
MAPPINGS_EMPTY_TEXT: Final = (
    'Optional. For {{case.severity|mapped}}, e.g.\n{"severity": {"info": -2, '
    '"medium": 0, "critical": 2}}'
)
OK_TEXT: Final = "Use in webhook"


@dataclasses.dataclass(frozen=True)
class _Rendered:
    """One preview answer, tagged with the request it answers."""

    ticket: int
    request: PreviewRequest
    preview: Preview | None
    error: EngineError | None


async def _render(engine: Engine, request: PreviewRequest, ticket: int) -> _Rendered:
    # The answer carries its ticket, so the dialog's slot can be a bound
    # method (disconnected when the dialog goes) and still drop stale ones.
    try:
        return _Rendered(ticket, request, await engine.preview(request), None)
    except EngineError as exc:
        return _Rendered(ticket, request, None, exc)


def _show_position(editor: PayloadTextEdit, label: QLabel) -> None:
    line, column = editor.line_column()
    label.setText(f"Line {line}, column {column}")


def _position_label() -> QLabel:
    label = QLabel()
    # Wide enough for long templates, so the numbers are never clipped.
    widest = label.fontMetrics().horizontalAdvance("Line 99999, column 99999")
    label.setMinimumWidth(widest + 8)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label


def _titled_editor(title: str, position: QLabel, editor: QWidget) -> QWidget:
    box = QWidget()
    header = QHBoxLayout()
    header.addWidget(QLabel(title), 1)
    header.addWidget(position)
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.addLayout(header)
    column.addWidget(editor, 1)
    return box


class TemplateEditorDialog(QDialog):
    """Edit a webhook's payload template and value mappings with a live
    preview; OK (`Use in webhook`) emits `template_saved(template, mappings)`.

    Nothing is stored here: the webhook dialog takes the texts back and
    saves the webhook. Credentials given in `auth` and `signing_secret` are
    only sent to the engine for the masked headers and the signature.
    """

    template_saved = Signal(str, str)
    preview_updated = Signal(object)

    def __init__(
        self,
        bridge: EngineBridge,
        template: str,
        mappings: str,
        kinds: Sequence[EventKind],
        webhook_id: str | None = None,
        webhook_name: str = "",
        auth: AuthSpec | None = None,
        signing_secret: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._kinds = tuple(kinds)
        self._webhook = (webhook_id, webhook_name)
        self._credentials = (auth or AuthSpec(), signing_secret)
        self._saved = (template, mappings)
        self._original = (template, mappings)
        self._sent = 0
        self._shown = 0
        self.unsaved_prompt: QMessageBox | None = None
        self.setWindowTitle(f"Payload template — {webhook_name or 'new webhook'}")
        self._build(template, mappings)
        self._connect()
        # Enter belongs to the editors and the search box: it must never
        # close the dialog through a default button.
        enter_clicks(self, None)
        self._load_secrets()
        self._send_preview()

    def _build(self, template: str, mappings: str) -> None:
        self.samples = SampleSelector(self._bridge, self._kinds)
        self.variables = VariableTable(self._kinds)
        self.variables_view = VariableTableView(self.variables)
        self.template = self._editor(template, TEMPLATE_EMPTY_TEXT, self.variables)
        self.template_colours = TemplateHighlighter(self.template.document())
        self.mappings = self._editor(mappings, MAPPINGS_EMPTY_TEXT, None)
        self.mappings_colours = TemplateHighlighter(self.mappings.document(), False)
        self.template_position = _position_label()
        self.mappings_position = _position_label()
        self.lints = LintList()
        self.preview = PreviewPane(self.lints)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(
            OK_TEXT, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(self.samples)
        layout.addWidget(self._panes(), 1)
        footer = QHBoxLayout()
        footer.addWidget(
            hint(
                f"{OK_TEXT} puts the template and mappings back in the webhook "
                "form; save the webhook there to keep them."
            ),
            1,
        )
        footer.addWidget(self.buttons)
        layout.addLayout(footer)
        self.resize(1500, 900)

    @staticmethod
    def _editor(
        text: str, empty_text: str, completions: VariableTable | None
    ) -> PayloadTextEdit:
        editor = PayloadTextEdit(completions)
        editor.setPlainText(text)
        editor.setPlaceholderText(empty_text)
        return editor

    def _panes(self) -> QSplitter:
        editors = QSplitter(Qt.Orientation.Vertical)
        editors.setChildrenCollapsible(False)
        editors.addWidget(
            _titled_editor(
                "Payload template (JSON with {{category.variable}})",
                self.template_position,
                self.template,
            )
        )
        editors.addWidget(
            _titled_editor(
                "Value mappings (JSON, used by {{…|mapped}})",
                self.mappings_position,
                self.mappings,
            )
        )
        editors.setSizes([560, 220])

        panes = QSplitter(Qt.Orientation.Horizontal)
        panes.setChildrenCollapsible(False)
        for pane in (self.variables_view, editors, self.preview):
            panes.addWidget(pane)
        panes.setSizes([440, 560, 500])
        return panes

    def _connect(self) -> None:
        self.template.textChanged.connect(self._on_input_changed)
        self.mappings.textChanged.connect(self._on_input_changed)
        self.samples.sample_changed.connect(self._on_input_changed)
        self._timer.timeout.connect(self._send_preview)
        self.template.cursorPositionChanged.connect(self._on_template_cursor_moved)
        self.mappings.cursorPositionChanged.connect(self._on_mappings_cursor_moved)
        self._bridge.engine_started.connect(self._on_engine_started)
        self.variables_view.variable_chosen.connect(self._on_variable_chosen)
        self.preview.lint_view.message_chosen.connect(self._on_lint_chosen)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._on_template_cursor_moved()
        self._on_mappings_cursor_moved()

    def texts(self) -> tuple[str, str]:
        """The template and mappings exactly as typed."""
        template, mappings = self._original
        return kept_text(self.template, template), kept_text(self.mappings, mappings)

    def is_dirty(self) -> bool:
        return self.texts() != self._saved

    def _load_secrets(self) -> None:
        if not self._bridge.ready:
            return
        call = self._bridge.submit(lambda engine: engine.list_secrets())
        call.succeeded.connect(self._on_secrets_listed)

    def _on_secrets_listed(self, secrets: list[Secret]) -> None:
        self.variables.set_secrets(secrets)
        self.template_colours.set_secret_names([s.name for s in secrets])

    def _on_engine_started(self) -> None:
        self._load_secrets()
        self._send_preview()

    def _on_input_changed(self) -> None:
        self.preview.show_pending()
        self._timer.start()

    def _request(self) -> PreviewRequest:
        template, mappings = self.texts()
        sample = self.samples.sample()
        webhook_id, webhook_name = self._webhook
        auth, signing_secret = self._credentials
        return PreviewRequest(
            template=template,
            mappings_text=mappings,
            kinds=self._kinds,
            sample_kind=sample.kind,
            case_id=sample.case_id,
            timeline_event_id=sample.timeline_event_id,
            webhook_id=webhook_id,
            webhook_name=webhook_name,
            auth=auth,
            signing_secret=signing_secret,
        )

    def _send_preview(self) -> None:
        self._timer.stop()
        if not self._bridge.ready:
            self.preview.show_failure("The engine has not started yet.")
            return
        request = self._request()
        self._sent += 1
        ticket = self._sent

        call = self._bridge.submit(lambda engine: _render(engine, request, ticket))

        call.succeeded.connect(self._on_preview_ready)
        call.failed.connect(self._on_preview_failed)

    def _on_preview_ready(self, rendered: _Rendered) -> None:
        if rendered.ticket <= self._shown:
            return  # an older request finished after a newer one: drop it
        self._shown = rendered.ticket

        if rendered.preview is None:
            self.preview.show_failure(describe(rendered.error))
            self._mark(rendered.request, [])
            return
        self.preview.show_preview(rendered.preview)
        self._mark(rendered.request, rendered.preview.lint)

        self.preview_updated.emit(rendered.preview)

    def _on_preview_failed(self, error: object) -> None:
        # Not an engine refusal but a bug; the bridge has logged it.
        self.preview.show_failure(describe(error))

    def _mark(self, request: PreviewRequest, lint: Sequence[LintMessage]) -> None:
        # Positions are only right for the text that was linted; marks shown
        # before follow later edits on their own.
        template, mappings = self.texts()
        if request.template == template:
            self.template.show_marks([m for m in lint if m.target == "template"])
        if request.mappings_text == mappings:
            self.mappings.show_marks([m for m in lint if m.target == "mappings"])

    def _on_template_cursor_moved(self) -> None:
        _show_position(self.template, self.template_position)

    def _on_mappings_cursor_moved(self) -> None:
        _show_position(self.mappings, self.mappings_position)

    def _on_variable_chosen(self, path: str) -> None:
        self.template.insertPlainText(f"{{{{{path}}}}}")
        self.template.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_lint_chosen(self, message: LintMessage) -> None:
        editor = self.template if message.target == "template" else self.mappings
        editor.move_to(message.line, message.column)

    def accept(self) -> None:
        self._saved = self.texts()
        self.template_saved.emit(*self._saved)
        super().accept()

    def reject(self) -> None:
        """Cancel, Escape or the close box: ask first if anything changed."""
        if not self.is_dirty():
            super().reject()
            return
        if self.unsaved_prompt is None:
            self.unsaved_prompt = self._ask_unsaved()

    def _ask_unsaved(self) -> QMessageBox:
        buttons = QMessageBox.StandardButton
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Keep the template changes?",
            "The template or value mappings have changes that are not in the "
            "webhook yet.",
            buttons.Save | buttons.Discard | buttons.Cancel,
            self,
        )
        box.setInformativeText(
            "Save puts them back in the webhook form (save the webhook there). "
            "Discard closes and loses them. Cancel keeps editing."
        )
        box.setDefaultButton(buttons.Save)
        box.finished.connect(self._on_unsaved_answered)
        box.open()
        return box

    def _on_unsaved_answered(self) -> None:
        box, self.unsaved_prompt = self.unsaved_prompt, None
        if box is None:
            return
        answer = box.standardButton(box.clickedButton())
        box.deleteLater()

        if answer == QMessageBox.StandardButton.Save:
            self.accept()
        elif answer == QMessageBox.StandardButton.Discard:
            super().reject()
