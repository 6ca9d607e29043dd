"""One HTTP exchange with a receiver, and what history keeps of it.

httpx errors are translated here into an `Outcome` with a reason in words
that names the host and the error class only: URLs can carry tokens, and
exception text can carry anything (field fault F09).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time

import aiohttp
import httpx

from dfire_desktop.engine import backoff
from dfire_desktop.engine.models import AttemptRow
from dfire_desktop.engine.outgoing_request import OutgoingRequest
from dfire_desktop.engine.vault import safe_location, scrub

MAX_KEPT_RESPONSE_BYTES = 4096
# Read this much more than is kept, so a credential that straddles the cut
# is still whole when scrubbed, before the cut is made.
SCRUB_MARGIN_BYTES = 4096
KEPT_RESPONSE_HEADERS = (
    "content-type",
    "content-length",
    "retry-after",
    "location",
    "date",
    "server",
)


@dataclasses.dataclass(frozen=True)
class Outcome:
    succeeded: bool
    retryable: bool
    error: str
    host: str = ""
    status_code: int | None = None
    duration_ms: int | None = None
    retry_after: str | None = None
    request_headers: dict[str, str] = dataclasses.field(default_factory=dict)
    request_body: str = ""
    response_headers: dict[str, str] = dataclasses.field(default_factory=dict)
    response_body: str = ""

    @classmethod
    def refused(cls, reason: str) -> Outcome:
        """Nothing was sent: the request could not be prepared."""
        return cls(succeeded=False, retryable=False, error=reason)

    def as_row(
        self,
        delivery_id: str,
        number: int,
        started: dt.datetime,
        retry_in: float | None,
    ) -> AttemptRow:
        return AttemptRow(
            delivery_id=delivery_id,
            number=number,
            started_at=started,
            duration_ms=self.duration_ms,
            status_code=self.status_code,
            succeeded=self.succeeded,
            error=self.error,
            retry_in_seconds=retry_in,
            request_headers=self.request_headers,
            request_body=self.request_body,
            response_headers=self.response_headers,
            response_body=self.response_body,
        )


def _host_of(url: str) -> str:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return "[unreadable URL]"
    port = f":{parsed.port}" if parsed.port else ""
    host = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
    return f"{host}{port}"


def _failure_reason(
    exc: httpx.HTTPError | TimeoutError, host: str, timeout: float
) -> str:
    cause = exc.__cause__
    if isinstance(cause, aiohttp.ClientConnectorError):
        # WORKAROUND(httpx-aiohttp 0.2): it maps a refused connection to
        # ConnectTimeout; the aiohttp error underneath tells the truth.
        return f"could not connect to {host} (ConnectError)"
    kind = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return f"no answer from {host} within {timeout:g} s ({kind})"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect to {host} ({kind})"
    return f"request to {host} failed ({kind})"


async def _read_bounded(response: httpx.Response) -> bytes:
    limit = MAX_KEPT_RESPONSE_BYTES + SCRUB_MARGIN_BYTES
    kept = bytearray()
    async for chunk in response.aiter_raw():
        kept.extend(chunk[: limit - len(kept)])
        if len(kept) >= limit:
            break
    return bytes(kept)


def _status_reason(response: httpx.Response, host: str) -> str:
    code = response.status_code
    if 200 <= code < 300:
        return ""
    if 300 <= code < 400:
        where = safe_location(response.headers.get("location", ""))
        return (
            f"{host} answered {code} redirect to {where}; redirects are not "
            "followed: update the webhook's URL"
        )
    return f"{host} answered HTTP {code}"


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _kept_headers(
    response: httpx.Response, credentials: tuple[str, ...]
) -> dict[str, str]:
    """The few response headers worth keeping, credentials scrubbed and the
    Location reduced to what carries no token."""
    headers = {
        k: scrub(v, credentials)
        for k, v in response.headers.items()
        if k.lower() in KEPT_RESPONSE_HEADERS
    }
    if "location" in headers:
        headers["location"] = safe_location(headers["location"])
    return headers


def _answered(
    request: OutgoingRequest, response: httpx.Response, raw: bytes, elapsed: int
) -> Outcome:
    host, code = _host_of(request.url), response.status_code
    # Scrubbed before the cut, so no credential straddles it half-kept.
    body = scrub(raw.decode("utf-8", "replace"), request.credentials)
    return Outcome(
        succeeded=200 <= code < 300,
        retryable=backoff.is_retryable_status(code),
        error=_status_reason(response, host),
        host=host,
        status_code=code,
        duration_ms=elapsed,
        retry_after=response.headers.get("retry-after"),
        response_headers=_kept_headers(response, request.credentials),
        response_body=body[:MAX_KEPT_RESPONSE_BYTES],
        request_headers=request.redacted_headers,
        request_body=request.redacted_body,
    )


async def send(
    client: httpx.AsyncClient,
    request: OutgoingRequest,
    timeout_seconds: float,
) -> Outcome:
    """POST `request` once; never raises for what the network does."""
    started = time.monotonic()
    try:
        async with asyncio.timeout(timeout_seconds):
            async with client.stream(
                "POST",
                request.url,
                content=request.body,
                headers=request.headers,
                timeout=timeout_seconds,
            ) as response:
                raw = await _read_bounded(response)
    except (httpx.HTTPError, TimeoutError) as exc:
        host = _host_of(request.url)
        return Outcome(
            succeeded=False,
            retryable=True,
            error=_failure_reason(exc, host, timeout_seconds),
            host=host,
            duration_ms=_elapsed_ms(started),
            request_headers=request.redacted_headers,
            request_body=request.redacted_body,
        )

    return _answered(request, response, raw, _elapsed_ms(started))
