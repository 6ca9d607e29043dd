"""Open a case, or add a timeline event to one: the events webhooks send."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.api import Case, CaseType
from dfire_desktop.engine.events import CASE_MODES, SEVERITIES
from dfire_desktop.ui.bridge import EngineAction, EngineBridge
from dfire_desktop.ui.form import FormErrors, enter_clicks, hint, notes_field
from dfire_desktop.ui.long_text import ElidedLabel
from dfire_desktop.ui.prompts import ask_discard


class EngineFormDialog(QDialog):
    """A form that saves through one engine call, keeping input on errors.

    Enter saves (the engine validates); closing a changed form asks first.
    """

    saved = Signal(object)

    def __init__(
        self, bridge: EngineBridge, title: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._saving = False
        self._initial_state: tuple[object, ...] = ()
        self.setWindowTitle(title)
        self._general_error = QLabel()
        self.errors = FormErrors(self._general_error)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            "Save", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self._on_save_clicked)

    def finish_layout(self, explanation: str) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self._general_error)
        layout.addLayout(self.form)
        layout.addWidget(hint(explanation))
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(560, 420)
        self._initial_state = self._state()
        enter_clicks(self, self.save_button)

    def action(self) -> EngineAction[Any]:
        raise NotImplementedError

    def _state(self) -> tuple[object, ...]:
        """Every field's value, to tell whether the user changed anything."""
        lines = (field.text() for field in self.findChildren(QLineEdit))
        notes = (field.toPlainText() for field in self.findChildren(QPlainTextEdit))
        choices = (combo.currentIndex() for combo in self.findChildren(QComboBox))
        return (*lines, *notes, *choices)

    def reject(self) -> None:
        """Cancel, Escape or the close box: ask first if anything changed."""
        if self._saving or self._state() == self._initial_state:
            super().reject()
            return
        ask_discard(self, lambda: QDialog.reject(self))

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.save_button.setEnabled(not saving)

    def _on_save_clicked(self) -> None:
        if self._saving:
            return
        self.errors.clear()
        self._set_saving(True)

        call = self._bridge.submit(self.action())

        call.succeeded.connect(self._on_saved)
        call.failed.connect(self._on_save_failed)

    def _on_saved(self, result: object) -> None:
        self._set_saving(False)
        self.saved.emit(result)
        self.accept()

    def _on_save_failed(self, error: object) -> None:
        self._set_saving(False)
        self.errors.show_error(error)


class NewCaseDialog(EngineFormDialog):
    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, "New case", parent)
        self.title = QLineEdit()
        self.description = notes_field("", 80)
        self.severity = _combo(SEVERITIES, "medium")
        self.mode = _combo(CASE_MODES, "investigation")
        self.case_type = QComboBox()
        self.case_type.addItem("(no case type)", None)
        self.lead = QLineEdit()
        self._add_rows()
        self.finish_layout(
            "Creating an investigation fires Investigation Created; an incident "
            "fires Incident Created."
        )
        call = bridge.submit(lambda engine: engine.list_case_types())
        call.succeeded.connect(self._on_case_types_listed)

    def _add_rows(self) -> None:
        self.form.addRow("Title", self.errors.field(self.title, "title"))
        self.form.addRow("Description", self.description)
        self.form.addRow("Severity", self.severity)
        self.form.addRow("Mode", self.mode)
        self.form.addRow("Case type", self.errors.field(self.case_type, "case_type"))
        self.form.addRow("Lead investigator", self.lead)

    def _on_case_types_listed(self, case_types: list[CaseType]) -> None:
        for case_type in case_types:
            self.case_type.addItem(case_type.name, case_type.name)

    def action(self) -> EngineAction[Any]:
        title, description = self.title.text().strip(), self.description.toPlainText()
        severity, mode = self.severity.currentData(), self.mode.currentData()
        case_type, lead = self.case_type.currentData(), self.lead.text().strip()
        return lambda engine: engine.create_case(
            title, description, severity, mode, case_type, lead
        )


class TimelineEventDialog(EngineFormDialog):
    def __init__(
        self, bridge: EngineBridge, case: Case, parent: QWidget | None = None
    ) -> None:
        super().__init__(bridge, f"Add timeline event — {case.case_number}", parent)
        self._case_id = case.id
        self.subject = QLineEdit()
        self.subject.setPlaceholderText("e.g. @page Ransom note found on FS01")
        self.details = notes_field("", 100)
        self.actor = QLineEdit()
        self.actor.setPlaceholderText("Your username")
        self.form.addRow("Case", ElidedLabel(f"{case.case_number} — {case.title}"))
        self.form.addRow("Subject", self.errors.field(self.subject, "subject"))
        self.form.addRow("Details", self.details)
        self.form.addRow("Your username", self.actor)
        self.finish_layout(
            "Fires Timeline Event Created. Webhooks with a content filter send "
            "only when the subject or details match it."
        )

    def action(self) -> EngineAction[Any]:
        case_id, subject = self._case_id, self.subject.text().strip()
        details, actor = self.details.toPlainText(), self.actor.text().strip()
        return lambda engine: engine.add_timeline_event(
            case_id, subject, details, actor_username=actor
        )


def _combo(values: tuple[str, ...], default: str) -> QComboBox:
    combo = QComboBox()
    for value in values:
        combo.addItem(value.capitalize(), value)
    combo.setCurrentIndex(values.index(default))
    return combo
