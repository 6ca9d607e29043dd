"""One engine per data directory, enforced with an OS file lock.

The lock dies with the process, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from dfire_desktop.engine.errors import DataDirLockedError


class DataDirLock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        import fcntl  # TODO(2026-12): msvcrt.locking on Windows

        self._path.parent.mkdir(parents=True, exist_ok=True)
        # Held open while the engine runs: closing it releases the lock.
        handle = open(self._path, "a+", encoding="utf-8")  # noqa: SIM115
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            raise DataDirLockedError(
                "another DFIRe Desktop engine is already running on "
                f"{self._path.parent}; close it first, or choose another data "
                "directory with --data-dir"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
