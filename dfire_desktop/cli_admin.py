"""Admin subcommands. They open the store beside a serving engine, which
picks up what they write on its next poll."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from dfire_desktop.config import AppConfig
from dfire_desktop.engine import api
from dfire_desktop.engine.errors import InvalidInputError
from dfire_desktop.engine.service import opened

EXIT_OK = 0


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def _read_config_file(args: argparse.Namespace) -> Any:
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInputError(f"cannot read {args.file}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{args.file} is not UTF-8 text") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"{args.file} is not valid JSON: {exc.msg.removesuffix(' at')} at line "
            f"{exc.lineno}, column {exc.colno}"
        ) from exc
    except ValueError as exc:  # an integer of more than 4300 digits
        raise InvalidInputError(f"{args.file} holds an unusable number: {exc}") from exc


async def import_webhooks(config: AppConfig, args: argparse.Namespace) -> int:
    doc = _read_config_file(args)
    async with opened(config) as engine:
        result = await engine.import_config(doc)
    if args.json:
        _print_json(
            {
                "outgoing": [{"id": w.id, "name": w.name} for w in result.outgoing],
                "incoming": [
                    {
                        "id": t.webhook.id,
                        "name": t.webhook.name,
                        "url": t.webhook.url,
                        "token": t.token,
                    }
                    for t in result.incoming
                ],
            }
        )
        return EXIT_OK
    for webhook in result.outgoing:
        print(f"outgoing  {webhook.name}  {webhook.id}")
    for issued in result.incoming:
        print(f"incoming  {issued.webhook.name}  {issued.webhook.url}")
        print(f"          token (shown only once): {issued.token}")
    return EXIT_OK


async def export_webhooks(config: AppConfig, args: argparse.Namespace) -> int:
    async with opened(config) as engine:
        _print_json(await engine.export_config())
    return EXIT_OK


def _state(enabled: bool) -> str:
    return "enabled " if enabled else "disabled"


async def list_webhooks(config: AppConfig, args: argparse.Namespace) -> int:
    async with opened(config) as engine:
        outgoing = await engine.list_outgoing()
        incoming = await engine.list_incoming()
    for out in outgoing:
        events = ",".join(kind.value for kind in out.events)
        print(f"outgoing  {_state(out.enabled)}  {out.name}  {out.url}  [{events}]")
    for inc in incoming:
        print(f"incoming  {_state(inc.enabled)}  {inc.name}  {inc.url}")
    if not outgoing and not incoming:
        print("no webhooks yet; create some with `dfire-desktop webhook import FILE`")
    return EXIT_OK


async def set_secret(config: AppConfig, args: argparse.Namespace) -> int:
    value = _read_secret_value(args.name)
    async with opened(config) as engine:
        saved = await engine.set_secret(args.name, value, args.description)
    print(f"secret {saved.name} saved")
    return EXIT_OK


def _read_secret_value(name: str) -> str:
    """From a pipe as given; at a terminal, asked for without echo."""
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"Value of secret {name} (not shown): ")
    try:
        value = sys.stdin.read()
    except UnicodeDecodeError:
        raise InvalidInputError("the secret value is not UTF-8 text", "value") from None
    # One trailing newline is the shell's, not the secret's.
    value = value[:-1] if value.endswith("\n") else value
    return value[:-1] if value.endswith("\r") else value


async def list_secrets(config: AppConfig, args: argparse.Namespace) -> int:
    async with opened(config) as engine:
        for secret in await engine.list_secrets():
            print(f"{secret.name}\t{secret.description}")
    return EXIT_OK


async def delete_secret(config: AppConfig, args: argparse.Namespace) -> int:
    async with opened(config) as engine:
        await engine.delete_secret(args.name)
    print(f"secret {args.name} deleted")
    return EXIT_OK


def delivery_json(delivery: api.Delivery) -> dict[str, Any]:
    from dfire_desktop.engine.clock import rfc3339

    return {
        "id": delivery.id,
        "webhook": delivery.webhook_name,
        "event": delivery.event_kind.value,
        "case_id": delivery.case_id,
        "status": delivery.status.value,
        "attempts": delivery.attempt_count,
        "http_status": delivery.last_status_code,
        "response_time_ms": delivery.last_duration_ms,
        "error": delivery.last_error,
        "created_at": rfc3339(delivery.created_at),
        "updated_at": rfc3339(delivery.updated_at),
        "next_attempt_at": rfc3339(delivery.next_attempt_at),
    }


def attempt_json(attempt: api.Attempt) -> dict[str, Any]:
    from dfire_desktop.engine.clock import rfc3339

    return {
        "number": attempt.number,
        "started_at": rfc3339(attempt.started_at),
        "succeeded": attempt.succeeded,
        "http_status": attempt.status_code,
        "response_time_ms": attempt.duration_ms,
        "error": attempt.error,
        "retry_in_seconds": attempt.retry_in_seconds,
    }


def _print_delivery(delivery: api.Delivery, attempts: list[dict[str, Any]]) -> None:
    row = delivery_json(delivery)
    print(
        f"{row['updated_at']}  {row['status']:<11} {row['http_status'] or '-':>4}"
        f"  {row['response_time_ms'] or '-':>6} ms  {delivery.webhook_name}  "
        f"{row['event']}  {row['error']}"
    )
    for attempt in attempts:
        retry = attempt["retry_in_seconds"]
        then = f"  retry in {retry:.0f} s" if retry is not None else ""
        code = attempt["http_status"] or "-"
        print(f"    attempt {attempt['number']}  {code}  {attempt['error']}{then}")


async def show_deliveries(config: AppConfig, args: argparse.Namespace) -> int:
    status = api.DeliveryStatus(args.status) if args.status else None
    async with opened(config) as engine:
        found = await engine.list_deliveries(args.webhook, status, args.limit)
        attempts = {
            d.id: [attempt_json(a) for a in await engine.list_attempts(d.id)]
            for d in (found if args.attempts else [])
        }
    if args.json:
        rows = [delivery_json(d) for d in found]
        for row in rows if args.attempts else []:
            row["attempts_made"] = attempts[row["id"]]
        _print_json(rows)
        return EXIT_OK
    for delivery in found:
        _print_delivery(delivery, attempts.get(delivery.id, []))
    if not found:
        print("no deliveries")
    return EXIT_OK
