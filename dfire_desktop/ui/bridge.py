"""The seam between the Qt UI thread and the engine's own asyncio loop.

The engine runs on a private event loop in a dedicated thread, so a flood of
deliveries never freezes a window. Widgets never touch the engine object:
they hand the bridge a function of the engine, and get the outcome back as a
Qt signal emitted on the UI thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

from dfire_desktop.engine.api import Case, Delivery
from dfire_desktop.engine.errors import EngineError

if TYPE_CHECKING:
    from dfire_desktop.config import AppConfig
    from dfire_desktop.engine.service import Engine, EngineObserver

log = logging.getLogger("dfire.ui.bridge")

T = TypeVar("T")

EngineAction = Callable[["Engine"], Awaitable[T]]

# Stopping waits this long for the engine to flush before the loop is torn
# down; past it the app quits anyway, and pending rows are picked up on the
# next start (the outbox keeps them).
STOP_TIMEOUT_SECONDS = 15.0


class EngineThread:
    """Runs one Engine on its own asyncio loop in a dedicated thread."""

    def __init__(
        self, config: AppConfig, observer: EngineObserver | None = None
    ) -> None:
        self._config = config
        self._observer = observer
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._engine: Engine | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> concurrent.futures.Future[Engine]:
        """Start the thread and boot the engine; the future says when it is up."""
        if self._thread is not None:
            raise RuntimeError("the engine thread was already started")

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run_loop, name="dfire-engine", daemon=True
        )
        self._thread.start()

        return asyncio.run_coroutine_threadsafe(self._boot(), self._loop)

    def submit(self, action: EngineAction[T]) -> concurrent.futures.Future[T]:
        """Run `action(engine)` on the engine loop."""
        if self._loop is None:
            raise RuntimeError("the engine thread is not running")
        return asyncio.run_coroutine_threadsafe(self._apply(action), self._loop)

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Stop the engine, then the loop, then join the thread (blocking)."""
        if self._loop is None or self._thread is None:
            return

        if self._engine is not None:
            future = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
            try:
                future.result(timeout)
            except Exception:
                log.exception("the engine did not stop cleanly")

        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        self._thread = None
        self._loop = None

    def _run_loop(self) -> None:
        assert self._loop is not None
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
        finally:
            self._close_loop(self._loop)

    @staticmethod
    def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            gathered = asyncio.gather(*pending, return_exceptions=True)
            loop.run_until_complete(gathered)

        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()

    async def _boot(self) -> Engine:
        # Imported here: the engine pulls in SQLAlchemy, aiohttp and httpx,
        # which the window does not need to appear.
        from dfire_desktop.engine.service import Engine

        engine = Engine(self._config)
        if self._observer is not None:
            engine.subscribe(self._observer)
        try:
            await engine.start()
        except BaseException:
            # A half-started engine still holds its database: release it.
            await engine.stop()
            raise

        self._engine = engine
        return engine

    async def _apply(self, action: EngineAction[T]) -> T:
        if self._engine is None:
            raise RuntimeError("the engine has not started")
        return await action(self._engine)

    async def _shutdown(self) -> None:
        engine, self._engine = self._engine, None
        if engine is not None:
            await engine.stop()


class EngineCall(QObject):
    """One pending engine operation; its outcome arrives on the UI thread."""

    succeeded = Signal(object)
    failed = Signal(object)


class EngineBridge(QObject):
    """Submits engine work without blocking, and observes the engine.

    It is the engine's observer: the engine calls `on_*` on its own loop
    thread, and each call is re-emitted as a past-event Qt signal. Every
    public signal is emitted on the UI thread, because work done on the
    engine thread crosses over through queued internal signals.
    """

    engine_started = Signal()
    engine_failed = Signal(str)
    delivery_finished = Signal(object)
    case_created = Signal(object)
    failure_reported = Signal(str)

    _resolved = Signal(object, object, object)
    _booted = Signal(object, object)
    _delivery_relayed = Signal(object)
    _case_relayed = Signal(object)
    _failure_relayed = Signal(str)

    def __init__(self, config: AppConfig) -> None:
        super().__init__()
        self._thread = EngineThread(config, observer=self)
        self._pending: set[EngineCall] = set()
        self.ready = False
        self.listener_url = ""
        self.vault_unlocked = False
        self.vault_problem = ""
        self._connect_relays()

    def _connect_relays(self) -> None:
        queued = Qt.ConnectionType.QueuedConnection
        self._resolved.connect(self._on_resolved, queued)
        self._booted.connect(self._on_booted, queued)
        self._delivery_relayed.connect(self.delivery_finished, queued)
        self._case_relayed.connect(self.case_created, queued)
        self._failure_relayed.connect(self.failure_reported, queued)

    @property
    def running(self) -> bool:
        return self._thread.running

    def start(self) -> None:
        """Boot the engine; `engine_started` or `engine_failed` follows."""
        future = self._thread.start()

        future.add_done_callback(self._on_boot_done)

    def stop(self) -> None:
        """Stop the engine and its thread; blocks, so call it on quit only."""
        self.ready = False
        self._thread.stop()

    def submit(self, action: EngineAction[Any]) -> EngineCall:
        """Run `action(engine)` on the engine loop; connect to the call."""
        call = EngineCall(self)
        self._pending.add(call)

        future = self._thread.submit(action)

        future.add_done_callback(lambda done: self._resolve(call, done))
        return call

    async def call(self, action: EngineAction[T]) -> T:
        """Await `action(engine)` from a coroutine on the UI (qasync) loop."""
        future = self._thread.submit(action)
        return await asyncio.wrap_future(future)

    # The engine's observer protocol; called on the engine loop thread.

    def on_delivery_finished(self, delivery: Delivery) -> None:
        self._delivery_relayed.emit(delivery)

    def on_case_created(self, case: Case) -> None:
        self._case_relayed.emit(case)

    def on_failure(self, message: str) -> None:
        self._failure_relayed.emit(message)

    def _resolve(self, call: EngineCall, done: concurrent.futures.Future[Any]) -> None:
        # Runs on the engine thread: only emit the queued internal signal.
        if done.cancelled():
            self._resolved.emit(call, None, asyncio.CancelledError())
            return
        error = done.exception()
        result = None if error is not None else done.result()
        self._resolved.emit(call, result, error)

    def _on_resolved(self, call: EngineCall, result: object, error: object) -> None:
        self._pending.discard(call)

        if error is None:
            call.succeeded.emit(result)
        else:
            _log_unless_expected(error)
            call.failed.emit(error)

        call.deleteLater()

    def _on_boot_done(self, done: concurrent.futures.Future[Engine]) -> None:
        error = done.exception()
        if error is not None:
            self._booted.emit(None, error)
            return

        engine = done.result()
        info = (engine.listener_url, engine.vault_unlocked, engine.vault_problem)
        self._booted.emit(info, None)

    def _on_booted(self, info: tuple[str, bool, str] | None, error: object) -> None:
        if info is None:
            _log_unless_expected(error)
            self.engine_failed.emit(str(error))
            return

        self.listener_url, self.vault_unlocked, self.vault_problem = info
        self.ready = True
        self.engine_started.emit()


def _log_unless_expected(error: object) -> None:
    if isinstance(error, EngineError):
        log.debug("engine refused: %s", error)
    elif isinstance(error, BaseException):
        log.error("engine call failed", exc_info=error)
