"""Add a webhook secret, or replace the value of one."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.api import Secret
from dfire_desktop.engine.errors import InvalidInputError
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.form import FormErrors, hint, password_field
from dfire_desktop.ui.prompts import ask_discard


class SecretDialog(QDialog):
    """The value is typed into a masked field and forgotten once saved."""

    secret_saved = Signal(object)

    def __init__(
        self,
        bridge: EngineBridge,
        secret: Secret | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._replacing = secret is not None
        self._saving = False
        self.setWindowTitle(
            f"Replace secret value — {secret.name}" if secret else "Add secret"
        )
        self._build(secret)
        self._initial_state = self._state()
        self._connect()

    def _build(self, secret: Secret | None) -> None:
        general = QLabel()
        self.errors = FormErrors(general)
        self.name = QLineEdit(secret.name if secret else "")
        self.name.setReadOnly(self._replacing)
        self.name.setPlaceholderText("e.g. pushover_api_token")
        self.reference = hint("")
        # One short line: wrapping made the form row grow a gap above it.
        self.reference.setWordWrap(False)
        self.description = QLineEdit(secret.description if secret else "")
        self.description.setPlaceholderText("Optional: what it is, who issued it")
        self.value = password_field()
        self.value.setPlaceholderText(
            "Type or paste the new value"
            if self._replacing
            else "Type or paste the value"
        )
        form = QFormLayout()
        form.addRow("Name", self.errors.field(self.name, "name"))
        form.addRow("", self.reference)
        form.addRow("Description", self.errors.field(self.description, "description"))
        form.addRow("Value", self.errors.field(self.value, "value"))

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            "Save secret", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(general)
        layout.addLayout(form)
        layout.addWidget(
            hint(
                "The value is encrypted and can never be displayed again, only "
                "replaced. It is inserted into payloads when a webhook is sent."
            )
        )
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._show_reference()
        self.resize(580, 280)

    def _connect(self) -> None:
        self.name.textChanged.connect(self._show_reference)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)

    def _show_reference(self) -> None:
        name = self.name.text().strip() or "name"
        self.reference.setText(f"Use it in templates as {{{{secret.{name}}}}}")

    def _on_save_clicked(self) -> None:
        if self._saving:
            return
        self.errors.clear()
        name, value = self.name.text().strip(), self.value.text()
        description = self.description.text().strip()
        if not value:
            self.errors.show_error(
                InvalidInputError("Enter the secret's value.", "value")
            )
            return

        self._set_saving(True)
        call = self._bridge.submit(
            lambda engine: engine.set_secret(name, value, description)
        )
        call.succeeded.connect(self._on_saved)
        call.failed.connect(self._on_save_failed)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.save_button.setEnabled(not saving)

    def _on_saved(self, secret: Secret) -> None:
        self._set_saving(False)
        self.value.clear()

        self.secret_saved.emit(secret)
        self.accept()

    def _on_save_failed(self, error: object) -> None:
        self._set_saving(False)
        self.errors.show_error(error)

    def _state(self) -> tuple[str, ...]:
        return (self.name.text(), self.description.text(), self.value.text())

    def reject(self) -> None:
        """Ask before dropping anything typed."""
        if self._saving or self._state() == self._initial_state:
            super().reject()
            return
        ask_discard(self, lambda: QDialog.reject(self))
