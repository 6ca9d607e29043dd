"""The whole path with real processes and sockets: an alert in through the
listener, a signed webhook out to a receiver, history on the command line."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from multidict import CIMultiDict

from dfire_desktop.engine.examples import PUSHOVER_MAPPINGS, PUSHOVER_TEMPLATE
from tests.support.receiver import Receiver, free_port

pytestmark = pytest.mark.e2e

MAPPINGS = PUSHOVER_MAPPINGS

ALERT = {
    "title": "Alert: Suspicious Login Activity",
    "description": "Multiple failed login attempts detected",
    "severity": "high",
    "source": "SIEM",
    "external_id": "ALERT-12345",
    "attributes": {
        "source_ip": "192.168.1.100",
        "target_user": "admin@example.com",
        "attempt_count": 15,
    },
}

API_TOKEN = "azGDORePK8gMaC0QOYAMyEEuzJnyUi"
USER_KEY = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG"
SIGNING_SECRET = "whsec-7f3a9c1e5b"
BEARER = "receiver-bearer-0d1e2f"


def verify_signature(payload_body: bytes, signature_header: str, secret: str) -> bool:
    """The specification's receiver-side check, as an integrator writes it."""
    expected = hmac.new(secret.encode(), payload_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature_header)


class Cli:
    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.data_dir = data_dir
        self.env = env

    def argv(self, *args: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "dfire_desktop.cli",
            "--data-dir",
            str(self.data_dir),
            *args,
        ]

    def run(self, *args: str, stdin: str = "") -> str:
        done = subprocess.run(
            self.argv(*args),
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    env = dict(os.environ)
    env["CREDENTIAL_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    env.pop("DFIRE_DATABASE_URL", None)
    return Cli(tmp_path / "data", env)


def configuration(receiver_url: str) -> dict[str, Any]:
    return {
        "settings": {"tenant_name": "Lab"},
        "case_types": [
            {
                "name": "Security Incident",
                "fields": [
                    {"label": "Source IP", "type": "text"},
                    {"label": "Target User", "type": "text"},
                    {"label": "Attempt Count", "type": "number"},
                ],
            }
        ],
        "outgoing": [
            {
                "name": "Pushover on new investigations",
                "url": receiver_url,
                "events": ["investigation_created"],
                "auth": {"type": "bearer", "token": BEARER},
                "payload_template": PUSHOVER_TEMPLATE,
                "value_mappings": MAPPINGS,
                "max_retries": 3,
                "timeout_seconds": 10,
                "signing_secret": SIGNING_SECRET,
                "enabled": True,
            }
        ],
        "incoming": [
            {
                "name": "SIEM",
                "case_type": "Security Incident",
                "default_mode": "investigation",
                "default_severity": "medium",
            }
        ],
    }


@contextlib.contextmanager
def serving(cli: Cli) -> Iterator[str]:
    """`dfire-desktop serve` on a free port; yields its base URL and checks
    that SIGTERM stops it cleanly."""
    port = free_port()
    process = subprocess.Popen(
        cli.argv("serve", "--listen", f"127.0.0.1:{port}"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli.env,
    )
    assert process.stdout is not None
    first_line = process.stdout.readline()
    try:
        assert "listening on" in first_line
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=20)
    assert process.returncode == 0, errors


def test_alert_in_signed_webhook_out(cli: Cli, tmp_path: Path) -> None:
    """An alert posted to the listener opens a case whose webhook reaches the
    receiver once, rendered, mapped, authenticated and verifiably signed."""
    with Receiver() as receiver:
        config_file = tmp_path / "webhooks.json"
        config_file.write_text(json.dumps(configuration(receiver.url)))
        imported = json.loads(cli.run("webhook", "import", str(config_file), "--json"))
        cli.run("secret", "set", "pushover_api_token", stdin=API_TOKEN + "\n")
        cli.run("secret", "set", "pushover_api_user", stdin=USER_KEY)
        incoming = imported["incoming"][0]
        assert imported["outgoing"][0]["name"] == "Pushover on new investigations"

        with serving(cli) as base:
            url = f"{base}/api/webhooks/incoming/{incoming['id']}/"
            _exercise(cli, receiver, url, incoming["token"])

        _assert_no_credential_on_disk(
            cli.data_dir,
            [API_TOKEN, USER_KEY, SIGNING_SECRET, BEARER, incoming["token"]],
        )


def _post(url: str, token: str, body: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.post(url, json=body, headers=headers, timeout=10)


def _exercise(cli: Cli, receiver: Receiver, url: str, token: str) -> None:
    answer = _post(url, token, ALERT)
    assert answer.status_code == 201, answer.text
    created = answer.json()
    assert set(created) == {"status", "case"}
    assert created["status"] == "created"
    assert set(created["case"]) == {"id", "case_number", "url"}
    case = created["case"]
    assert case["case_number"].startswith("CASE-")
    assert case["url"].endswith(f"/cases/{case['id']}")

    (request,) = receiver.wait_for(1)
    _assert_delivered(request.body, request.headers, case)
    _assert_history(cli)

    again = _post(url, token, ALERT)
    assert again.status_code == 200
    assert again.json()["case"] == case
    _assert_client_errors(url, token)
    assert len(json.loads(cli.run("deliveries", "--json"))) == 1
    assert len(receiver.requests) == 1


def _assert_delivered(
    body: bytes, headers: CIMultiDict[str], case: dict[str, str]
) -> None:
    payload = json.loads(body)
    assert payload["token"] == API_TOKEN
    assert payload["user"] == USER_KEY
    assert payload["title"] == (
        f"You have been paged for {case['case_number']} {ALERT['title']}"
    )
    assert case["case_number"] in payload["message"]
    assert payload["message"].endswith(f"here: {case['url']}")
    assert payload["priority"] == "1"
    assert headers["Authorization"] == f"Bearer {BEARER}"
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Webhook-Event"] == "investigation_created"
    assert verify_signature(body, headers["X-Webhook-Signature"], SIGNING_SECRET)
    assert not verify_signature(
        body + b" ", headers["X-Webhook-Signature"], SIGNING_SECRET
    )


def _assert_history(cli: Cli) -> None:
    (delivery,) = json.loads(cli.run("deliveries", "--json"))
    assert delivery["status"] == "succeeded"
    assert delivery["http_status"] == 200
    assert isinstance(delivery["response_time_ms"], int)
    assert delivery["response_time_ms"] >= 0
    assert delivery["webhook"] == "Pushover on new investigations"

    (detailed,) = json.loads(cli.run("deliveries", "--json", "--attempts"))
    (attempt,) = detailed["attempts_made"]
    assert attempt["succeeded"] and attempt["http_status"] == 200
    assert attempt["retry_in_seconds"] is None


def _assert_client_errors(url: str, token: str) -> None:
    wrong = _post(url, token + "x", ALERT)
    assert wrong.status_code == 401
    assert wrong.json()["status"] == "error"

    untitled = _post(url, token, {"description": "no title here"})
    assert 400 <= untitled.status_code < 500
    assert untitled.json()["field"] == "title"
    assert "title" in untitled.json()["error"]


def _assert_no_credential_on_disk(data_dir: Path, credentials: list[str]) -> None:
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in files)
    assert any(p.suffix == ".log" for p in files)
    for path in files:
        content = path.read_bytes()
        for credential in credentials:
            assert credential.encode() not in content, f"{path.name} leaks a credential"
