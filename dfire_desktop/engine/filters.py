"""Content filters: RE2 patterns on a timeline event's subject and details.

RE2 runs in linear time, so no pattern can hang the engine (field fault F10).
"""

from __future__ import annotations

import functools
from typing import Any

import re2

from dfire_desktop.engine.errors import InvalidInputError

MAX_PATTERN_LENGTH = 1000


@functools.lru_cache(maxsize=256)
def compile_filter(pattern: str) -> Any:
    """The compiled pattern, or InvalidInputError saying what is wrong."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise InvalidInputError(
            f"content filter is longer than {MAX_PATTERN_LENGTH} characters",
            field="content_filter",
        )
    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(pattern, options=options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "unknown reason"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise InvalidInputError(
            f"content filter is not a valid pattern: {reason}",
            field="content_filter",
        ) from exc


def matches(pattern: str, text: str) -> bool:
    """True when `pattern` is empty or found anywhere in `text`."""
    if not pattern:
        return True
    return compile_filter(pattern).search(text) is not None
