"""Create or edit an outgoing webhook."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.api import AuthSpec, OutgoingWebhook, OutgoingWebhookSpec
from dfire_desktop.engine.errors import InvalidInputError
from dfire_desktop.engine.templating import validate_mappings
from dfire_desktop.ui.auth_editor import AuthEditor
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.event_picker import EventPicker
from dfire_desktop.ui.form import (
    FormErrors,
    enter_clicks,
    exact_text,
    hint,
    kept_text,
    monospace,
    notes_field,
    password_field,
)
from dfire_desktop.ui.prompts import ask_discard, open_window
from dfire_desktop.ui.template_editor import TemplateEditorDialog

# The engine's limits (engine/webhooks.py); the spin boxes stop at them so a
# wrong number cannot even be typed.
MAX_RETRIES = 10
MAX_TIMEOUT_SECONDS = 300
MAPPINGS_EXAMPLE = '{"severity": {"info": -2, "medium": 0, "critical": 2}}'
TEMPLATE_PLACEHOLDER = (
    "Leave empty to send the default payload.\n"
    '{"message": "Case {{case.case_number}}: {{case.title}}",\n'
    ' "token": "{{secret.my_api_token}}"}'
)


class OutgoingWebhookDialog(QDialog):
    """The outgoing webhook form; `webhook_saved` fires once the engine agrees.

    Nothing typed is lost on an error: the engine's reason appears under the
    field it names, and the dialog stays open.
    """

    webhook_saved = Signal(object)

    def __init__(
        self,
        bridge: EngineBridge,
        webhook: OutgoingWebhook | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._webhook = webhook
        self._original_template = ""
        self._saving = False
        self.setWindowTitle(
            f"Edit outgoing webhook — {webhook.name}"
            if webhook
            else "Add outgoing webhook"
        )
        self._build()
        self._load(webhook)
        self._saved_state = self._state()
        self._connect()
        # Enter saves: saving validates, and nothing else is one keystroke
        # from a text field.
        enter_clicks(self, self.save_button)
        self.name.setFocus()

    def _build(self) -> None:
        general = QLabel()
        self.errors = FormErrors(general)
        columns = QHBoxLayout()
        columns.addLayout(self._build_left(), 1)
        columns.addLayout(self._build_right(), 1)
        body = QWidget()
        body.setLayout(columns)
        self.body_scroll = QScrollArea()
        self.body_scroll.setWidgetResizable(True)
        # Only a window made narrower than the form scrolls sideways: long
        # errors wrap, so they never need it.
        self.body_scroll.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )
        self.body_scroll.setWidget(body)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            "Save webhook", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(general)
        layout.addWidget(self.body_scroll, 1)
        layout.addWidget(self.buttons)
        self.resize(1180, 860)

    def _build_left(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.addWidget(self._build_basics())
        column.addWidget(self._build_events())
        column.addWidget(self._build_filter())
        column.addStretch(1)
        return column

    def _build_right(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.addWidget(self._build_auth())
        column.addWidget(self._build_payload())
        column.addWidget(self._build_delivery())
        column.addStretch(1)
        return column

    def _build_basics(self) -> QGroupBox:
        group = QGroupBox("Basic settings")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Pushover on timeline @page")
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://receiver.example/hooks/dfire")
        self.description = notes_field("Optional: what this webhook is for", 56)
        self.enabled = QCheckBox("Enabled — send deliveries when events occur")
        form = QFormLayout(group)
        form.addRow("Name", self.errors.field(self.name, "name"))
        form.addRow("Endpoint URL", self.errors.field(self.url, "url"))
        form.addRow("Description", self.errors.field(self.description, "description"))
        form.addRow("", self.enabled)
        return group

    def _build_events(self) -> QGroupBox:
        group = QGroupBox("Trigger events — send when any ticked event occurs")
        self.events = EventPicker()
        column = QVBoxLayout(group)
        column.addWidget(self.events)
        column.addWidget(self.errors.label_for("events"))
        return group

    def _build_filter(self) -> QGroupBox:
        group = QGroupBox("Content filter (timeline events only)")
        self.content_filter = QLineEdit()
        self.content_filter.setPlaceholderText("Regular expression, e.g. @page")
        column = QVBoxLayout(group)
        column.addWidget(self.content_filter)
        column.addWidget(self.errors.label_for("content_filter"))
        column.addWidget(
            hint(
                "Only Timeline Event Created deliveries are filtered: they are "
                "sent when the subject or details match. Leave empty to send "
                "every timeline event. Other events are never filtered."
            )
        )
        return group

    def _build_auth(self) -> QGroupBox:
        group = QGroupBox("Authentication")
        self.auth = AuthEditor(self._webhook)
        column = QVBoxLayout(group)
        column.addWidget(self.auth)
        column.addWidget(self.errors.label_for("auth", "username", "password", "token"))
        return group

    def _build_payload(self) -> QGroupBox:
        group = QGroupBox("Payload")
        self.template = monospace(QPlainTextEdit())
        self.template.setPlaceholderText(TEMPLATE_PLACEHOLDER)
        self.template.setMinimumHeight(130)
        self.mappings = monospace(notes_field(MAPPINGS_EXAMPLE, 72))
        # Indenting with Tab belongs to the full template editor (Preview
        # Payload); in this form Tab moves on like in every other field.
        self.template.setTabChangesFocus(True)
        self.preview_button = QPushButton("Preview Payload")
        self.preview_button.setToolTip(
            "Open the template editor: live preview with sample data or a real "
            "case, variables, and problems found"
        )
        column = QVBoxLayout(group)
        column.addWidget(QLabel("Payload template (JSON with {{category.variable}})"))
        column.addWidget(self.template)
        column.addWidget(self.errors.label_for("payload_template", "template"))
        column.addWidget(QLabel("Value mappings (JSON, used by {{…|mapped}})"))
        column.addWidget(self.mappings)
        column.addWidget(self.errors.label_for("value_mappings", "mappings"))
        column.addWidget(self.preview_button)
        return group

    def _build_delivery(self) -> QGroupBox:
        group = QGroupBox("Delivery and signing")
        self.max_retries = QSpinBox()
        self.max_retries.setRange(0, MAX_RETRIES)
        self.timeout = QSpinBox()
        self.timeout.setRange(1, MAX_TIMEOUT_SECONDS)
        self.timeout.setSuffix(" s")
        for spin in (self.max_retries, self.timeout):
            spin.setMaximumWidth(110)
        stored = bool(self._webhook and self._webhook.has_signing_secret)
        self.signing_secret = password_field(stored)
        self.remove_signing_secret = QCheckBox("Remove the stored signing secret")
        self.remove_signing_secret.setVisible(stored)
        form = QFormLayout(group)
        form.addRow("Max retries", self.errors.field(self.max_retries, "max_retries"))
        form.addRow(
            "Timeout", self.errors.field(self.timeout, "timeout_seconds", "timeout")
        )
        form.addRow(
            "Signing secret", self.errors.field(self.signing_secret, "signing_secret")
        )
        form.addRow("", self.remove_signing_secret)
        form.addRow(
            "",
            hint(
                "If set, each request carries X-Webhook-Signature: the "
                "HMAC-SHA256 of the body. Leave empty to skip signing."
            ),
        )
        return group

    def _load(self, webhook: OutgoingWebhook | None) -> None:
        self.max_retries.setValue(webhook.max_retries if webhook else 3)
        self.timeout.setValue(round(webhook.timeout_seconds) if webhook else 30)
        self.enabled.setChecked(webhook.enabled if webhook else True)
        if webhook is None:
            return

        self.name.setText(webhook.name)
        self.url.setText(webhook.url)
        self.description.setPlainText(webhook.description)
        self.events.set_selected(webhook.events)
        self.content_filter.setText(webhook.content_filter)
        for field in (self.name, self.url, self.content_filter):
            field.setCursorPosition(0)  # a long value shows its start
        self._original_template = webhook.payload_template
        self.template.setPlainText(webhook.payload_template)
        if webhook.value_mappings:
            mappings = json.dumps(webhook.value_mappings, indent=2, ensure_ascii=False)
            self.mappings.setPlainText(mappings)

    def _connect(self) -> None:
        self.save_button.clicked.connect(self._on_save_clicked)
        self.preview_button.clicked.connect(self._on_preview_clicked)
        self.buttons.rejected.connect(self.reject)

    def _state(self) -> tuple[Any, ...]:
        """Everything the user can change, to tell whether anything was."""
        texts = (self.name, self.url, self.content_filter, self.signing_secret)
        editors = (self.description, self.template, self.mappings)
        return (
            tuple(field.text() for field in texts),
            tuple(exact_text(editor) for editor in editors),
            self._template_text(),
            self.events.selected(),
            self.auth.state(),
            self.max_retries.value(),
            self.timeout.value(),
            self.enabled.isChecked(),
            self.remove_signing_secret.isChecked(),
        )

    def is_dirty(self) -> bool:
        return self._state() != self._saved_state

    def collect_spec(self) -> OutgoingWebhookSpec | None:
        """The spec as entered, or None after showing what must be fixed."""
        self.errors.clear()
        try:
            auth = self.auth.spec()
            mappings = _parse_mappings(exact_text(self.mappings))
        except InvalidInputError as error:
            self.errors.show_error(error)
            return None

        return OutgoingWebhookSpec(
            name=self.name.text().strip(),
            url=self.url.text().strip(),
            events=self.events.selected(),
            description=self.description.toPlainText().strip(),
            content_filter=self.content_filter.text(),
            auth=auth,
            payload_template=self._template_text(),
            value_mappings=mappings,
            max_retries=self.max_retries.value(),
            timeout_seconds=float(self.timeout.value()),
            signing_secret=self._signing_secret(),
            enabled=self.enabled.isChecked(),
        )

    def _on_preview_clicked(self) -> None:
        try:
            auth = self.auth.spec()
        except InvalidInputError:
            # Half-typed header rows: masking the preview needs the type only.
            auth = AuthSpec(self.auth.current_type())
        editor = TemplateEditorDialog(
            self._bridge,
            self._template_text(),
            exact_text(self.mappings),
            self.events.selected(),
            webhook_id=self._webhook.id if self._webhook else None,
            webhook_name=self.name.text().strip(),
            auth=auth,
            signing_secret=self._signing_secret(),
            parent=self,
        )
        editor.template_saved.connect(self._on_template_edited)
        open_window(editor)

    def _template_text(self) -> str:
        return kept_text(self.template, self._original_template)

    def _on_template_edited(self, template: str, mappings: str) -> None:
        self._original_template = template
        self.template.setPlainText(template)
        self.mappings.setPlainText(mappings)

    def _signing_secret(self) -> str | None:
        if self.signing_secret.text():
            return self.signing_secret.text()
        if self.remove_signing_secret.isChecked():
            return ""
        return None if self._webhook else ""

    def _on_save_clicked(self) -> None:
        spec = self.collect_spec()
        if spec is None or self._saving:
            self._reveal_error()
            return

        self._set_saving(True)
        webhook = self._webhook
        if webhook is None:
            call = self._bridge.submit(lambda engine: engine.create_outgoing(spec))
        else:
            call = self._bridge.submit(
                lambda engine: engine.update_outgoing(webhook.id, spec)
            )

        call.succeeded.connect(self._on_saved)
        call.failed.connect(self._on_save_failed)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.save_button.setEnabled(not saving)
        self.save_button.setText("Saving…" if saving else "Save webhook")

    def _on_saved(self, webhook: OutgoingWebhook) -> None:
        self._set_saving(False)
        self.auth.clear_credentials()
        self.signing_secret.clear()
        self._saved_state = self._state()

        self.webhook_saved.emit(webhook)
        self.accept()

    def _on_save_failed(self, error: object) -> None:
        self._set_saving(False)
        self.errors.show_error(error)
        self._reveal_error()

    def _reveal_error(self) -> None:
        shown = self.errors.shown_label()
        if shown is not None:
            self.body_scroll.ensureWidgetVisible(shown)

    def reject(self) -> None:
        """Cancel, Escape or the close box: ask first if anything changed."""
        if self._saving or not self.is_dirty():
            super().reject()
            return
        ask_discard(self, lambda: QDialog.reject(self))


def _parse_mappings(text: str) -> dict[str, dict[str, Any]]:
    """The value mappings as a dict, or InvalidInputError saying what is off."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInputError(
            f"Not valid JSON: {error.msg.removesuffix(' at')} at line "
            f"{error.lineno}, column {error.colno}.",
            "value_mappings",
        ) from error
    except ValueError as error:  # an integer of more than 4300 digits
        raise InvalidInputError(
            f"A number cannot be used: {error}", "value_mappings"
        ) from error

    return validate_mappings(value)
