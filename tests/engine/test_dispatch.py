"""The dispatcher against a real receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json

import pytest

from dfire_desktop.engine.api import (
    AuthSpec,
    AuthType,
    Delivery,
    DeliveryStatus,
    OutgoingWebhookSpec,
)
from dfire_desktop.engine.events import EventKind
from dfire_desktop.engine.service import Engine
from dfire_desktop.engine.signing import sign, verify
from tests.support.receiver import Receiver, Reply

SIGNING = "hm4c-signing-secret"


def spec(url: str, template: str, **changes: object) -> OutgoingWebhookSpec:
    fields: dict[str, object] = {
        "name": "receiver",
        "url": url,
        "events": (EventKind.INVESTIGATION_CREATED,),
        "payload_template": template,
        "signing_secret": SIGNING,
        "max_retries": 0,
        "timeout_seconds": 5,
    }
    fields.update(changes)
    return OutgoingWebhookSpec(**fields)  # type: ignore[arg-type]


async def finished(engine: Engine, count: int = 1) -> list[Delivery]:
    """Deliveries once `count` of them reached a final status."""
    for _ in range(500):
        found = await engine.list_deliveries()
        final = [
            d
            for d in found
            if d.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED)
        ]
        if len(final) >= count:
            return final
        await asyncio.sleep(0.02)
    raise AssertionError(f"deliveries did not finish: {found}")


@pytest.mark.parametrize(
    "title",
    ["plain ascii", "Zoë's café", "alert 🚨 fire", "侵入検知 アラート", 'q"uote\\n'],
)
async def test_signature_covers_exact_bytes_sent(
    engine: Engine, receiver: Receiver, title: str
) -> None:
    """The HMAC in X-Webhook-Signature verifies over the raw received bytes,
    whatever the script of the text (F05)."""
    template = '{"z": 1, "a": "{{case.title}}"}'
    await engine.create_outgoing(spec(receiver.url, template))

    await engine.create_case(title)
    (request,) = await asyncio.to_thread(receiver.wait_for, 1)

    assert json.loads(request.body) == {"z": 1, "a": title}
    signature = request.headers["X-Webhook-Signature"]
    assert signature == sign(request.body, SIGNING)
    assert signature == signature.lower()
    assert verify(request.body, signature, SIGNING)


async def test_render_failure_is_recorded_not_sent(
    engine: Engine, receiver: Receiver
) -> None:
    """A template whose secret is missing fails the attempt with a reason
    naming the placeholder, and nothing is sent (F03)."""
    template = '{"token": "{{secret.missing_token}}", "t": "{{case.title}}"}'
    await engine.create_outgoing(spec(receiver.url, template, max_retries=3))

    await engine.create_case('Print "spooler" halted')
    (delivery,) = await finished(engine)

    assert delivery.status is DeliveryStatus.FAILED
    assert "missing_token" in delivery.last_error
    assert receiver.requests == []
    (attempt,) = await engine.list_attempts(delivery.id)
    assert not attempt.succeeded and attempt.status_code is None


async def test_error_answer_is_retried_then_succeeds(engine: Engine) -> None:
    """A 503 then a 200 gives two attempts and a succeeded delivery, with the
    receiver's Retry-After honoured (F07)."""
    replies = [Reply(503, {"Retry-After": "0"}), Reply(200)]
    with Receiver(replies) as receiver:
        await engine.create_outgoing(spec(receiver.url, "", max_retries=2))
        await engine.create_case("retry me")
        (delivery,) = await finished(engine)

    assert delivery.status is DeliveryStatus.SUCCEEDED
    attempts = await engine.list_attempts(delivery.id)
    assert [a.status_code for a in attempts] == [503, 200]
    assert attempts[0].retry_in_seconds == 0


async def test_redirect_is_a_failure_showing_location(engine: Engine) -> None:
    """A 301 is not followed: the attempt fails and names where the endpoint
    moved, without the query that may carry a token (F08, F09)."""
    moved = "https://other.example.test/in?token=abc123"
    with Receiver([Reply(301, {"Location": moved})]) as receiver:
        await engine.create_outgoing(spec(receiver.url, "", max_retries=3))
        await engine.create_case("moved endpoint")
        (delivery,) = await finished(engine)

    assert delivery.status is DeliveryStatus.FAILED
    assert "https://other.example.test/in" in delivery.last_error
    assert "abc123" not in delivery.last_error
    assert len(receiver.requests) == 1


async def test_history_never_keeps_credentials(engine: Engine) -> None:
    """An endpoint echoing the request headers leaves no credential in the
    stored attempt or the error (F09)."""
    bearer = "s3cr3t-bearer-value"
    auth = AuthSpec(type=AuthType.BEARER, token=bearer)
    with Receiver([Reply(400, echo_headers=True)]) as receiver:
        await engine.create_outgoing(spec(receiver.url, "", auth=auth))
        await engine.create_case("echo")
        (delivery,) = await finished(engine)

    (attempt,) = await engine.list_attempts(delivery.id)
    stored = json.dumps(
        [
            attempt.request_headers,
            attempt.response_body,
            attempt.response_headers,
            attempt.error,
            delivery.last_error,
        ]
    )
    assert "Authorization" in attempt.response_body
    assert bearer not in stored
    assert SIGNING not in stored
    assert attempt.request_headers["Authorization"] == "[redacted]"


async def test_closed_port_fails_with_host_and_error_class(engine: Engine) -> None:
    """A connection refused is a failed attempt that names the host and the
    error class only, never the URL's token (F09)."""
    from tests.support.receiver import free_port

    url = f"http://127.0.0.1:{free_port()}/services/T0/B0/TOPSECRET?token=abc123"
    await engine.create_outgoing(spec(url, ""))
    await engine.create_case("nobody home")
    (delivery,) = await finished(engine)

    assert delivery.status is DeliveryStatus.FAILED
    assert "127.0.0.1" in delivery.last_error
    assert "ConnectError" in delivery.last_error
    assert "TOPSECRET" not in delivery.last_error
    assert "abc123" not in delivery.last_error


async def test_disabled_webhook_gets_no_delivery(
    engine: Engine, receiver: Receiver
) -> None:
    """A disabled webhook is not triggered by its events."""
    hook = await engine.create_outgoing(spec(receiver.url, "", enabled=False))
    await engine.create_case("quiet")

    assert await engine.list_deliveries(hook.id) == []


async def test_test_button_sends_the_test_event(
    engine: Engine, receiver: Receiver
) -> None:
    """Send test queues a `test` event with sample data that is delivered."""
    hook = await engine.create_outgoing(spec(receiver.url, ""))
    await engine.send_test(hook.id)
    (request,) = await asyncio.to_thread(receiver.wait_for, 1)

    assert request.headers["X-Webhook-Event"] == "test"
    assert json.loads(request.body)["event_type"] == "test"


def go_style(text: str) -> str:
    """Go's encoding/json writes &, < and > as \\u0026, \\u003c, \\u003e."""
    for char in "&<>":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def php_style(text: str) -> str:
    """PHP's json_encode writes / as \\/ and escapes non-ASCII upper-case."""
    return (
        json.dumps(json.loads(text)).replace("/", "\\/").replace("\\u20ac", "\\u20AC")
    )


@pytest.mark.parametrize("restyle", [None, go_style, php_style])
async def test_echoed_credentials_are_scrubbed_in_every_form(
    engine: Engine, restyle: object
) -> None:
    """A receiver echoing the body JSON-escaped in any common style, and the
    URL's tokens, leaves no secret, bearer token, query token or path token
    in stored history (F09)."""
    await engine.set_secret("api_tok", 'tok-"quote\\back\nline-SECRETVAL1&<x>/€')
    await engine.set_secret("api_user", "user-SECRETVAL2-Zoë/+=")
    template = '{"t": "{{secret.api_tok}}", "u": "{{secret.api_user}}"}'
    auth = AuthSpec(type=AuthType.BEARER, token="Bear/er+tok&en<1>SECRETVAL3")
    reply = Reply(400, echo_body=True, restyle=restyle)  # type: ignore[arg-type]
    with Receiver([reply]) as receiver:
        url = f"{receiver.url}/T0/B0/TOPSECRET2?token=abc456q"
        await engine.create_outgoing(spec(url, template, auth=auth))
        await engine.create_case("echo")
        (delivery,) = await finished(engine)

    (attempt,) = await engine.list_attempts(delivery.id)
    stored = json.dumps(
        [attempt.response_body, attempt.request_body, attempt.error], ensure_ascii=False
    )
    assert "received" in attempt.response_body
    for leak in ("SECRETVAL1", "SECRETVAL2", "SECRETVAL3", "TOPSECRET2", "abc456q"):
        assert leak not in stored


async def test_credential_across_the_kept_length_is_scrubbed(engine: Engine) -> None:
    """A secret straddling the cut of the stored response body leaves no
    fragment: scrubbing happens before the cut."""
    from dfire_desktop.engine.exchange import MAX_KEPT_RESPONSE_BYTES

    secret = "STRADDLE-" + "k" * 40
    await engine.set_secret("long", secret)
    padding = "p" * (MAX_KEPT_RESPONSE_BYTES - 60)
    template = '{"pad": "' + padding + '", "s": "{{secret.long}}"}'
    with Receiver([Reply(400, echo_body=True)]) as receiver:
        await engine.create_outgoing(spec(receiver.url, template))
        await engine.create_case("long echo")
        (delivery,) = await finished(engine)

    (attempt,) = await engine.list_attempts(delivery.id)
    assert len(attempt.response_body) <= MAX_KEPT_RESPONSE_BYTES
    assert "STRADDLE" not in attempt.response_body
    assert "kkkkk" not in attempt.response_body


async def test_moved_location_hides_path_tokens(engine: Engine) -> None:
    """A redirect's Location keeps host and plain path words, not tokens."""
    moved = "https://other.example.test/moved/TOPSECRETPATH/in?token=x"
    with Receiver([Reply(301, {"Location": moved})]) as receiver:
        await engine.create_outgoing(spec(receiver.url, ""))
        await engine.create_case("moved")
        (delivery,) = await finished(engine)

    (attempt,) = await engine.list_attempts(delivery.id)
    assert "TOPSECRETPATH" not in delivery.last_error + json.dumps(
        attempt.response_headers
    )
    assert "https://other.example.test/moved/" in delivery.last_error


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"url": "http://uu:pw@127.0.0.1:9/in"}, "Basic auth"),
        (
            {"auth": AuthSpec(type=AuthType.HEADERS, headers={"X-A": "a\r\nX-B: y"})},
            "printable ASCII",
        ),
        ({"auth": AuthSpec(type=AuthType.BEARER, token="tökén-ü")}, "printable ASCII"),
    ],
)
async def test_unsendable_settings_are_refused_when_saved(
    engine: Engine, changes: dict[str, object], reason: str
) -> None:
    """Settings no HTTP request could carry are refused at save, in words,
    instead of failing every delivery later."""
    from dfire_desktop.engine.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match=reason):
        url = str(changes.pop("url", "http://127.0.0.1:9/in"))
        await engine.create_outgoing(spec(url, "", **changes))


async def test_stopping_mid_send_returns_the_delivery_to_the_queue(
    app_config: object, vault_key: str
) -> None:
    """A delivery cut off by a shutdown is pending again at once, not stuck
    until its lease runs out."""
    from dfire_desktop.engine.vault import Vault

    engine = Engine(app_config, vault=Vault(vault_key))  # type: ignore[arg-type]
    await engine.start()
    with Receiver([Reply(200, delay_seconds=2)]) as receiver:
        await engine.create_outgoing(spec(receiver.url, ""))
        await engine.create_case("slow")
        await asyncio.to_thread(receiver.wait_for, 1)
        await engine.stop()

    await engine.open()
    try:
        (delivery,) = await engine.list_deliveries()
        assert delivery.status is DeliveryStatus.PENDING
    finally:
        await engine.stop()
