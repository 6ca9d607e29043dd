"""The Webhooks tab: outgoing and incoming sections of cards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.api import IncomingWebhook, IssuedToken, OutgoingWebhook
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.form import hint, section_title
from dfire_desktop.ui.prompts import confirm, open_window
from dfire_desktop.ui.webhook_cards import (
    IncomingWebhookCard,
    OutgoingWebhookCard,
    W,
    WebhookCard,
)
from dfire_desktop.ui.webhooks import Webhooks


class CardSection(QWidget, Generic[W]):
    """A titled list of cards with an Add Webhook button and an empty state."""

    def __init__(self, title: str, explanation: str, empty_text: str) -> None:
        super().__init__()
        self.add_button = QPushButton("+ Add Webhook")
        self.empty = QLabel(empty_text)
        self.empty.setObjectName("emptyState")
        self.empty.hide()  # until the engine has answered: unknown is not empty
        self._cards = QVBoxLayout()
        self._shown: list[WebhookCard[W]] = []
        header = QHBoxLayout()
        header.addWidget(section_title(title))
        header.addStretch(1)
        header.addWidget(self.add_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(header)
        column.addWidget(hint(explanation))
        column.addWidget(self.empty)
        column.addLayout(self._cards)

    def cards(self) -> list[WebhookCard[W]]:
        return list(self._shown)

    def show_webhooks(
        self, webhooks: Sequence[W], make_card: Callable[[W], WebhookCard[W]]
    ) -> None:
        """One card per webhook, in this order.

        A webhook that already has a card keeps it, updated in place: a
        refresh after a toggle moves neither the scroll bar nor the focus.
        """
        known = {card.webhook.id: card for card in self._shown}
        cards = []
        for webhook in webhooks:
            card = known.pop(webhook.id, None)
            if card is None:
                card = make_card(webhook)
            else:
                card.show_webhook(webhook)
            cards.append(card)

        for old in self._shown:
            self._cards.removeWidget(old)
        for gone in known.values():
            gone.hide()
            gone.deleteLater()
        for card in cards:
            self._cards.addWidget(card)
        self._shown = cards
        self.empty.setVisible(not cards)


class WebhooksView(QScrollArea):
    """Shows the Webhooks model as cards and turns clicks into its actions."""

    def __init__(
        self, webhooks: Webhooks, bridge: EngineBridge, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._webhooks = webhooks
        self._bridge = bridge
        self._build()
        self._connect()

    def _build(self) -> None:
        self.outgoing: CardSection[OutgoingWebhook] = CardSection(
            "Outgoing Webhooks",
            "Send an HTTP POST to another system when something happens to a case.",
            "No outgoing webhooks yet — click Add Webhook to notify another system.",
        )
        self.incoming: CardSection[IncomingWebhook] = CardSection(
            "Incoming Webhooks",
            "Let a SIEM, SOAR or script open cases here with a bearer token.",
            "No incoming webhooks yet — click Add Webhook to let a system open cases.",
        )
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.outgoing)
        column.addSpacing(18)
        column.addWidget(self.incoming)
        column.addStretch(1)
        self.setWidget(body)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)

    def _connect(self) -> None:
        self._webhooks.outgoing_listed.connect(self._on_outgoing_listed)
        self._webhooks.incoming_listed.connect(self._on_incoming_listed)
        self._webhooks.token_issued.connect(self._on_token_issued)
        self.outgoing.add_button.clicked.connect(lambda: self.edit_outgoing(None))
        self.incoming.add_button.clicked.connect(lambda: self.edit_incoming(None))

    def _on_outgoing_listed(self) -> None:
        hooks = _by_name(self._webhooks.outgoing)
        self.outgoing.show_webhooks(hooks, self._outgoing_card)

    def _on_incoming_listed(self) -> None:
        hooks = _by_name(self._webhooks.incoming)
        self.incoming.show_webhooks(hooks, self._incoming_card)

    def _outgoing_card(self, hook: OutgoingWebhook) -> OutgoingWebhookCard:
        # The card outlives this `hook`: handlers read card.webhook, which
        # each refresh updates. The id never changes.
        card = OutgoingWebhookCard(hook)
        model, hook_id = self._webhooks, hook.id
        card.enabled_toggled.connect(lambda on: model.set_outgoing_enabled(hook_id, on))
        card.test_requested.connect(lambda: model.send_test(hook_id))
        card.duplicate_requested.connect(lambda: model.duplicate_outgoing(hook_id))
        card.history_requested.connect(lambda: self.show_history(card.webhook))
        card.edit_requested.connect(lambda: self.edit_outgoing(card.webhook))
        card.delete_requested.connect(
            lambda: self._confirm_delete(
                card.webhook.name, lambda: model.delete_outgoing(hook_id)
            )
        )
        return card

    def _incoming_card(self, hook: IncomingWebhook) -> IncomingWebhookCard:
        card = IncomingWebhookCard(hook)
        model, hook_id = self._webhooks, hook.id
        card.enabled_toggled.connect(lambda on: model.set_incoming_enabled(hook_id, on))
        card.edit_requested.connect(lambda: self.edit_incoming(card.webhook))
        card.regenerate_requested.connect(
            lambda: self._confirm_regenerate(card.webhook)
        )
        card.delete_requested.connect(
            lambda: self._confirm_delete(
                card.webhook.name, lambda: model.delete_incoming(hook_id)
            )
        )
        return card

    def edit_outgoing(self, hook: OutgoingWebhook | None) -> QWidget:
        from dfire_desktop.ui.outgoing_dialog import OutgoingWebhookDialog

        dialog = OutgoingWebhookDialog(self._bridge, hook, self)
        dialog.webhook_saved.connect(lambda _: self._webhooks.refresh_outgoing())
        return open_window(dialog)

    def edit_incoming(self, hook: IncomingWebhook | None) -> QWidget:
        from dfire_desktop.ui.incoming_dialog import IncomingWebhookDialog

        dialog = IncomingWebhookDialog(self._bridge, hook, self)
        dialog.webhook_saved.connect(lambda _: self._webhooks.refresh_incoming())
        dialog.token_issued.connect(self._webhooks.token_issued)
        dialog.token_issued.connect(lambda _: self._webhooks.refresh_incoming())
        return open_window(dialog)

    def show_history(self, hook: OutgoingWebhook) -> QWidget:
        from dfire_desktop.ui.delivery_history import DeliveryHistory
        from dfire_desktop.ui.delivery_history_view import DeliveryHistoryView

        view = DeliveryHistoryView(DeliveryHistory(), self._bridge, hook, self)
        return open_window(view)

    def _on_token_issued(self, issued: IssuedToken) -> None:
        from dfire_desktop.ui.token_reveal import TokenRevealDialog

        open_window(TokenRevealDialog(issued, self))

    def _confirm_delete(self, name: str, delete: Callable[[], None]) -> None:
        confirm(
            self,
            "Delete webhook?",
            f"Delete the webhook “{name}”? This cannot be undone.",
            "Delete webhook",
            delete,
        )

    def _confirm_regenerate(self, hook: IncomingWebhook) -> None:
        confirm(
            self,
            "Regenerate token?",
            f"Issue a new token for “{hook.name}”? Systems still using the old "
            "token will be refused until they are given the new one.",
            "Regenerate token",
            lambda: self._webhooks.regenerate_token(hook.id),
        )


def _by_name(webhooks: Sequence[W]) -> list[W]:
    """As an analyst looks for them: by name, whatever the letter case."""
    return sorted(webhooks, key=lambda hook: (hook.name.casefold(), hook.name))
