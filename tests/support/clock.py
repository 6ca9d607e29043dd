"""A clock tests move by hand."""

from __future__ import annotations

import datetime as dt


class FakeClock:
    def __init__(self, moment: dt.datetime | None = None) -> None:
        self.moment = moment or dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += dt.timedelta(seconds=seconds)
