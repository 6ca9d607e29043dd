"""Item models for delivery history: deliveries and their attempts."""

from __future__ import annotations

from dfire_desktop.engine.api import Attempt, Delivery, DeliveryStatus
from dfire_desktop.ui.tables import Column, RecordTable, local_time, or_dash

STATUS_TEXT = {
    DeliveryStatus.PENDING: "… Pending",
    DeliveryStatus.IN_PROGRESS: "↻ Sending",
    DeliveryStatus.SUCCEEDED: "✔ Succeeded",
    DeliveryStatus.FAILED: "✖ Failed",
}
SUCCESS_GREEN = "#1e6b2f"
FAILURE_RED = "#b3261e"
RETRY_AMBER = "#8a5300"


def is_retrying(delivery: Delivery) -> bool:
    """Waiting for another attempt after a failed one: trouble, not news."""
    return delivery.status is DeliveryStatus.PENDING and delivery.attempt_count > 0


def status_text(delivery: Delivery) -> str:
    if is_retrying(delivery):
        return f"⟳ Retrying (attempt {delivery.attempt_count} failed)"
    return STATUS_TEXT[delivery.status]


def _status_colour(delivery: Delivery) -> str | None:
    if delivery.status is DeliveryStatus.SUCCEEDED:
        return SUCCESS_GREEN
    if delivery.status is DeliveryStatus.FAILED:
        return FAILURE_RED
    return RETRY_AMBER if is_retrying(delivery) else None


def wait_text(seconds: float) -> str:
    """A wait as a person reads it: `in 1 s`, `in 12 s`, `in 3 min`, `in 2 h`."""
    if seconds < 90:
        return f"in {max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"in {round(seconds / 60)} min"
    return f"in {round(seconds / 3600)} h"


def _ms(value: int | None) -> str:
    return "—" if value is None else f"{value} ms"


DELIVERY_COLUMNS: tuple[Column[Delivery], ...] = (
    Column("Status", status_text, colour=_status_colour),
    Column("Event", lambda d: d.event_kind.label),
    Column("HTTP code", lambda d: or_dash(d.last_status_code), numeric=True),
    Column("Response time", lambda d: _ms(d.last_duration_ms), numeric=True),
    Column("Time (local)", lambda d: local_time(d.created_at)),
    Column("Attempts", lambda d: str(d.attempt_count), numeric=True),
    Column("Error", lambda d: d.last_error),
)

ATTEMPT_COLUMNS: tuple[Column[Attempt], ...] = (
    Column("#", lambda a: str(a.number), numeric=True),
    Column(
        "Result",
        lambda a: "✔ Succeeded" if a.succeeded else "✖ Failed",
        colour=lambda a: SUCCESS_GREEN if a.succeeded else FAILURE_RED,
    ),
    Column("HTTP code", lambda a: or_dash(a.status_code), numeric=True),
    Column("Response time", lambda a: _ms(a.duration_ms), numeric=True),
    Column("Started (local)", lambda a: local_time(a.started_at)),
    Column(
        "Next retry",
        lambda a: "—" if a.retry_in_seconds is None else wait_text(a.retry_in_seconds),
    ),
    Column("Error", lambda a: a.error),
)


class DeliveryHistory(RecordTable[Delivery]):
    """One webhook's recent deliveries, newest first."""

    def __init__(self) -> None:
        super().__init__(DELIVERY_COLUMNS)

    def upsert(self, delivery: Delivery) -> None:
        """Update the row of `delivery`, or add it on top if it is new."""
        for row, known in enumerate(self._rows):
            if known.id == delivery.id:
                self.replace(row, delivery)
                return
        self.insert_first(delivery)

    def failed_count(self) -> int:
        return sum(1 for d in self._rows if d.status is DeliveryStatus.FAILED)

    def retrying_count(self) -> int:
        return sum(1 for d in self._rows if is_retrying(d))


class AttemptTable(RecordTable[Attempt]):
    """The attempts of one delivery, first attempt first."""

    def __init__(self) -> None:
        super().__init__(ATTEMPT_COLUMNS)
