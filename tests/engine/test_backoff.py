"""When a failed delivery is tried again (F07)."""

from __future__ import annotations

import email.utils
import random

import pytest

from dfire_desktop.engine.backoff import (
    MAX_RETRY_DELAY_SECONDS,
    backoff_delay,
    is_retryable_status,
    parse_retry_after,
)
from tests.support.clock import FakeClock


def http_date(clock: FakeClock, seconds_ahead: float) -> str:
    clock.advance(seconds_ahead)
    text = email.utils.format_datetime(clock.now(), usegmt=True)
    clock.advance(-seconds_ahead)
    return text


@pytest.mark.parametrize(
    ("ahead", "expected"),
    [(90, 90.0), (-30, 0.0), (10 * 86400, MAX_RETRY_DELAY_SECONDS)],
)
def test_retry_after_date_is_seconds_from_now(ahead: float, expected: float) -> None:
    """An HTTP-date means the wait until then: a past date is no wait, a far
    one is clamped."""
    clock = FakeClock()

    assert parse_retry_after(http_date(clock, ahead), clock.now()) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [("3", 3.0), ("604800", MAX_RETRY_DELAY_SECONDS), ("later", None), (None, None)],
)
def test_retry_after_seconds_or_nothing(
    header: str | None, expected: float | None
) -> None:
    """Delta-seconds are taken (clamped); anything unreadable means "use the
    backoff"."""
    assert parse_retry_after(header, FakeClock().now()) == expected


def test_backoff_doubles_with_jitter_below_each_step() -> None:
    """Each retry waits between half and all of base·2^(n-1), capped."""
    rng = random.Random(7)
    delays = [backoff_delay(n, 10.0, rng) for n in range(1, 6)]

    for n, delay in enumerate(delays, start=1):
        step = 10.0 * 2 ** (n - 1)
        assert step / 2 <= delay < step
    assert backoff_delay(30, 10.0, rng) <= MAX_RETRY_DELAY_SECONDS


def test_redirects_are_not_retried_other_failures_are() -> None:
    """A redirect needs a new URL, not another try; 429, 5xx and 4xx retry."""
    assert not is_retryable_status(301)
    assert all(is_retryable_status(code) for code in (400, 429, 500, 503))
