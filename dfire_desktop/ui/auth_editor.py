"""Authentication for an outgoing webhook: none, Basic, Bearer or headers.

Stored credentials are never shown: their fields stay blank with a
placeholder, and blank means keep what is stored.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.api import AuthSpec, AuthType, OutgoingWebhook
from dfire_desktop.engine.errors import InvalidInputError
from dfire_desktop.ui.form import KEEP_PLACEHOLDER, hint, password_field

AUTH_CHOICES: tuple[tuple[AuthType, str, str], ...] = (
    (
        AuthType.NONE,
        "None",
        "No authentication: the endpoint needs none, or credentials are "
        "in the payload.",
    ),
    (AuthType.BASIC, "Basic Auth", "HTTP Basic Authentication: username and password."),
    (AuthType.BEARER, "Bearer Token", "Sends an Authorization: Bearer <token> header."),
    (
        AuthType.HEADERS,
        "Custom Headers",
        "Your own HTTP headers, such as an API key in X-API-Key. "
        "Values are stored encrypted.",
    ),
)

Preferred = QSizePolicy.Policy.Preferred
Ignored = QSizePolicy.Policy.Ignored
STORED_ROLE = Qt.ItemDataRole.UserRole + 1
MASK = "•" * 8

Index = QModelIndex | QPersistentModelIndex


class MaskedValueDelegate(QStyledItemDelegate):
    """Shows header values as dots, edits them in a password field."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setEchoMode(QLineEdit.EchoMode.Password)
        return editor

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        value = index.data(Qt.ItemDataRole.EditRole) or ""
        if value:
            option.text = MASK
        elif index.data(STORED_ROLE):
            option.text = KEEP_PLACEHOLDER
            grey = option.palette.color(QPalette.ColorRole.PlaceholderText)
            option.palette.setColor(QPalette.ColorRole.Text, grey)


class AuthEditor(QWidget):
    """Picks the method and edits its credentials; `changed` on any edit."""

    changed = Signal()

    def __init__(
        self, webhook: OutgoingWebhook | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._stored_type = webhook.auth_type if webhook else AuthType.NONE
        self._stored_secret = bool(webhook and webhook.has_auth_secret)
        self._stored_headers = webhook.auth_header_names if webhook else ()
        self._build(webhook)
        self._connect()

    def _build(self, webhook: OutgoingWebhook | None) -> None:
        self.method = QComboBox()
        for kind, label, _ in AUTH_CHOICES:
            self.method.addItem(label, kind)
        self._explanation = hint("")
        self._page_list = [
            QWidget(),
            self._build_basic(webhook),
            self._build_bearer(),
            self._build_headers(),
        ]
        self._pages = QStackedWidget()
        for page in self._page_list:
            self._pages.addWidget(page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        method_row = QFormLayout()
        method_row.addRow("Method", self.method)
        layout.addLayout(method_row)
        layout.addWidget(self._explanation)
        layout.addWidget(self._pages)
        self._select(self._stored_type)

    def _build_basic(self, webhook: OutgoingWebhook | None) -> QWidget:
        page = QWidget()
        self.username = QLineEdit(webhook.auth_username if webhook else "")
        self.password = password_field(self._keeps(AuthType.BASIC))
        form = _form(page)
        form.addRow("Username", self.username)
        form.addRow("Password", self.password)
        return page

    def _build_bearer(self) -> QWidget:
        page = QWidget()
        self.token = password_field(self._keeps(AuthType.BEARER))
        form = _form(page)
        form.addRow("Token", self.token)
        return page

    def _build_headers(self) -> QWidget:
        page = QWidget()
        self.headers = QTableWidget(0, 2)
        self.headers.setHorizontalHeaderLabels(["Header name", "Value"])
        self.headers.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch
        )
        self.headers.verticalHeader().hide()
        self.headers.setItemDelegateForColumn(1, MaskedValueDelegate(self.headers))
        self.headers.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.headers.setMinimumHeight(110)
        for name in self._stored_headers:
            self.add_header(name, "", stored=True)

        add = QPushButton("Add header")
        remove = QPushButton("Remove selected")
        add.clicked.connect(lambda: self.add_header("", ""))
        remove.clicked.connect(self._remove_selected_header)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)

        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.headers)
        column.addLayout(buttons)
        return page

    def _connect(self) -> None:
        self.method.currentIndexChanged.connect(self._on_method_changed)
        for field in (self.username, self.password, self.token):
            field.textChanged.connect(self.changed)
        self.headers.itemChanged.connect(self.changed)

    def _keeps(self, kind: AuthType) -> bool:
        """Whether a credential of `kind` is stored, so blank can mean keep."""
        if self._stored_type != kind:
            return False
        if kind is AuthType.HEADERS:
            return bool(self._stored_headers)
        return self._stored_secret

    def _select(self, kind: AuthType) -> None:
        self.method.setCurrentIndex(self.method.findData(kind))
        self._on_method_changed(self.method.currentIndex())

    def _on_method_changed(self, index: int) -> None:
        # A stacked widget is as tall as its tallest page; hidden pages are
        # told to ignore size so the group shrinks to the chosen method.
        for number, page in enumerate(self._page_list):
            policy = Preferred if number == index else Ignored
            page.setSizePolicy(policy, policy)
        self._pages.setCurrentIndex(index)
        self._pages.updateGeometry()
        self._explanation.setText(AUTH_CHOICES[index][2])
        self.changed.emit()

    def add_header(self, name: str, value: str, stored: bool = False) -> None:
        row = self.headers.rowCount()
        self.headers.insertRow(row)
        self.headers.setItem(row, 0, QTableWidgetItem(name))
        value_item = QTableWidgetItem(value)
        value_item.setData(STORED_ROLE, stored)
        self.headers.setItem(row, 1, value_item)

    def _remove_selected_header(self) -> None:
        rows = {index.row() for index in self.headers.selectedIndexes()}
        for row in sorted(rows, reverse=True):
            self.headers.removeRow(row)
        self.changed.emit()

    def state(self) -> tuple[object, ...]:
        """Everything typed here, to tell whether anything changed."""
        fields = (self.username, self.password, self.token)
        rows = (self._header_row(row) for row in range(self.headers.rowCount()))
        return (self.current_type(), *(f.text() for f in fields), *rows)

    def current_type(self) -> AuthType:
        return AuthType(self.method.currentData())

    def spec(self) -> AuthSpec:
        """The entered authentication; InvalidInputError names the bad field."""
        kind = self.current_type()
        if kind is AuthType.BASIC:
            password = self._credential(self.password, AuthType.BASIC)
            return AuthSpec(kind, username=self.username.text(), password=password)
        if kind is AuthType.BEARER:
            return AuthSpec(kind, token=self._credential(self.token, AuthType.BEARER))
        if kind is AuthType.HEADERS:
            return AuthSpec(kind, headers=self._header_values())
        return AuthSpec()

    def _credential(self, field: QLineEdit, kind: AuthType) -> str | None:
        # Blank keeps the stored credential only when the method is unchanged;
        # a stored token must never silently become a password.
        if field.text():
            return field.text()
        return None if self._keeps(kind) else ""

    def _header_values(self) -> dict[str, str] | None:
        rows = [self._header_row(row) for row in range(self.headers.rowCount())]
        rows = [(name, value) for name, value in rows if name or value]
        names = tuple(name for name, _ in rows)
        untouched = all(not value for _, value in rows)
        if (
            self._keeps(AuthType.HEADERS)
            and untouched
            and names == self._stored_headers
        ):
            return None

        for name, value in rows:
            if not name:
                raise InvalidInputError("Every header needs a name.", "auth")
            if not value:
                raise InvalidInputError(
                    f"Enter the value of {name}: changing the headers replaces "
                    "every stored value.",
                    "auth",
                )
        return dict(rows)

    def _header_row(self, row: int) -> tuple[str, str]:
        name_item, value_item = self.headers.item(row, 0), self.headers.item(row, 1)
        name = name_item.text().strip() if name_item else ""
        value = value_item.text() if value_item else ""
        return name, value

    def clear_credentials(self) -> None:
        """Forget every typed credential (after saving)."""
        self.password.clear()
        self.token.clear()
        for row in range(self.headers.rowCount()):
            item = self.headers.item(row, 1)
            if item is not None:
                item.setText("")


def method_label(kind: AuthType) -> str:
    return next(label for choice, label, _ in AUTH_CHOICES if choice is kind)


def _form(page: QWidget) -> QFormLayout:
    form = QFormLayout(page)
    form.setContentsMargins(0, 0, 0, 0)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form
