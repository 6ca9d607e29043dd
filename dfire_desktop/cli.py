"""The `dfire-desktop` command: the window, `serve`, and admin commands."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from dfire_desktop.config import AppConfig, resolve_config

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
Command = Callable[[AppConfig, argparse.Namespace], Coroutine[Any, Any, int]]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dfire-desktop",
        description="DFIRe Desktop: outgoing and incoming webhooks for DFIR cases.",
    )
    parser.add_argument(
        "--data-dir", type=Path, help="where data lives (env DFIRE_DATA_DIR)"
    )
    parser.add_argument(
        "--database-url", help="SQLAlchemy URL of the store (env DFIRE_DATABASE_URL)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the engine without a window")
    serve.add_argument("--listen", metavar="HOST:PORT", help="default 127.0.0.1:8765")

    webhook = commands.add_parser("webhook", help="import, export, list webhooks")
    hooks = webhook.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = hooks.add_parser("import", help="create what FILE describes")
    imp.add_argument("file", type=Path)
    imp.add_argument("--json", action="store_true", help="print JSON")
    hooks.add_parser("export", help="the configuration, without credentials")
    hooks.add_parser("list", help="every webhook")

    secret = commands.add_parser("secret", help="set, list, delete secrets")
    secrets = secret.add_subparsers(dest="action", metavar="ACTION", required=True)
    put = secrets.add_parser("set", help="value read from standard input")
    put.add_argument("name")
    put.add_argument("--description")
    secrets.add_parser("list", help="names and descriptions, never values")
    drop = secrets.add_parser("delete")
    drop.add_argument("name")

    deliveries = commands.add_parser("deliveries", help="delivery history")
    deliveries.add_argument("--webhook", metavar="NAME")
    deliveries.add_argument(
        "--status", choices=["pending", "in_progress", "succeeded", "failed"]
    )
    deliveries.add_argument("--limit", type=int, default=50)
    deliveries.add_argument(
        "--attempts", action="store_true", help="every attempt of each delivery"
    )
    deliveries.add_argument("--json", action="store_true")

    key = commands.add_parser("key", help="credential encryption keys")
    keys = key.add_subparsers(dest="action", metavar="ACTION", required=True)
    keys.add_parser("new", help="print a new CREDENTIAL_ENCRYPTION_KEY")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "key":
        from dfire_desktop.engine.vault import new_key

        print(new_key())
        return EXIT_OK
    try:
        config = resolve_config(
            args.data_dir, args.database_url, getattr(args, "listen", None)
        )
    except ValueError as exc:
        print(f"dfire-desktop: {exc}", file=sys.stderr)
        return EXIT_USAGE

    if args.command is None:
        return _open_window(config, args.verbose)
    from dfire_desktop import logs

    try:
        logs.configure(config.log_dir, args.verbose, console=args.command == "serve")
        return _run(_COMMANDS[args.command], config, args)
    except BrokenPipeError:
        # The reader went away (`| head`): not an error of ours. Point
        # stdout at nothing so the interpreter's final flush stays quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        print(f"dfire-desktop: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_ERROR


def _open_window(config: AppConfig, verbose: bool) -> int:
    from dfire_desktop import logs
    from dfire_desktop.ui.app import run_window

    logs.configure(config.log_dir, verbose, console=False)
    return run_window(config)


def _run(
    command: Command,
    config: AppConfig,
    args: argparse.Namespace,
) -> int:
    from dfire_desktop.engine.errors import EngineError

    try:
        return asyncio.run(command(config, args))
    except EngineError as exc:
        field = getattr(exc, "field", None)
        where = f" ({field})" if field else ""
        print(f"dfire-desktop: {exc}{where}", file=sys.stderr)
        return EXIT_ERROR


async def _serve(config: AppConfig, args: argparse.Namespace) -> int:
    from dfire_desktop.engine.service import Engine

    engine = Engine(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await engine.start()
    try:
        if not engine.vault_unlocked:
            print(f"dfire-desktop: warning: {engine.vault.problem}", file=sys.stderr)
        print(f"DFIRe Desktop engine listening on {engine.listener_url}", flush=True)
        await stop.wait()
    finally:
        await engine.stop()
    return EXIT_OK


async def _webhook(config: AppConfig, args: argparse.Namespace) -> int:
    from dfire_desktop.cli_admin import export_webhooks, import_webhooks, list_webhooks

    actions = {
        "import": import_webhooks,
        "export": export_webhooks,
        "list": list_webhooks,
    }
    return await actions[args.action](config, args)


async def _secret(config: AppConfig, args: argparse.Namespace) -> int:
    from dfire_desktop.cli_admin import delete_secret, list_secrets, set_secret

    actions = {"set": set_secret, "list": list_secrets, "delete": delete_secret}
    return await actions[args.action](config, args)


async def _deliveries(config: AppConfig, args: argparse.Namespace) -> int:
    from dfire_desktop.cli_admin import show_deliveries

    return await show_deliveries(config, args)


_COMMANDS: dict[str, Command] = {
    "serve": _serve,
    "webhook": _webhook,
    "secret": _secret,
    "deliveries": _deliveries,
}

if __name__ == "__main__":
    sys.exit(main())
