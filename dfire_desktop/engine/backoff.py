"""When to try a failed delivery again: exponential backoff with jitter, or
what the receiver asked for in `Retry-After` (field fault F07)."""

from __future__ import annotations

import datetime as dt
import email.utils
import random

MAX_RETRY_DELAY_SECONDS = 3600.0
JITTER_LOW = 0.5
_RANDOM = random.Random()


def backoff_delay(
    retry_number: int, base_seconds: float, rng: random.Random | None = None
) -> float:
    """Delay before retry `retry_number` (1 for the first retry).

    The full exponential step is scaled by a random factor in [0.5, 1), so a
    receiver that came back up is not hit by every delivery at once.
    """
    growth: float = 2.0 ** max(retry_number - 1, 0)
    step = min(base_seconds * growth, MAX_RETRY_DELAY_SECONDS)
    factor: float = (rng or _RANDOM).uniform(JITTER_LOW, 1.0)
    return step * factor


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds the receiver asked to wait, clamped; None when unparseable.

    Both forms of RFC 9110 are read: delta-seconds and an HTTP-date. A date
    in the past means no wait.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), MAX_RETRY_DELAY_SECONDS)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    seconds = (when - now).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_DELAY_SECONDS)


def is_retryable_status(status_code: int) -> bool:
    """Any non-2xx answer is a failed attempt; all are retried but redirects.

    A redirect is a configuration problem (the endpoint moved): retrying the
    same URL cannot succeed, so the user is told to update it instead.
    """
    return not 300 <= status_code < 400
