"""Where data lives and where the listener binds, from flags and environment."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

DEFAULT_LISTEN = "127.0.0.1:8765"
DATA_DIR_ENV = "DFIRE_DATA_DIR"
DATABASE_URL_ENV = "DFIRE_DATABASE_URL"
APP_NAME = "dfire-desktop"


@dataclasses.dataclass(frozen=True)
class ListenAddress:
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


@dataclasses.dataclass(frozen=True)
class AppConfig:
    data_dir: Path
    database_url: str
    listen: ListenAddress

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / "engine.lock"


def parse_listen(text: str) -> ListenAddress:
    """`HOST:PORT` (IPv6 in brackets) as a ListenAddress, or ValueError."""
    host, sep, port_text = text.rpartition(":")
    if not sep or not host or not port_text.isdigit():
        raise ValueError(f"listen address must be HOST:PORT, got {text!r}")
    port = int(port_text)
    if port > 65535:
        raise ValueError(f"port {port} is out of range (0-65535)")
    return ListenAddress(host.strip("[]"), port)


def default_data_dir() -> Path:
    # Imported here: platformdirs is only needed when no directory is given.
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{data_dir / 'dfire.db'}"


def resolve_config(
    data_dir: Path | None = None,
    database_url: str | None = None,
    listen: str | None = None,
) -> AppConfig:
    """Flags win over the environment, which wins over the defaults."""
    env_dir = os.environ.get(DATA_DIR_ENV)
    chosen_dir = data_dir or (Path(env_dir) if env_dir else default_data_dir())
    chosen_dir = chosen_dir.expanduser().resolve()

    url = database_url or os.environ.get(DATABASE_URL_ENV) or sqlite_url(chosen_dir)

    return AppConfig(
        data_dir=chosen_dir,
        database_url=url,
        listen=parse_listen(listen or DEFAULT_LISTEN),
    )
