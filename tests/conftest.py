"""Fixtures shared by engine, UI and end-to-end tests."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from dfire_desktop.config import AppConfig, resolve_config
from dfire_desktop.engine.service import Engine
from dfire_desktop.engine.vault import KEY_ENV, Vault
from tests.support.receiver import Receiver


@pytest.fixture
def vault_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh credential key in the environment, as a user would set it."""
    key = Fernet.generate_key().decode()
    monkeypatch.setenv(KEY_ENV, key)
    return key


@pytest.fixture
def app_config(tmp_path: Path) -> AppConfig:
    """A temporary data directory with its SQLite file and a free port."""
    return resolve_config(tmp_path / "data", None, "127.0.0.1:0")


@pytest.fixture
async def engine(app_config: AppConfig, vault_key: str) -> AsyncIterator[Engine]:
    """A serving engine on a temporary data directory."""
    running = Engine(app_config, vault=Vault(vault_key))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as server:
        yield server


class _WarningCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def fail_on_unexpected_warnings(request: pytest.FixtureRequest) -> Iterator[None]:
    """A WARNING or worse from a `dfire` logger fails the test unless it is
    marked `expect_log_warnings`: degraded behaviour must be deliberate."""
    catcher = _WarningCatcher()
    logger = logging.getLogger("dfire")
    logger.addHandler(catcher)
    try:
        yield
    finally:
        logger.removeHandler(catcher)
    if request.node.get_closest_marker("expect_log_warnings") is None:
        messages = [f"{r.name}: {r.getMessage()}" for r in catcher.records]
        assert not messages, f"unexpected log warnings: {messages}"
