"""Time: one seam so tests can use a fake clock, one format for output."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """`moment` in UTC; a naive value is taken to be UTC already.

    SQLite hands back naive datetimes even for timezone-aware columns.
    """
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def rfc3339(moment: dt.datetime | None) -> str | None:
    """`moment` as RFC 3339 UTC with a `Z`, milliseconds kept when present."""
    if moment is None:
        return None
    utc = as_utc(moment)
    if utc.microsecond:
        text = utc.isoformat(timespec="milliseconds")
    else:
        text = utc.isoformat(timespec="seconds")
    return text.replace("+00:00", "Z")
