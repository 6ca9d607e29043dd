"""A real HTTP receiver on 127.0.0.1 that records every request.

It runs its own loop in a thread, so synchronous end-to-end tests and async
engine tests use the same double.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
import time
from collections.abc import Callable

from aiohttp import web
from multidict import CIMultiDict


@dataclasses.dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: CIMultiDict[str]  # header names are case-insensitive
    body: bytes


@dataclasses.dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    body: str = '{"ok": true}'
    echo_headers: bool = False
    echo_body: bool = False
    # Applied to the echo, to imitate another JSON encoder's escaping.
    restyle: Callable[[str], str] | None = None
    delay_seconds: float = 0.0


class Receiver:
    """Answers each POST with the next queued Reply (the last one repeats)."""

    def __init__(self, replies: list[Reply] | None = None) -> None:
        self.requests: list[Received] = []
        self._replies = list(replies or [Reply()])
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def __enter__(self) -> Receiver:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append(
            Received(request.method, request.path, CIMultiDict(request.headers), body)
        )
        reply = self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]
        text = reply.body
        if reply.echo_headers:
            text = "\n".join(f"{k}: {v}" for k, v in request.headers.items())
        if reply.echo_body:
            text = json.dumps({"received": body.decode(), "path": request.path_qs})
            text = reply.restyle(text) if reply.restyle else text
        await asyncio.sleep(reply.delay_seconds)
        return web.Response(status=reply.status, headers=reply.headers, text=text)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        """The first `count` requests, waiting for them to arrive."""
        deadline = time.monotonic() + timeout
        while len(self.requests) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"receiver got {len(self.requests)} of {count} requests"
                )
            time.sleep(0.02)
        return self.requests[:count]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
