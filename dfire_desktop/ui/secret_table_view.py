"""The Secrets tab: the secret table and its Add, Replace and Delete buttons."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.api import Secret
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.errors import describe
from dfire_desktop.ui.form import hint, section_title
from dfire_desktop.ui.long_text import breakable
from dfire_desktop.ui.prompts import confirm, open_window
from dfire_desktop.ui.secret_dialog import SecretDialog
from dfire_desktop.ui.secret_table import SecretTable

EMPTY_TEXT = (
    "No secrets yet — click Add Secret to store an API key or token for "
    "your payload templates."
)


class SecretTableView(QWidget):
    def __init__(
        self, secrets: SecretTable, bridge: EngineBridge, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.secrets = secrets
        secrets.setParent(self)  # a view does not own its model otherwise
        self._bridge = bridge
        self._build()
        self._connect()
        self._on_selection_changed()

    def _build(self) -> None:
        self.add_button = QPushButton("+ Add Secret")
        self.replace_button = QPushButton("Replace value…")
        self.delete_button = QPushButton("✕ Delete…")
        for button in (self.replace_button, self.delete_button):
            button.setToolTip("Select a secret in the table first")
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("emptyState")
        self.table = QTableView()
        self.table.setModel(self.secrets)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        buttons = QHBoxLayout()
        buttons.addWidget(section_title("Webhook Secrets"))
        buttons.addStretch(1)
        for button in (self.add_button, self.replace_button, self.delete_button):
            buttons.addWidget(button)
        column = QVBoxLayout(self)
        column.addLayout(buttons)
        column.addWidget(
            hint(
                "Store API keys and tokens here and reference them in payload "
                "templates as {{secret.name}}. Values are encrypted and never "
                "shown again; you can replace or delete them."
            )
        )
        column.addWidget(self.message)
        column.addWidget(self.empty)
        column.addWidget(self.table, 1)

    def _connect(self) -> None:
        self.add_button.clicked.connect(lambda: self.open_dialog(None))
        self.replace_button.clicked.connect(self._on_replace_clicked)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.doubleClicked.connect(self._on_replace_clicked)
        self.secrets.modelReset.connect(self._on_selection_changed)

    def refresh(self) -> None:
        call = self._bridge.submit(lambda engine: engine.list_secrets())
        call.succeeded.connect(self._on_secrets_listed)
        call.failed.connect(self._on_failed)

    def _on_secrets_listed(self, secrets: list[Secret]) -> None:
        self.secrets.set_rows(secrets)
        self.empty.setVisible(not secrets)

    def _on_failed(self, error: object) -> None:
        self.message.setText(breakable(describe(error)))
        self.message.show()

    def selected_secret(self) -> Secret | None:
        rows = self.table.selectionModel().selectedRows()
        return self.secrets.record(rows[0].row()) if rows else None

    def _on_selection_changed(self) -> None:
        chosen = self.selected_secret() is not None
        self.replace_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def open_dialog(self, secret: Secret | None) -> SecretDialog:
        dialog = SecretDialog(self._bridge, secret, self)
        dialog.secret_saved.connect(lambda _: self.refresh())
        return open_window(dialog)

    def _on_replace_clicked(self) -> None:
        secret = self.selected_secret()
        if secret is not None:
            self.open_dialog(secret)

    def _on_delete_clicked(self) -> None:
        secret = self.selected_secret()
        if secret is None:
            return
        name = secret.name
        call = self._bridge.submit(lambda engine: engine.secret_users(name))
        call.succeeded.connect(lambda users: self._confirm_delete(name, users))
        call.failed.connect(self._on_failed)

    def _confirm_delete(self, name: str, users: list[str]) -> None:
        """Ask, naming the webhooks that would stop sending."""
        if users:
            listed = ", ".join(f"“{user}”" for user in users)
            impact = (
                f"It is used by {listed}: their deliveries will fail, not "
                "send, until a secret of this name is added again."
            )
        else:
            impact = "No outgoing webhook uses it."
        confirm(
            self,
            "Delete secret?",
            breakable(f"Delete the secret “{name}”? {impact}"),
            "Delete secret",
            lambda: self._delete(name),
        )

    def _delete(self, name: str) -> None:
        self.message.hide()
        call = self._bridge.submit(lambda engine: engine.delete_secret(name))
        call.succeeded.connect(lambda _: self.refresh())
        call.failed.connect(self._on_failed)
