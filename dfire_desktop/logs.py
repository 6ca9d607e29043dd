"""Logging set-up: subsystem loggers under `dfire`, a file in the data dir,
and a filter that scrubs any credential the process has seen."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from dfire_desktop.engine.vault import RedactingFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_LOG_BYTES = 5 * 1024 * 1024
KEPT_LOG_FILES = 3


def configure(log_dir: Path, verbose: bool = False, console: bool = True) -> None:
    """Log to `log_dir/dfire.log` (rotated) and, if asked, to stderr."""
    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = log_dir / "dfire.log"
    path.touch(mode=0o600, exist_ok=True)
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_LOG_BYTES, backupCount=KEPT_LOG_FILES, encoding="utf-8"
        )
    ]
    if console:
        handlers.append(logging.StreamHandler())
    root = logging.getLogger("dfire")
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(RedactingFilter())
        root.addHandler(handler)
