"""Add a webhook secret, or replace the value of one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.api import Secret
from dfire_desktop.engine.catalogue import is_valid_secret_name
from dfire_desktop.engine.errors import InvalidInputError, SecretExistsError
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.form import FormErrors, enter_clicks, hint, password_field
from dfire_desktop.ui.long_text import ElidedLabel
from dfire_desktop.ui.prompts import ask_discard

if TYPE_CHECKING:
    pass


class SecretDialog(QDialog):
    """The value is typed into a masked field and forgotten once saved.

    Adding never overwrites a secret: a name in use is refused, and the
    dialog offers to replace that secret's value instead. Replacing keeps
    the stored description unless the user changed it.
    """

    secret_saved = Signal(object)

    def __init__(
        self,
        bridge: EngineBridge,
        secret: Secret | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._existing = secret
        self._offered: Secret | None = None
        self._saving = False
        self._build()
        self._show_mode()
        self._initial_state = self._state()
        self._connect()
        enter_clicks(self, self.save_button)  # saving validates

    def _build(self) -> None:
        general = QLabel()
        self.errors = FormErrors(general)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. pushover_api_token")
        self.replace_offer = QPushButton()
        self.replace_offer.hide()
        self.reference = ElidedLabel(mode=Qt.TextElideMode.ElideMiddle)
        self.reference.setObjectName("hint")
        self.description = QLineEdit()
        self.description.setPlaceholderText("Optional: what it is, who issued it")
        self.value = password_field()
        form = QFormLayout()
        form.addRow("Name", self.errors.field(self.name, "name"))
        form.addRow("", self.replace_offer)
        form.addRow("", self.reference)
        form.addRow("Description", self.errors.field(self.description, "description"))
        form.addRow("Value", self.errors.field(self.value, "value"))

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            "Save secret", QDialogButtonBox.ButtonRole.AcceptRole
        )
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
        self.resize(580, 280)

    def _show_mode(self) -> None:
        """Title, name and placeholders for adding or for replacing."""
        secret = self._existing
        self.setWindowTitle(
            f"Replace secret value — {secret.name}" if secret else "Add secret"
        )
        if secret is not None:
            self.name.setText(secret.name)
            self.name.setCursorPosition(0)
            self.description.setText(secret.description)
            self.description.setCursorPosition(0)
        self.name.setReadOnly(secret is not None)
        self.value.setPlaceholderText(
            "Type or paste the new value" if secret else "Type or paste the value"
        )
        self._show_reference()

    def _connect(self) -> None:
        self.name.textChanged.connect(self._show_reference)
        self.replace_offer.clicked.connect(self._on_replace_offer_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)

    def _show_reference(self) -> None:
        name = self.name.text().strip() or "name"
        if is_valid_secret_name(name):
            text = f"Use it in templates as {{{{secret.{name}}}}}"
        else:
            text = (
                "Names start with a letter or _ and hold only letters, digits, "
                "_, - and . (no spaces)"
            )
        self.reference.set_full_text(text)

    def _on_save_clicked(self) -> None:
        if self._saving:
            return
        self.errors.clear()
        self.replace_offer.hide()
        name, value = self.name.text().strip(), self.value.text()
        description = self._description_to_save()
        if not value:
            self.errors.show_error(
                InvalidInputError("Enter the secret's value.", "value")
            )
            return

        self._set_saving(True)
        if self._existing is None:
            call = self._bridge.submit(
                lambda engine: engine.create_secret(name, value, description or "")
            )
        else:
            call = self._bridge.submit(
                lambda engine: engine.set_secret(name, value, description)
            )
        call.succeeded.connect(self._on_saved)
        call.failed.connect(self._on_save_failed)

    def _description_to_save(self) -> str | None:
        """The description typed; None (keep the stored one) when replacing
        without touching it, so a stale or trimmed copy never overwrites."""
        typed = self.description.text()
        if self._existing is not None and typed == self._existing.description:
            return None
        return typed.strip()

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
        if isinstance(error, SecretExistsError):
            self._offer_replacing(error.existing)

    def _offer_replacing(self, secret: Secret) -> None:
        self._offered = secret
        self.replace_offer.setText(f"Replace the value of “{secret.name}” instead")
        self.replace_offer.show()

    def _on_replace_offer_clicked(self) -> None:
        """Turn this form into Replace value for the existing secret; what
        was typed stays, and Save must still be pressed."""
        secret, self._offered = self._offered, None
        if secret is None:
            return
        typed_description = self.description.text()
        self._existing = secret
        self._show_mode()
        if typed_description.strip():
            self.description.setText(typed_description)
        self.errors.clear()
        self.replace_offer.hide()
        self.value.setFocus()

    def _state(self) -> tuple[str, ...]:
        return (self.name.text(), self.description.text(), self.value.text())

    def reject(self) -> None:
        """Ask before dropping anything typed."""
        if self._saving or self._state() == self._initial_state:
            super().reject()
            return
        ask_discard(self, lambda: QDialog.reject(self))
