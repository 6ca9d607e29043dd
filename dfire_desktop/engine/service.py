"""`Engine`: composes store, vault, dispatcher and listener; the public API.

The window, `dfire-desktop serve`, the admin commands and the tests all use
this one class. Observers are called on the engine's own loop.
"""

from __future__ import annotations

import contextlib
import enum
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Protocol

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from dfire_desktop.config import AppConfig
from dfire_desktop.engine import api, db
from dfire_desktop.engine.clock import Clock, SystemClock
from dfire_desktop.engine.dispatch import Dispatcher
from dfire_desktop.engine.errors import EngineStateError, StoreError
from dfire_desktop.engine.keys import check_vault_key
from dfire_desktop.engine.listener import Listener
from dfire_desktop.engine.lock import DataDirLock
from dfire_desktop.engine.settings import ensure_tenant_uuid
from dfire_desktop.engine.vault import Vault
from dfire_desktop.engine.webhook_store import WebhookStore

log = logging.getLogger("dfire.engine")


class EngineObserver(Protocol):
    def on_delivery_finished(self, delivery: api.Delivery) -> None: ...

    def on_case_created(self, case: api.Case) -> None: ...

    def on_failure(self, message: str) -> None: ...


class EngineState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    SERVING = "serving"


class Engine(WebhookStore):
    """The store's API plus the running parts: dispatcher and listener."""

    def __init__(
        self, config: AppConfig, clock: Clock | None = None, vault: Vault | None = None
    ) -> None:
        super().__init__(
            config, clock or SystemClock(), vault or Vault.from_environment()
        )
        self.state = EngineState.CLOSED
        self._db: AsyncEngine | None = None
        self._lock = DataDirLock(config.lock_path)
        self._client: httpx.AsyncClient | None = None
        self._dispatcher: Dispatcher | None = None
        self._listener: Listener | None = None
        self._observers: list[EngineObserver] = []

    # Lifecycle

    async def open(self) -> None:
        """Open the store and bring its schema up to date (admin commands)."""
        if self.state is not EngineState.CLOSED:
            raise EngineStateError(f"engine is already {self.state.value}")
        # Owner-only: the store holds raw alerts and encrypted credentials.
        self.config.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._db = db.create_engine(self.config.database_url)
        await db.migrate(self._db)
        db.restrict_sqlite_file(self._db)
        self._sessions = db.session_factory(self._db)
        async with self.transaction() as session:
            await ensure_tenant_uuid(session)
            await check_vault_key(session, self.vault)
        self.state = EngineState.OPEN

    async def start(self) -> None:
        """Open if needed, then take the data directory and serve."""
        if self.state is EngineState.CLOSED:
            await self.open()
        if self.state is EngineState.SERVING:
            raise EngineStateError("engine is already serving")
        self._lock.acquire()
        try:
            await self._start_services()
        except BaseException:
            await self._stop_services()
            self._lock.release()
            raise
        self.state = EngineState.SERVING

    async def _start_services(self) -> None:
        from httpx_aiohttp import AiohttpTransport

        self._client = httpx.AsyncClient(
            transport=AiohttpTransport(), follow_redirects=False
        )
        self._dispatcher = Dispatcher(
            self.sessions, self.vault, self.clock, self._client, self._finished
        )
        self._listener = Listener(self)
        listen = self.config.listen
        await self._listener.start(listen.host, listen.port)
        self._dispatcher.start()
        self._url_file.write_text(self.listener_url, encoding="utf-8")

    @property
    def _url_file(self) -> Path:
        # Admin commands read it to print the serving listener's real URL.
        return self.config.data_dir / "listener.url"

    async def _stop_services(self) -> None:
        if self._listener is not None:
            self._url_file.unlink(missing_ok=True)
        if self._dispatcher is not None:
            await self._dispatcher.stop()
        if self._listener is not None:
            await self._listener.stop()
        if self._client is not None:
            await self._client.aclose()
        self._dispatcher = self._listener = self._client = None

    async def stop(self) -> None:
        """Stop serving and close the store; safe to call in any state."""
        await self._stop_services()
        self._lock.release()
        if self._db is not None:
            await self._db.dispose()
        self._db = None
        self.state = EngineState.CLOSED

    # Notifications

    def subscribe(self, observer: EngineObserver) -> None:
        self._observers.append(observer)

    @property
    def listener_url(self) -> str:
        listen = self.config.listen
        if self._listener is None and self._url_file.exists():
            return self._url_file.read_text(encoding="utf-8").strip()
        port = self._listener.port if self._listener else listen.port
        host = f"[{listen.host}]" if ":" in listen.host else listen.host
        return f"http://{host}:{port}"

    @property
    def vault_unlocked(self) -> bool:
        return self.vault.unlocked

    @property
    def vault_problem(self) -> str:
        """Why credentials are locked, in words; empty when they are not."""
        return self.vault.problem

    def _wake_dispatcher(self) -> None:
        if self._dispatcher is not None:
            self._dispatcher.wake()

    def _case_created(self, case: api.Case) -> None:
        for observer in self._observers:
            observer.on_case_created(case)

    async def _finished(self, delivery_id: str) -> None:
        try:
            delivery = await self.get_delivery(delivery_id)
        except StoreError as exc:
            self._report(f"delivery history could not be read: {exc}")
            return
        for observer in self._observers:
            observer.on_delivery_finished(delivery)

    def _report(self, message: str) -> None:
        log.error("%s", message)
        for observer in self._observers:
            observer.on_failure(message)


@contextlib.asynccontextmanager
async def opened(config: AppConfig, **kwargs: Any) -> AsyncIterator[Engine]:
    """An open (not serving) engine, for admin commands and tests."""
    engine = Engine(config, **kwargs)
    await engine.open()
    try:
        yield engine
    finally:
        await engine.stop()
