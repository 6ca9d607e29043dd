"""Create or edit an incoming webhook (external systems opening cases)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.api import (
    CaseType,
    IncomingWebhook,
    IncomingWebhookSpec,
    IssuedToken,
)
from dfire_desktop.engine.events import CASE_MODES, SEVERITIES
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.form import FormErrors, enter_clicks, hint, notes_field
from dfire_desktop.ui.prompts import ask_discard

NO_CASE_TYPE = "(no case type)"


class IncomingWebhookDialog(QDialog):
    """The incoming webhook form.

    `token_issued` fires after a create (the token is in it, in clear, this
    once); `webhook_saved` fires after an edit.
    """

    token_issued = Signal(object)
    webhook_saved = Signal(object)

    def __init__(
        self,
        bridge: EngineBridge,
        webhook: IncomingWebhook | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._webhook = webhook
        self._case_types: dict[str, CaseType] = {}
        self._chosen_type = webhook.case_type if webhook else None
        self._saving = False
        self.setWindowTitle(
            f"Edit incoming webhook — {webhook.name}"
            if webhook
            else "Add incoming webhook"
        )
        self._build()
        self._load(webhook)
        self._saved_state = self._state()
        self._connect()
        self._request_case_types()
        enter_clicks(self, self.save_button)  # saving validates
        self.name.setFocus()

    def _build(self) -> None:
        general = QLabel()
        self.errors = FormErrors(general)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. SIEM Integration")
        self.description = notes_field("Optional: which system sends here", 56)
        self.case_type = QComboBox()
        self.case_type.addItem(NO_CASE_TYPE, None)
        self.attributes = QLabel("Loading case types…")
        self.attributes.setWordWrap(True)
        self.attributes.setTextFormat(Qt.TextFormat.RichText)
        self.attributes.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.mode = _choice_combo(CASE_MODES)
        self.severity = _choice_combo(SEVERITIES)
        self.lead = QLineEdit()
        self.lead.setPlaceholderText("Optional username")
        self.enabled = QCheckBox("Enabled — accept requests on this webhook")

        form = QFormLayout()
        form.addRow("Name", self.errors.field(self.name, "name"))
        form.addRow("Description", self.description)
        form.addRow("Default case type", self.errors.field(self.case_type, "case_type"))
        form.addRow("Expected attributes", self.attributes)
        form.addRow(
            "Default mode", self.errors.field(self.mode, "default_mode", "mode")
        )
        form.addRow(
            "Default severity",
            self.errors.field(self.severity, "default_severity", "severity"),
        )
        form.addRow(
            "Default lead investigator",
            self.errors.field(self.lead, "default_lead_investigator"),
        )
        form.addRow("", self.enabled)

        self.buttons = QDialogButtonBox()
        label = "Save webhook" if self._webhook else "Create Webhook"
        self.save_button = self.buttons.addButton(
            label, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(general)
        layout.addLayout(form)
        layout.addWidget(
            hint(
                "Requests that omit severity or mode get these defaults. "
                "A new token is generated when the webhook is created."
            )
        )
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(680, 440)

    def _load(self, webhook: IncomingWebhook | None) -> None:
        self.enabled.setChecked(webhook.enabled if webhook else True)
        _select(self.mode, webhook.default_mode if webhook else "investigation")
        _select(self.severity, webhook.default_severity if webhook else "medium")
        if webhook is None:
            return

        self.name.setText(webhook.name)
        self.description.setPlainText(webhook.description)
        self.lead.setText(webhook.default_lead_investigator)
        for field in (self.name, self.lead):
            field.setCursorPosition(0)  # a long value shows its start

    def _connect(self) -> None:
        self.case_type.activated.connect(self._on_case_type_chosen)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)

    def _request_case_types(self) -> None:
        call = self._bridge.submit(lambda engine: engine.list_case_types())
        call.succeeded.connect(self._on_case_types_listed)
        call.failed.connect(self.errors.show_error)

    def _on_case_types_listed(self, case_types: list[CaseType]) -> None:
        self._case_types = {case_type.name: case_type for case_type in case_types}
        for name in self._case_types:
            self.case_type.addItem(name, name)
        if self._chosen_type is not None:
            _select(self.case_type, self._chosen_type)
        self._show_attributes()

    def _on_case_type_chosen(self, index: int) -> None:
        self._chosen_type = self.case_type.itemData(index)
        self._show_attributes()

    def _show_attributes(self) -> None:
        self.attributes.setText(_attributes_text(self._case_types, self._chosen_type))

    def _state(self) -> tuple[Any, ...]:
        return (
            self.name.text(),
            self.description.toPlainText(),
            self._chosen_type,
            self.mode.currentData(),
            self.severity.currentData(),
            self.lead.text(),
            self.enabled.isChecked(),
        )

    def is_dirty(self) -> bool:
        return self._state() != self._saved_state

    def collect_spec(self) -> IncomingWebhookSpec:
        return IncomingWebhookSpec(
            name=self.name.text().strip(),
            description=self.description.toPlainText().strip(),
            case_type=self._chosen_type,
            default_mode=self.mode.currentData(),
            default_severity=self.severity.currentData(),
            default_lead_investigator=self.lead.text().strip(),
            enabled=self.enabled.isChecked(),
        )

    def _on_save_clicked(self) -> None:
        if self._saving:
            return
        self.errors.clear()
        spec = self.collect_spec()

        self._set_saving(True)
        webhook = self._webhook
        if webhook is None:
            call = self._bridge.submit(lambda engine: engine.create_incoming(spec))
            call.succeeded.connect(self._on_created)
        else:
            call = self._bridge.submit(
                lambda engine: engine.update_incoming(webhook.id, spec)
            )
            call.succeeded.connect(self._on_updated)

        call.failed.connect(self._on_save_failed)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.save_button.setEnabled(not saving)

    def _on_created(self, issued: IssuedToken) -> None:
        self._finish()
        self.token_issued.emit(issued)

    def _on_updated(self, webhook: IncomingWebhook) -> None:
        self._finish()
        self.webhook_saved.emit(webhook)

    def _finish(self) -> None:
        self._set_saving(False)
        self._saved_state = self._state()
        self.accept()

    def _on_save_failed(self, error: object) -> None:
        self._set_saving(False)
        self.errors.show_error(error)

    def reject(self) -> None:
        """Cancel, Escape or the close box: ask first if anything changed."""
        if self._saving or not self.is_dirty():
            super().reject()
            return
        ask_discard(self, lambda: QDialog.reject(self))


def _attributes_text(case_types: dict[str, CaseType], chosen: str | None) -> str:
    if not case_types:
        return "No case types are defined yet; cases get no custom attributes."
    if chosen is None:
        return "Choose a case type to see the attribute keys a request may send."
    case_type = case_types.get(chosen)
    if case_type is None:
        return f"The case type “{html.escape(chosen)}” no longer exists."
    if not case_type.fields:
        return "This case type has no custom fields; attributes are dropped."
    keys = ", ".join(f"<b>{html.escape(field.key)}</b>" for field in case_type.fields)
    return f"Send these keys in <tt>attributes</tt>: {keys}. Other keys are dropped."


def _choice_combo(values: tuple[str, ...]) -> QComboBox:
    combo = QComboBox()
    for value in values:
        combo.addItem(value.capitalize(), value)
    return combo


def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)
