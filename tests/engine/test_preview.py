"""The preview shows exactly what is sent, with secrets masked."""

from __future__ import annotations

import asyncio

from dfire_desktop.engine.api import AuthSpec, AuthType, OutgoingWebhookSpec
from dfire_desktop.engine.events import EventKind
from dfire_desktop.engine.preview import PreviewRequest
from dfire_desktop.engine.service import Engine
from dfire_desktop.engine.signing import sign
from dfire_desktop.engine.templating import SECRET_MASK, parse_placeholders
from tests.support.receiver import Receiver

TEMPLATE = """{
  "token": "{{secret.api_token}}",
  "user": "{{secret.api_user}}",
  "title": "{{case.case_number}} {{case.title}}",
  "note": "{{event.event_type|mapped}}: {{event.subject}}\\n{{event.details}}",
  "priority": {{case.severity|mapped}}
}"""
MAPPINGS = '{"severity": {"critical": 2}, "event_type": {"MANUAL": "Manual entry"}}'
SECRETS = {"api_token": "tok-A1b2C3", "api_user": "usr-Z9y8"}


def unmask(text: str, template: str) -> str:
    """Put each secret back where its placeholder's mask stands, in order."""
    for placeholder in parse_placeholders(template):
        if placeholder.category == "secret":
            text = text.replace(SECRET_MASK, SECRETS[placeholder.name], 1)
    return text


async def test_preview_bytes_equal_sent_bytes(
    engine: Engine, receiver: Receiver
) -> None:
    """For a real case and its MANUAL timeline event, the preview's body with
    the secrets put back is byte for byte the body the receiver gets."""
    for name, value in SECRETS.items():
        await engine.set_secret(name, value)
    hook = await engine.create_outgoing(
        OutgoingWebhookSpec(
            name="pager",
            url=receiver.url,
            events=(EventKind.TIMELINE_EVENT_CREATED,),
            payload_template=TEMPLATE,
            value_mappings={
                "severity": {"critical": 2},
                "event_type": {"MANUAL": "Manual entry"},
            },
            signing_secret="sig-secret",
            auth=AuthSpec(type=AuthType.BEARER, token="bearer-tok"),
        )
    )
    case = await engine.create_case('Ransom note "READ_ME"', severity="critical")
    event = await engine.add_timeline_event(
        case.id,
        "Found C:\\Temp\\new_tool.exe",
        "line one\nline two",
        "MANUAL",
        "analyst",
    )
    (request,) = await asyncio.to_thread(receiver.wait_for, 1)

    preview = await engine.preview(
        PreviewRequest(
            template=TEMPLATE,
            mappings_text=MAPPINGS,
            kinds=(EventKind.TIMELINE_EVENT_CREATED,),
            sample_kind=EventKind.TIMELINE_EVENT_CREATED,
            case_id=case.id,
            timeline_event_id=event.id,
            webhook_id=hook.id,
            webhook_name="pager",
            auth=AuthSpec(type=AuthType.BEARER),
        )
    )

    assert preview.text is not None and preview.lint == ()
    assert "tok-A1b2C3" not in preview.text
    assert unmask(preview.text, TEMPLATE).encode() == request.body
    headers = dict(preview.headers)
    assert headers["Authorization"] == f"Bearer {SECRET_MASK}"
    assert headers["X-Webhook-Signature"] == sign(preview.text.encode(), "sig-secret")
    assert preview.size_bytes == len(preview.text.encode())


async def test_preview_of_broken_template_reports_position(engine: Engine) -> None:
    """A typo gives no body, an error with its place, and a lint message."""
    preview = await engine.preview(
        PreviewRequest(
            template='{\n  "t": "{{case.titel}}"\n}', sample_kind=EventKind.CASE_CLOSED
        )
    )

    assert preview.text is None
    assert "case.titel" in preview.error
    assert (preview.error_line, preview.error_column) == (2, 9)
    assert any("case.titel" in m.message and m.line == 2 for m in preview.lint)


async def test_sample_preview_for_every_event_kind(engine: Engine) -> None:
    """The default payload previews as JSON for each of the 17 event kinds."""
    import json

    for kind in EventKind:
        preview = await engine.preview(PreviewRequest(template="", sample_kind=kind))
        assert preview.text is not None, kind
        assert json.loads(preview.text)["event_type"] == kind.value


async def test_preview_works_while_credentials_are_locked(
    app_config: object, vault_key: str
) -> None:
    """With the vault locked, a webhook with a stored signing secret still
    previews its body; only the signature says why it is missing."""
    from dfire_desktop.engine.service import opened
    from dfire_desktop.engine.vault import Vault

    async with opened(app_config, vault=Vault(vault_key)) as engine:  # type: ignore[arg-type]
        hook = await engine.create_outgoing(
            OutgoingWebhookSpec(
                name="signed",
                url="http://127.0.0.1:9/in",
                events=(EventKind.CASE_CLOSED,),
                signing_secret="sig",
            )
        )
    async with opened(app_config, vault=Vault(None)) as engine:  # type: ignore[arg-type]
        preview = await engine.preview(
            PreviewRequest(
                template='{"t": "{{case.title}}"}',
                webhook_id=hook.id,
                sample_kind=EventKind.CASE_CLOSED,
            )
        )

    assert preview.text is not None
    assert "locked" in dict(preview.headers)["X-Webhook-Signature"]


async def test_huge_integer_is_a_problem_not_a_crash(engine: Engine) -> None:
    """A number Python refuses to convert (over 4300 digits) is reported as
    a template problem, in the preview and the lint, never raised."""
    template = '{"a": 1' + "0" * 5000 + "}"
    preview = await engine.preview(PreviewRequest(template=template))

    assert preview.text is None
    assert "number" in preview.error
    assert preview.lint and preview.lint[0].severity == "error"
