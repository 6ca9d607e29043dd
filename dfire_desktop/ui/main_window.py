"""The main window: Webhooks, Secrets and Cases tabs under a status banner."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.api import Delivery, DeliveryStatus
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.case_list import CaseList
from dfire_desktop.ui.case_list_view import CaseListView
from dfire_desktop.ui.errors import VAULT_LOCKED_HELP
from dfire_desktop.ui.long_text import breakable
from dfire_desktop.ui.prompts import inform
from dfire_desktop.ui.secret_table import SecretTable
from dfire_desktop.ui.secret_table_view import SecretTableView
from dfire_desktop.ui.webhooks import Webhooks
from dfire_desktop.ui.webhooks_view import WebhooksView

STATUS_SECONDS = 8
OUTCOMES = {DeliveryStatus.SUCCEEDED: "delivered", DeliveryStatus.FAILED: "failed"}


class MainWindow(QMainWindow):
    def __init__(self, bridge: EngineBridge) -> None:
        super().__init__()
        self._bridge = bridge
        self.webhooks = Webhooks(bridge, self)
        self.setWindowTitle("DFIRe Desktop — Webhooks")
        self._build()
        self._connect()
        if bridge.ready:
            self._on_engine_started()

    def _build(self) -> None:
        self.listener = QLabel("Starting the engine…")
        self.vault_warning = QLabel("⚠  " + VAULT_LOCKED_HELP)
        self.vault_warning.setObjectName("warningBanner")
        self.vault_warning.setWordWrap(True)
        self.vault_warning.hide()
        self.problem = QLabel()
        self.problem.setObjectName("warningBanner")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.webhooks_view = WebhooksView(self.webhooks, self._bridge)
        self.secrets_view = SecretTableView(SecretTable(), self._bridge)
        self.cases_view = CaseListView(CaseList(), self._bridge)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.webhooks_view, "Webhooks")
        self.tabs.addTab(self.secrets_view, "Secrets")
        self.tabs.addTab(self.cases_view, "Cases")

        central = QWidget()
        column = QVBoxLayout(central)
        column.addWidget(self.listener)
        column.addWidget(self.vault_warning)
        column.addWidget(self.problem)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage("Ready")
        self.resize(1100, 760)

    def _connect(self) -> None:
        self._bridge.engine_started.connect(self._on_engine_started)
        self._bridge.engine_failed.connect(self._on_engine_failed)
        self._bridge.failure_reported.connect(self._on_failure_reported)
        self._bridge.delivery_finished.connect(self._on_delivery_finished)
        self.webhooks.test_sent.connect(self._on_test_sent)
        self.webhooks.action_failed.connect(self._on_action_failed)

    def _on_engine_started(self) -> None:
        self.listener.setText(
            f"Incoming webhooks listen at <b>{self._bridge.listener_url}</b>"
        )
        problem = self._bridge.vault_problem or VAULT_LOCKED_HELP
        self.vault_warning.setText("⚠  " + problem)
        self.vault_warning.setVisible(not self._bridge.vault_unlocked)

        self.webhooks.refresh()
        self.secrets_view.refresh()
        self.cases_view.refresh()

    def _on_engine_failed(self, message: str) -> None:
        self.listener.setText("The engine is not running.")
        self._show_problem(f"The engine could not start: {message}")

    def _on_failure_reported(self, message: str) -> None:
        self._show_problem(f"Background problem: {message}")

    def _on_action_failed(self, message: str) -> None:
        inform(self, "The change was not made", message)

    def _on_test_sent(self, delivery: Delivery) -> None:
        name = delivery.webhook_name
        webhook = self.webhooks.outgoing_by_id(delivery.webhook_id)
        if webhook is not None and not webhook.enabled:
            queued = (
                f"“{name}” is disabled; the test event was sent anyway, since "
                "a test ignores the switch."
            )
        else:
            queued = f"Test event queued for “{name}”."
        self.statusBar().showMessage(
            f"{queued} Open its history to follow it.", STATUS_SECONDS * 1000
        )

    def _on_delivery_finished(self, delivery: Delivery) -> None:
        self.statusBar().showMessage(
            delivery_outcome_text(delivery), STATUS_SECONDS * 1000
        )

    def _show_problem(self, message: str) -> None:
        self.problem.setText("⚠  " + breakable(message))
        self.problem.show()


def delivery_outcome_text(delivery: Delivery) -> str:
    """One line on how an attempt ended, for the status bar."""
    outcome = OUTCOMES.get(delivery.status, "attempt failed, will retry")
    lead = f"{delivery.event_kind.label} to “{delivery.webhook_name}”: {outcome}"
    code, ms = delivery.last_status_code, delivery.last_duration_ms
    if code is not None:
        return f"{lead} (HTTP {code}, {ms or 0} ms)"
    if ms is None:  # nothing went out: the request could not be prepared
        return f"{lead}, not sent: {delivery.last_error}"
    return f"{lead}, no answer after {ms} ms: {delivery.last_error}"
