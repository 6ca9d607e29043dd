"""A webhook's delivery history: deliveries above, the chosen one's attempts below."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.api import Attempt, Delivery, OutgoingWebhook
from dfire_desktop.ui.bridge import EngineBridge
from dfire_desktop.ui.delivery_history import AttemptTable, DeliveryHistory, wait_text
from dfire_desktop.ui.errors import describe
from dfire_desktop.ui.form import monospace
from dfire_desktop.ui.long_text import ElidedLabel, breakable
from dfire_desktop.ui.tables import record_table_view

EMPTY_TEXT = (
    "No deliveries yet. Use “▶ Send test” on the webhook's card to try it, "
    "or wait for one of its trigger events."
)
PICK_TEXT = "Select a delivery above to see each attempt, its request and response."


class DeliveryHistoryView(QWidget):
    """Opens as its own window; follows new deliveries as they finish."""

    def __init__(
        self,
        history: DeliveryHistory,
        bridge: EngineBridge,
        webhook: OutgoingWebhook,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.history = history
        history.setParent(self)  # a view does not own its model otherwise
        self.attempts = AttemptTable()
        self.attempts.setParent(self)
        self._bridge = bridge
        self._webhook = webhook
        self._selected: str | None = None
        self.setWindowTitle(f"Delivery history — {webhook.name}")
        self._build()
        self._connect()
        self.refresh()

    def _build(self) -> None:
        self.title = ElidedLabel(self._webhook.name)
        self.title.setObjectName("cardTitle")
        self.endpoint = ElidedLabel(
            f"→ {self._webhook.url}", Qt.TextElideMode.ElideMiddle
        )
        self.summary = QLabel("Loading deliveries…")
        self.summary.setWordWrap(True)
        self.refresh_button = QPushButton("⟳ Refresh")
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("emptyState")
        self.empty.hide()
        self.deliveries_table = record_table_view(self.history)
        self.attempts_table = record_table_view(self.attempts)
        self.detail = monospace(QPlainTextEdit())
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(PICK_TEXT)

        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.endpoint, 1)
        header.addWidget(self.refresh_button)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.attempts_table)
        lower.addWidget(self.detail)
        lower.setSizes([560, 440])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.deliveries_table)
        split.addWidget(_labelled("Attempts of the selected delivery", lower))
        split.setSizes([330, 300])

        column = QVBoxLayout(self)
        column.addLayout(header)
        column.addWidget(self.summary)
        column.addWidget(self.empty)
        column.addWidget(split, 1)
        self.resize(1100, 720)

    def _connect(self) -> None:
        self.refresh_button.clicked.connect(self.refresh)
        self.deliveries_table.selectionModel().selectionChanged.connect(
            self._on_delivery_selected
        )
        self.attempts_table.selectionModel().selectionChanged.connect(
            self._on_attempt_selected
        )
        self._bridge.delivery_finished.connect(self._on_delivery_finished)

    def refresh(self) -> None:
        webhook_id = self._webhook.id
        call = self._bridge.submit(lambda engine: engine.list_deliveries(webhook_id))
        call.succeeded.connect(self._on_deliveries_listed)
        call.failed.connect(self._on_failed)

    def _on_deliveries_listed(self, deliveries: list[Delivery]) -> None:
        self.history.set_rows(deliveries)
        self._show_summary()
        self._reselect()

    def _on_delivery_finished(self, delivery: Delivery) -> None:
        if delivery.webhook_id != self._webhook.id:
            return
        self.history.upsert(delivery)
        self._show_summary()
        if delivery.id == self._selected:
            self._load_attempts(delivery.id)

    def _on_delivery_selected(
        self, selected: QItemSelection, _: QItemSelection
    ) -> None:
        rows = selected.indexes()
        if not rows:
            return
        delivery = self.history.record(rows[0].row())
        self._selected = delivery.id
        self._load_attempts(delivery.id)

    def _load_attempts(self, delivery_id: str) -> None:
        call = self._bridge.submit(lambda engine: engine.list_attempts(delivery_id))
        call.succeeded.connect(self._on_attempts_listed)
        call.failed.connect(self._on_failed)

    def _on_attempts_listed(self, attempts: list[Attempt]) -> None:
        self.attempts.set_rows(attempts)
        self.detail.clear()
        if attempts:
            self.attempts_table.selectRow(len(attempts) - 1)

    def _on_attempt_selected(self, selected: QItemSelection, _: QItemSelection) -> None:
        rows = selected.indexes()
        if rows:
            self.detail.setPlainText(_attempt_text(self.attempts.record(rows[0].row())))

    def _on_failed(self, error: object) -> None:
        self.summary.setText(
            breakable(f"Could not load the history: {describe(error)}")
        )

    def _show_summary(self) -> None:
        total = self.history.rowCount()
        counts = f"{total} recent deliveries, {self.history.failed_count()} failed"
        retrying = self.history.retrying_count()
        if retrying:
            counts += f", {retrying} retrying after a failed attempt"
        self.empty.setVisible(total == 0)
        self.summary.setText(f"{counts}. {_retry_text(self._webhook.max_retries)}")

    def _reselect(self) -> None:
        for row, delivery in enumerate(self.history.rows()):
            if delivery.id == self._selected:
                self.deliveries_table.selectRow(row)
                return


def _retry_text(max_retries: int) -> str:
    if max_retries == 0:
        return "This webhook does not retry failed deliveries."
    times = "once" if max_retries == 1 else f"up to {max_retries} times"
    return f"A failed attempt is retried {times}, waiting longer each time."


def _labelled(text: str, widget: QWidget) -> QWidget:
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 6, 0, 0)
    column.addWidget(QLabel(text))
    column.addWidget(widget, 1)
    return box


def _attempt_text(attempt: Attempt) -> str:
    """The attempt as the engine recorded it (credentials already redacted)."""
    lines = [f"Attempt {attempt.number}"]
    if attempt.error:
        lines.append(f"Error: {attempt.error}")
    if attempt.retry_in_seconds is not None:
        lines.append(f"Next retry {wait_text(attempt.retry_in_seconds)}")
    lines += ["", "— Request headers —", *_header_lines(attempt.request_headers)]
    lines += ["", "— Request body —", attempt.request_body or "(empty)"]
    lines += ["", "— Response headers —", *_header_lines(attempt.response_headers)]
    lines += ["", "— Response body —", attempt.response_body or "(empty)"]
    return "\n".join(lines)


def _header_lines(headers: dict[str, str]) -> list[str]:
    return [f"{name}: {value}" for name, value in headers.items()] or ["(none)"]
