"""The embedded listener answers every request in JSON, never with a 500."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from dfire_desktop.engine.api import IncomingWebhookSpec, IssuedToken
from dfire_desktop.engine.service import Engine


@pytest.fixture
async def issued(engine: Engine) -> IssuedToken:
    return await engine.create_incoming(IncomingWebhookSpec(name="SIEM"))


async def post(
    issued: IssuedToken,
    content: bytes,
    token: str | None = None,
    content_type: str = "application/json",
    auth: str | None = None,
) -> httpx.Response:
    # Bytes, so a non-ASCII credential goes out as its raw UTF-8.
    credential = f"Bearer {token or issued.token}" if auth is None else auth
    headers = {
        "Content-Type": content_type.encode(),
        "Authorization": credential.encode(),
    }
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(issued.webhook.url, content=content, headers=headers)


def error_of(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    assert body["status"] == "error" and body["error"]
    return body


async def test_created_answer_has_the_documented_shape(issued: IssuedToken) -> None:
    """A valid alert answers 201 with exactly status and case{id, number, url}."""
    response = await post(issued, b'{"title": "Alert", "severity": "high"}')

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "created"
    assert set(body["case"]) == {"id", "case_number", "url"}


@pytest.mark.parametrize(
    "auth",
    ["Bearer wrong", "Bearer pässwort", "Bearer", "Basic abc", "Bearer  x y", ""],
)
async def test_bad_tokens_get_401_json(issued: IssuedToken, auth: str) -> None:
    """Wrong, non-ASCII, empty or non-bearer credentials get 401 JSON (F06)."""
    response = await post(issued, b'{"title": "x"}', auth=auth)

    assert response.status_code == 401
    error_of(response)


async def test_scheme_is_case_insensitive(issued: IssuedToken) -> None:
    """`bearer` and a double space after the scheme still authenticate (F06)."""
    auth = f"bearer  {issued.token}"
    response = await post(issued, b'{"title": "lowercase scheme"}', auth=auth)

    assert response.status_code == 201


async def test_unknown_webhook_looks_like_bad_token(issued: IssuedToken) -> None:
    """An unknown webhook id gets the same 401 as a bad token."""
    url = issued.webhook.url.replace(issued.webhook.id, "0" * 36)
    headers = {"Authorization": f"Bearer {issued.token}"}
    async with httpx.AsyncClient() as client:
        response = await client.post(url, json={"title": "x"}, headers=headers)

    assert response.status_code == 401
    assert error_of(response)["error"] == "unknown webhook or invalid token"


async def test_disabled_webhook_gets_403(engine: Engine, issued: IssuedToken) -> None:
    """A disabled incoming webhook refuses with 403 and creates nothing."""
    await engine.set_incoming_enabled(issued.webhook.id, False)
    response = await post(issued, b'{"title": "x"}')

    assert response.status_code == 403
    assert await engine.list_cases() == []


async def test_leading_bom_is_accepted(engine: Engine, issued: IssuedToken) -> None:
    """One UTF-8 BOM before the JSON is ignored (F11)."""
    response = await post(
        issued,
        b'\xef\xbb\xbf{"title":"bom case"}',
        content_type="application/json; charset=utf-8",
    )

    assert response.status_code == 201
    assert [c.title for c in await engine.list_cases()] == ["bom case"]


@pytest.mark.parametrize(
    "body",
    [
        b'[{"title":"a"},{"title":"b"}]',
        b'"text"',
        b"42",
        b"null",
        b"{bad json",
        b"\xff\xfe{}",
        b'{"title": NaN}',
        b'{"a":' + b"[" * 10000 + b"]" * 10000 + b"}",
        b'{"title":"x"}\xef\xbb\xbf',
    ],
)
async def test_malformed_bodies_get_400(
    engine: Engine, issued: IssuedToken, body: bytes
) -> None:
    """Non-objects, bad JSON, bad UTF-8, deep nesting: 400, nothing made (F12)."""
    response = await post(issued, body)

    assert response.status_code == 400
    error_of(response)
    assert await engine.list_cases() == []


async def test_wrong_content_type_gets_415(issued: IssuedToken) -> None:
    """A form post is refused with 415 naming the expected type."""
    response = await post(issued, b"title=x", content_type="text/plain")

    assert response.status_code == 415
    assert "application/json" in error_of(response)["error"]


async def test_oversized_body_gets_413(issued: IssuedToken) -> None:
    """A body over the cap is refused with 413 from its Content-Length (F13)."""
    big = b'{"title": "' + b"a" * (3 * 1024 * 1024) + b'"}'
    response = await post(issued, big)

    assert response.status_code == 413
    error_of(response)


async def test_oversized_chunked_body_gets_413(issued: IssuedToken) -> None:
    """A streamed body without Content-Length is cut off at the cap (F13)."""

    async def chunks():  # type: ignore[no-untyped-def]  # async generator
        yield b'{"title": "'
        for _ in range(64):
            yield b"a" * 65536

    headers = {
        "Authorization": f"Bearer {issued.token}",
        "Content-Type": "application/json",
    }
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            issued.webhook.url, content=chunks(), headers=headers
        )

    assert response.status_code == 413


async def test_invalid_fields_get_422_naming_the_field(issued: IssuedToken) -> None:
    """A missing title or a bad severity gets 422 with the field named."""
    untitled = await post(issued, b'{"description": "x"}')
    severe = await post(issued, b'{"title": "x", "severity": "apocalyptic"}')

    assert untitled.status_code == 422
    assert error_of(untitled)["field"] == "title"
    assert severe.status_code == 422
    assert error_of(severe)["field"] == "severity"


async def test_same_external_id_returns_same_case(
    engine: Engine, issued: IssuedToken
) -> None:
    """Two concurrent posts with one external_id yield one case."""
    body = b'{"title": "dup", "external_id": "ALERT-1"}'
    first, second = await asyncio.gather(post(issued, body), post(issued, body))

    assert sorted([first.status_code, second.status_code]) == [200, 201]
    assert first.json()["case"] == second.json()["case"]
    assert len(await engine.list_cases()) == 1


async def test_attributes_are_normalised_and_filtered(engine: Engine) -> None:
    """`HR REF #` becomes `hr_ref`; keys not on the case type are dropped."""
    await engine.import_config(
        {
            "case_types": [
                {
                    "name": "HR",
                    "fields": [{"label": "HR REF #"}, {"label": "Source IP"}],
                }
            ]
        }
    )
    issued = await engine.create_incoming(
        IncomingWebhookSpec(name="HR feed", case_type="HR")
    )
    body = b'{"title": "x", "attributes": {"HR REF #": "7", "source-ip": "1", "z": 2}}'

    assert (await post(issued, body)).status_code == 201
    (case,) = await engine.list_cases()
    assert case.attributes == {"hr_ref": "7", "source_ip": "1"}
    assert case.case_type == "HR"


async def test_lone_surrogate_gets_400(engine: Engine, issued: IssuedToken) -> None:
    """An escaped lone surrogate is refused in words, never a 500, while an
    escaped surrogate pair (an emoji) is fine."""
    lone = await post(issued, b'{"title": "x\\ud800y"}')
    pair = await post(issued, b'{"title": "fire \\ud83d\\udd25"}')

    assert lone.status_code == 400
    assert "surrogate" in error_of(lone)["error"]
    assert pair.status_code == 201
    assert [c.title for c in await engine.list_cases()] == ["fire 🔥"]


async def test_trickled_body_times_out_with_408(engine: Engine) -> None:
    """A client that stops sending mid-body gets 408 once the body deadline
    passes, and the listener goes on serving."""
    from dfire_desktop.engine.listener import Listener

    issued = await engine.create_incoming(IncomingWebhookSpec(name="slow"))
    listener = Listener(engine, body_seconds=0.5)
    await listener.start("127.0.0.1", 0)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", listener.port)
        path = f"/api/webhooks/incoming/{issued.webhook.id}/"
        writer.write(
            f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {issued.token}\r\nContent-Length: 100\r\n\r\n"
            '{"title": '.encode()
        )
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 10)
        writer.close()
    finally:
        await listener.stop()

    assert b" 408 " in status_line


@pytest.mark.expect_log_warnings
async def test_flood_from_one_webhook_gets_429(engine: Engine) -> None:
    """Past its rate limit a webhook gets 429 JSON with Retry-After, and
    nothing is created; another webhook is not held back."""
    from dfire_desktop.engine.listener import Listener
    from dfire_desktop.engine.ratelimit import RateLimiter

    noisy = await engine.create_incoming(IncomingWebhookSpec(name="noisy"))
    calm = await engine.create_incoming(IncomingWebhookSpec(name="calm"))
    listener = Listener(engine, limiter=RateLimiter(per_window=2))
    await listener.start("127.0.0.1", 0)
    base = f"http://127.0.0.1:{listener.port}/api/webhooks/incoming"
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            answers = [
                await client.post(
                    f"{base}/{issued.webhook.id}/",
                    json={"title": f"alert {n}"},
                    headers={"Authorization": f"Bearer {issued.token}"},
                )
                for n, issued in enumerate([noisy, noisy, noisy, calm])
            ]
    finally:
        await listener.stop()

    assert [a.status_code for a in answers] == [201, 201, 429, 201]
    assert error_of(answers[2])["error"].startswith("too many alerts")
    assert int(answers[2].headers["Retry-After"]) >= 1
    assert len(await engine.list_cases()) == 3


def test_rate_window_slides() -> None:
    """Requests leave the window as it slides, and the wait says when."""
    from dfire_desktop.engine.ratelimit import RateLimiter

    now = [0.0]
    limiter = RateLimiter(per_window=2, window_seconds=60, monotonic=lambda: now[0])

    assert limiter.wait_needed("a") == 0 and limiter.wait_needed("a") == 0
    now[0] = 20.0
    assert limiter.wait_needed("a") == 40.0
    now[0] = 60.0
    assert limiter.wait_needed("a") == 0
