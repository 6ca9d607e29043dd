"""Shows a new incoming webhook token, the only time it can be seen."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.api import IssuedToken
from dfire_desktop.ui.form import enter_clicks, monospace
from dfire_desktop.ui.prompts import confirm

ONCE_WARNING = (
    "This token is shown only once. Copy it now and store it where the "
    "sending system keeps its credentials. If it is lost, regenerate the "
    "token: the old one then stops working."
)
CLOSE_WARNING = (
    "The token will not be shown again — close anyway? If it is lost, the "
    "only way back is to regenerate it."
)


class TokenRevealDialog(QDialog):
    """The incoming URL and its bearer token, each with a Copy button.

    Closing loses the token for good, so Enter does nothing here, and
    Escape or the close box ask first until the token has been copied.
    """

    def __init__(self, issued: IssuedToken, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._token_copied = False
        self.close_prompt: QMessageBox | None = None
        self.setWindowTitle(f"Token for incoming webhook — {issued.webhook.name}")
        self._build(issued)
        self.copy_token.clicked.connect(self._on_token_copied)
        enter_clicks(self, None)
        self.resize(760, 420)

    def _build(self, issued: IssuedToken) -> None:
        warning = QLabel("⚠  " + ONCE_WARNING)
        warning.setObjectName("onceWarning")
        warning.setWordWrap(True)
        self.url = _read_only(issued.webhook.url)
        self.token = _read_only(issued.token)
        self.example = monospace(QPlainTextEdit(_curl_example(issued)))
        self.example.setReadOnly(True)
        self.copy_url = _copy_button("Copy URL", self.url)
        self.copy_token = _copy_button("Copy token", self.token)
        done = QDialogButtonBox()
        done.addButton(
            "I have copied the token", QDialogButtonBox.ButtonRole.AcceptRole
        )
        done.accepted.connect(self.accept)

        form = QFormLayout()
        form.addRow("Incoming URL", _with_button(self.url, self.copy_url))
        form.addRow("Bearer token", _with_button(self.token, self.copy_token))
        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addLayout(form)
        layout.addWidget(QLabel("Example request:"))
        layout.addWidget(self.example, 1)
        layout.addWidget(done)

    def _on_token_copied(self) -> None:
        self._token_copied = True

    def reject(self) -> None:
        """Escape or the close box: ask unless the token was copied."""
        if self._token_copied:
            super().reject()
            return
        if self.close_prompt is None:
            self.close_prompt = confirm(
                self,
                "Close without copying the token?",
                CLOSE_WARNING,
                "Close anyway",
                lambda: QDialog.reject(self),
            )
            self.close_prompt.finished.connect(self._on_prompt_finished)

    def _on_prompt_finished(self) -> None:
        self.close_prompt = None

    def done(self, result: int) -> None:
        # The token must not linger in widget memory once the dialog is gone.
        self.token.clear()
        self.example.clear()
        super().done(result)


def _read_only(text: str) -> QLineEdit:
    field = QLineEdit(text)
    field.setReadOnly(True)
    field.setCursorPosition(0)
    field.setMinimumWidth(460)
    return field


def _copy_button(label: str, source: QLineEdit) -> QPushButton:
    button = QPushButton(label)

    def _copy() -> None:
        QGuiApplication.clipboard().setText(source.text())
        button.setText("Copied ✓")

    button.clicked.connect(_copy)
    return button


def _with_button(field: QLineEdit, button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(button)
    return row


def _curl_example(issued: IssuedToken) -> str:
    return (
        f"curl -X POST {issued.webhook.url} \\\n"
        '  -H "Content-Type: application/json" \\\n'
        f'  -H "Authorization: Bearer {issued.token}" \\\n'
        """  -d '{"title": "Alert: suspicious login", "severity": "high"}'"""
    )
