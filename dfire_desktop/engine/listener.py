"""The embedded HTTP server where SIEM, SOAR and scripts open cases.

Every request gets a JSON answer with a reason. The token is checked before
the body is read, the body is read with a cap, and nothing a client sends
can produce a 500 (field faults F06, F11, F12, F13).
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import aiohttp
from aiohttp import web

from dfire_desktop.engine.errors import EngineStateError, InvalidInputError
from dfire_desktop.engine.ratelimit import RateLimiter, retry_after_header

log = logging.getLogger("dfire.listener")

INCOMING_PATH = "/api/webhooks/incoming/{webhook_id}/"
DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
READ_CHUNK = 64 * 1024
# A client trickling its body holds a connection; give up on it after this.
BODY_READ_SECONDS = 30
# How long requests in flight may finish when the engine stops.
SHUTDOWN_SECONDS = 2.0


class ListenerState(enum.Enum):
    STOPPED = "stopped"
    RUNNING = "running"


class Access(enum.Enum):
    GRANTED = "granted"
    DENIED = "denied"
    DISABLED = "disabled"


@dataclasses.dataclass(frozen=True)
class CaseAnswer:
    id: str
    case_number: str
    url: str
    created: bool


class AlertSink(Protocol):
    """What the listener needs from the engine."""

    async def authorise(self, webhook_id: str, token: bytes) -> Access: ...

    async def open_case(self, webhook_id: str, body: dict[str, Any]) -> CaseAnswer: ...


class RequestRefused(Exception):
    """A client error, answered as JSON with `status` and a reason."""

    def __init__(
        self,
        status: int,
        reason: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.field = field
        self.headers = headers or {}


def error_response(status: int, reason: str, field: str | None = None) -> web.Response:
    payload: dict[str, Any] = {"status": "error", "error": reason}
    if field:
        payload["field"] = field
    response = web.json_response(payload, status=status)
    # Close rather than read on: the rest of a refused body, however large,
    # is not worth receiving.
    response.force_close()
    return response


def presented_token(request: web.Request) -> bytes:
    """The bearer token as UTF-8 bytes; the scheme is case-insensitive."""
    header = request.headers.get("Authorization", "")
    scheme, _, rest = header.strip().partition(" ")
    token = rest.strip()
    if scheme.lower() != "bearer" or not token:
        raise RequestRefused(401, "missing or invalid bearer token")
    # Undecodable bytes arrive as surrogates; they can never match a token.
    return token.encode("utf-8", "surrogateescape")


def check_content_type(request: web.Request) -> None:
    if request.content_type != "application/json":
        raise RequestRefused(415, "Content-Type must be application/json")


async def read_body(
    request: web.Request, cap: int, seconds: float = BODY_READ_SECONDS
) -> bytes:
    """The body, refused with 413 once it passes `cap`, however it is sent."""
    if request.content_length is not None and request.content_length > cap:
        raise RequestRefused(413, f"body is larger than {cap} bytes")
    body = bytearray()
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.content.iter_chunked(READ_CHUNK):
                body.extend(chunk)
                if len(body) > cap:
                    raise RequestRefused(413, f"body is larger than {cap} bytes")
    except TimeoutError:
        raise RequestRefused(
            408, f"the body did not arrive within {seconds:g} s"
        ) from None
    except (ConnectionError, aiohttp.ClientPayloadError) as exc:
        # The client went away mid-body: nothing to answer, nothing to make.
        log.info("incoming body ended early reason=%s", type(exc).__name__)
        raise RequestRefused(400, "the request body ended early") from None
    return bytes(body)


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def parse_object(raw: bytes) -> dict[str, Any]:
    """A JSON object from the body; one leading UTF-8 BOM is allowed."""
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM) :]
    try:
        text = raw.decode("utf-8")
        value = json.loads(text, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise RequestRefused(400, "body is not valid UTF-8") from None
    except ValueError as exc:
        raise RequestRefused(400, f"body is not valid JSON: {exc}") from None
    except RecursionError:
        raise RequestRefused(400, "body is nested too deeply") from None
    if not isinstance(value, dict):
        raise RequestRefused(400, "body must be a JSON object")
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        # An escaped lone surrogate (`\ud800`) is valid JSON but not text:
        # no database could store it.
        raise RequestRefused(400, "body holds an unpaired surrogate escape") from None
    return value


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every answer is JSON, even routing errors and bugs."""
    try:
        return await handler(request)
    except RequestRefused as exc:
        response = error_response(exc.status, exc.reason, exc.field)
        response.headers.update(exc.headers)
        return response
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_response(exc.status, exc.reason)
    except Exception:  # top of a request: a bug, logged with its traceback
        log.exception("incoming request failed path=%s", request.path)
        return error_response(500, "internal error; see the DFIRe log")


class Listener:
    def __init__(
        self,
        sink: AlertSink,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        body_seconds: float = BODY_READ_SECONDS,
        limiter: RateLimiter | None = None,
    ) -> None:
        self._sink = sink
        self._limiter = limiter or RateLimiter()
        self._cap = max_body_bytes
        self._body_seconds = body_seconds
        self._runner: web.AppRunner | None = None
        self.state = ListenerState.STOPPED
        self.port = 0

    def app(self) -> web.Application:
        app = web.Application(middlewares=[json_errors], client_max_size=self._cap)
        app.router.add_post(INCOMING_PATH, self._incoming)
        app.router.add_post(INCOMING_PATH.rstrip("/"), self._incoming)
        return app

    async def start(self, host: str, port: int) -> None:
        if self.state is ListenerState.RUNNING:
            raise EngineStateError("listener is already running")
        runner = web.AppRunner(
            self.app(), access_log=None, shutdown_timeout=SHUTDOWN_SECONDS
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise EngineStateError(
                f"cannot listen on {host}:{port}: {exc.strerror}"
            ) from exc
        self._runner = runner
        self.port = runner.addresses[0][1]
        self.state = ListenerState.RUNNING
        log.info("listening host=%s port=%d", host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = None
        self.state = ListenerState.STOPPED

    async def _admit(self, request: web.Request, webhook_id: str) -> None:
        """Token, enabled, rate: all settled before a byte of body is read."""
        access = await self._sink.authorise(webhook_id, presented_token(request))
        if access is Access.DENIED:
            raise RequestRefused(401, "unknown webhook or invalid token")
        if access is Access.DISABLED:
            raise RequestRefused(403, "this incoming webhook is disabled")
        wait = self._limiter.wait_needed(webhook_id)
        if wait > 0:
            log.warning("incoming webhook=%s over its rate limit", webhook_id)
            raise RequestRefused(
                429,
                "too many alerts from this webhook; try again later",
                headers={"Retry-After": retry_after_header(wait)},
            )

    async def _incoming(self, request: web.Request) -> web.StreamResponse:
        webhook_id = request.match_info["webhook_id"]
        await self._admit(request, webhook_id)

        check_content_type(request)
        raw = await read_body(request, self._cap, self._body_seconds)
        body = parse_object(raw)
        try:
            answer = await self._sink.open_case(webhook_id, body)
        except InvalidInputError as exc:
            raise RequestRefused(422, str(exc), exc.field) from None

        status = "created" if answer.created else "existing"
        log.info(
            "incoming webhook=%s case=%s status=%s",
            webhook_id,
            answer.case_number,
            status,
        )
        case = {"id": answer.id, "case_number": answer.case_number, "url": answer.url}
        payload = {"status": status, "case": case}
        return web.json_response(payload, status=201 if answer.created else 200)
