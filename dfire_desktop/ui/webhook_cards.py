"""One card per webhook: what it is, whether it is on, and what to do with it."""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.api import AuthType, IncomingWebhook, OutgoingWebhook
from dfire_desktop.ui.auth_editor import method_label
from dfire_desktop.ui.event_picker import summarise
from dfire_desktop.ui.long_text import ElidedLabel
from dfire_desktop.ui.toggle import ToggleSwitch


class Webhook(Protocol):
    """What every card shows in its title row."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def enabled(self) -> bool: ...


W = TypeVar("W", bound=Webhook)


class WebhookCard(QFrame, Generic[W]):
    """The frame, title row and button row both kinds of card share.

    A card is updated in place when its webhook changes, so a refresh keeps
    the scroll position and the focus. Every text is elided: a name or URL
    of any length never widens the list.
    """

    enabled_toggled = Signal(bool)
    edit_requested = Signal()
    delete_requested = Signal()

    def __init__(self, webhook: W, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.webhook = webhook
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = ElidedLabel()
        self.title.setObjectName("cardTitle")
        self.state = QLabel()
        self.state.setObjectName("statusChip")
        self.switch = ToggleSwitch("Enable or disable this webhook")
        self.details = QVBoxLayout()
        self.action_row = QHBoxLayout()
        self._lay_out()
        self.switch.toggled.connect(self._on_switch_toggled)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(8)
        top.addWidget(self.state)
        top.addStretch(1)
        top.addWidget(self.switch)
        self.action_row.addStretch(1)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addLayout(self.details)
        column.addLayout(self.action_row)

    def show_webhook(self, webhook: W) -> None:
        """Show `webhook`, the engine's latest word on this card's webhook."""
        self.webhook = webhook
        self.title.set_full_text(webhook.name)
        self.switch.setAccessibleName(f"Enable or disable {webhook.name}")
        # The engine already knows: setting the switch must not ask it again.
        blocked = self.switch.blockSignals(True)
        self.switch.setChecked(webhook.enabled)
        self.switch.blockSignals(blocked)
        self._show_state(webhook.enabled)

    def add_detail(
        self, mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight
    ) -> ElidedLabel:
        label = ElidedLabel(mode=mode)
        self.details.addWidget(label)
        return label

    def add_action(self, text: str, tooltip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tooltip)
        self.action_row.insertWidget(self.action_row.count() - 1, button)
        return button

    def _show_state(self, enabled: bool) -> None:
        self.state.setText("Enabled" if enabled else "Disabled")
        self.state.setProperty("enabledState", "true" if enabled else "false")
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)

    def _on_switch_toggled(self, enabled: bool) -> None:
        self._show_state(enabled)
        self.enabled_toggled.emit(enabled)


class OutgoingWebhookCard(WebhookCard[OutgoingWebhook]):
    """An outgoing webhook; clicking the card opens its delivery history."""

    test_requested = Signal()
    duplicate_requested = Signal()
    history_requested = Signal()

    def __init__(self, webhook: OutgoingWebhook, parent: QWidget | None = None) -> None:
        super().__init__(webhook, parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click to see the delivery history")
        self.endpoint = self.add_detail(Qt.TextElideMode.ElideMiddle)
        self.events = self.add_detail()
        self.extras = self.add_detail()
        self._add_buttons()
        self.show_webhook(webhook)

    def show_webhook(self, webhook: OutgoingWebhook) -> None:
        super().show_webhook(webhook)
        self.endpoint.set_full_text(f"POST  {webhook.url}")
        self.events.set_full_text(f"Events: {summarise(webhook.events)}")
        self.extras.set_full_text(_outgoing_extras(webhook))

    def _add_buttons(self) -> None:
        test = self.add_action("▶ Send test", "Send a Test Event now")
        duplicate = self.add_action("❐ Duplicate", "Copy this webhook's settings")
        history = self.add_action("☰ History", "Recent deliveries and attempts")
        edit = self.add_action("✎ Edit", "Change this webhook")
        delete = self.add_action("✕ Delete", "Delete this webhook")
        test.clicked.connect(self.test_requested)
        duplicate.clicked.connect(self.duplicate_requested)
        history.clicked.connect(self.history_requested)
        edit.clicked.connect(self.edit_requested)
        delete.clicked.connect(self.delete_requested)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.history_requested.emit()
        super().mouseReleaseEvent(event)


class IncomingWebhookCard(WebhookCard[IncomingWebhook]):
    regenerate_requested = Signal()

    def __init__(self, webhook: IncomingWebhook, parent: QWidget | None = None) -> None:
        super().__init__(webhook, parent)
        # Elided, so not selectable: the Copy URL button gives the whole URL.
        self.endpoint = self.add_detail(Qt.TextElideMode.ElideMiddle)
        self.defaults = self.add_detail()
        self._add_buttons()
        self.show_webhook(webhook)

    def show_webhook(self, webhook: IncomingWebhook) -> None:
        super().show_webhook(webhook)
        self.endpoint.set_full_text(f"POST  {webhook.url}")
        self.defaults.set_full_text(_incoming_defaults(webhook))

    def _add_buttons(self) -> None:
        copy_url = self.add_action("❐ Copy URL", "Copy the incoming URL")
        edit = self.add_action("✎ Edit", "Change this webhook")
        regenerate = self.add_action(
            "⟳ Regenerate token", "Issue a new token; the old one stops working"
        )
        delete = self.add_action("✕ Delete", "Delete this webhook")
        copy_url.clicked.connect(self._copy_url)
        edit.clicked.connect(self.edit_requested)
        regenerate.clicked.connect(self.regenerate_requested)
        delete.clicked.connect(self.delete_requested)

    def _copy_url(self) -> None:
        QGuiApplication.clipboard().setText(self.webhook.url)


def _outgoing_extras(webhook: OutgoingWebhook) -> str:
    parts = [f"Auth: {method_label(webhook.auth_type)}"]
    if webhook.auth_type is AuthType.HEADERS and webhook.auth_header_names:
        parts[0] += f" ({', '.join(webhook.auth_header_names)})"
    parts.append("signed" if webhook.has_signing_secret else "not signed")
    if webhook.content_filter:
        parts.append(f"filter: {webhook.content_filter}")
    parts.append(
        f"retries {webhook.max_retries}, timeout {webhook.timeout_seconds:g} s"
    )
    return " · ".join(parts)


def _incoming_defaults(webhook: IncomingWebhook) -> str:
    lead = webhook.default_lead_investigator or "none"
    return (
        f"Case type: {webhook.case_type or 'none'} · "
        f"defaults: {webhook.default_mode}, {webhook.default_severity} severity · "
        f"lead: {lead}"
    )
