"""The Webhooks model: the configured webhooks and the actions on them.

It holds what the engine last reported and re-reads after every change, so
the cards always show the engine's truth, not a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from dfire_desktop.engine.api import Delivery, IncomingWebhook, OutgoingWebhook
from dfire_desktop.ui.bridge import EngineAction, EngineBridge
from dfire_desktop.ui.errors import describe


class Webhooks(QObject):
    outgoing_listed = Signal()
    incoming_listed = Signal()
    test_sent = Signal(object)
    token_issued = Signal(object)
    action_failed = Signal(str)

    def __init__(self, bridge: EngineBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.outgoing: list[OutgoingWebhook] = []
        self.incoming: list[IncomingWebhook] = []
        self._listed: set[str] = set()

    @property
    def loaded(self) -> bool:
        """Whether both lists have come from the engine at least once."""
        return self._listed == {"outgoing", "incoming"}

    def refresh(self) -> None:
        self.refresh_outgoing()
        self.refresh_incoming()

    def refresh_outgoing(self) -> None:
        self._run(lambda engine: engine.list_outgoing(), self._on_outgoing_listed)

    def refresh_incoming(self) -> None:
        self._run(lambda engine: engine.list_incoming(), self._on_incoming_listed)

    def outgoing_by_id(self, webhook_id: str) -> OutgoingWebhook | None:
        return next((hook for hook in self.outgoing if hook.id == webhook_id), None)

    def set_outgoing_enabled(self, webhook_id: str, enabled: bool) -> None:
        self._change_outgoing(
            lambda engine: engine.set_outgoing_enabled(webhook_id, enabled)
        )

    def duplicate_outgoing(self, webhook_id: str) -> None:
        self._change_outgoing(lambda engine: engine.duplicate_outgoing(webhook_id))

    def delete_outgoing(self, webhook_id: str) -> None:
        self._change_outgoing(lambda engine: engine.delete_outgoing(webhook_id))

    def send_test(self, webhook_id: str) -> None:
        self._run(lambda engine: engine.send_test(webhook_id), self._on_test_sent)

    def set_incoming_enabled(self, webhook_id: str, enabled: bool) -> None:
        self._change_incoming(
            lambda engine: engine.set_incoming_enabled(webhook_id, enabled)
        )

    def delete_incoming(self, webhook_id: str) -> None:
        self._change_incoming(lambda engine: engine.delete_incoming(webhook_id))

    def regenerate_token(self, webhook_id: str) -> None:
        self._run(
            lambda engine: engine.regenerate_token(webhook_id), self._on_token_issued
        )

    def _change_outgoing(self, action: EngineAction[Any]) -> None:
        self._run(action, lambda _: self.refresh_outgoing())

    def _change_incoming(self, action: EngineAction[Any]) -> None:
        self._run(action, lambda _: self.refresh_incoming())

    def _run(self, action: EngineAction[Any], on_done: Callable[[Any], None]) -> None:
        call = self._bridge.submit(action)
        call.succeeded.connect(on_done)
        call.failed.connect(self._on_failed)

    def _on_outgoing_listed(self, webhooks: list[OutgoingWebhook]) -> None:
        self.outgoing = list(webhooks)
        self._listed.add("outgoing")
        self.outgoing_listed.emit()

    def _on_incoming_listed(self, webhooks: list[IncomingWebhook]) -> None:
        self.incoming = list(webhooks)
        self._listed.add("incoming")
        self.incoming_listed.emit()

    def _on_test_sent(self, delivery: Delivery) -> None:
        self.test_sent.emit(delivery)

    def _on_token_issued(self, issued: object) -> None:
        self.token_issued.emit(issued)
        self.refresh_incoming()

    def _on_failed(self, error: object) -> None:
        # A failed change may have raced another one: show the engine's truth.
        self.action_failed.emit(describe(error))
        self.refresh()
