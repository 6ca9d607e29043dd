"""The admin commands, run as the user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]  # returns a closure
    monkeypatch.setenv("CREDENTIAL_ENCRYPTION_KEY", Fernet.generate_key().decode())
    monkeypatch.delenv("DFIRE_DATABASE_URL", raising=False)
    data = tmp_path / "data"

    def invoke(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "dfire_desktop.cli", "--data-dir", str(data)]
        return subprocess.run(
            [*argv, *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    return invoke


def test_secret_list_shows_names_never_values(run) -> None:  # type: ignore[no-untyped-def]
    """`secret list` prints name and description but never the value."""
    assert (
        run(
            "secret", "set", "tok", "--description", "d", stdin="v4lue-xyz\n"
        ).returncode
        == 0
    )
    listed = run("secret", "list")

    assert listed.stdout.strip() == "tok\td"
    assert "v4lue-xyz" not in listed.stdout + listed.stderr


def test_export_leaves_out_credentials(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`webhook export` keeps the setup but no password, token or signing
    secret, and its output imports again."""
    config = {
        "outgoing": [
            {
                "name": "jira",
                "url": "https://jira.example.test/hook",
                "events": ["case_closed"],
                "signing_secret": "sig-999",
                "auth": {"type": "basic", "username": "bot", "password": "pw-777"},
            }
        ]
    }
    source = tmp_path / "in.json"
    source.write_text(json.dumps(config))
    assert run("webhook", "import", str(source)).returncode == 0

    exported = run("webhook", "export").stdout
    doc = json.loads(exported)

    assert "pw-777" not in exported and "sig-999" not in exported
    assert doc["outgoing"][0]["auth"] == {"type": "basic", "username": "bot"}
    assert doc["outgoing"][0]["events"] == ["case_closed"]


def test_bad_import_names_the_entry_and_creates_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An import with one bad entry fails in words and creates nothing."""
    config = {
        "outgoing": [
            {"name": "good", "url": "https://a.example.test/", "events": ["test"]},
            {
                "name": "bad",
                "url": "https://b.example.test/",
                "events": ["case_exploded"],
            },
        ]
    }
    source = tmp_path / "in.json"
    source.write_text(json.dumps(config))
    done = run("webhook", "import", str(source))

    assert done.returncode == 1
    assert "case_exploded" in done.stderr
    assert "Traceback" not in done.stderr
    assert "no webhooks yet" in run("webhook", "list").stdout


def test_unreadable_json_is_reported_with_position(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A configuration file that is not JSON is reported with line and column."""
    source = tmp_path / "in.json"
    source.write_text('{"outgoing": [}')
    done = run("webhook", "import", str(source))

    assert done.returncode == 1
    assert "line 1" in done.stderr


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ({"enabled": "false"}, "must be true or false"),
        ({"auth": {"type": "bearer", "token": 12345}}, "must be text"),
        ({"signing_secret": 12345}, "must be text"),
        (
            {"auth": {"type": "basic", "username": "u", "password": ["x"]}},
            "must be text",
        ),
        ({"events": "test"}, "list of event ids"),
        ({"max_retries": 2.9}, "whole number"),
    ],
)
def test_wrongly_typed_values_are_refused_in_words(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, entry: dict[str, object], reason: str
) -> None:
    """A value of the wrong JSON type is named, never coerced or a traceback."""
    outgoing = {"name": "w", "url": "https://a.example.test/", "events": ["test"]}
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"outgoing": [{**outgoing, **entry}]}))
    done = run("webhook", "import", str(source))

    assert done.returncode == 1
    assert reason in done.stderr
    assert "outgoing[0]" in done.stderr
    assert "Traceback" not in done.stderr


def test_null_means_unset_not_the_word_none(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`null` for an optional field leaves it empty instead of "None"."""
    outgoing = {
        "name": "w",
        "url": "https://a.example.test/",
        "events": ["test"],
        "description": None,
        "content_filter": None,
    }
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"outgoing": [outgoing]}))
    assert run("webhook", "import", str(source)).returncode == 0

    (exported,) = json.loads(run("webhook", "export").stdout)["outgoing"]
    assert exported["content_filter"] == "" and exported["description"] == ""


def test_non_utf8_file_is_refused_in_words(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A configuration file in another encoding gets a sentence, not a trace."""
    source = tmp_path / "in.json"
    source.write_bytes(b"\xff\xfe{}")
    done = run("webhook", "import", str(source))

    assert done.returncode == 1
    assert "not UTF-8" in done.stderr


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ({"value_mappings": []}, "object"),
        ({"value_mappings": {"severity": {"low": float("nan")}}}, "not finite"),
        ({"auth": {"type": "none", "token": "leftover"}}, "unknown key"),
        ({"auth": {"type": "headers", "headers": {"X-K": None}}}, "must be text"),
        ({"auth": {"type": "headers", "headers": {"X-K\n": "v"}}}, "header name"),
        ({"auth": {"type": "headers", "headers": {"X-K": ""}}}, "has no value"),
        ({"name": "bad \ud800 name"}, "surrogate"),
        ({"payload_template": '{"a": 1' + "0" * 5000 + "}"}, "number"),
    ],
)
def test_unusable_entries_are_refused_in_words(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, entry: dict[str, object], reason: str
) -> None:
    """Values no request could carry are refused at import, naming the
    entry, instead of failing every delivery later or crashing."""
    outgoing = {"name": "w", "url": "https://a.example.test/", "events": ["test"]}
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"outgoing": [{**outgoing, **entry}]}))
    done = run("webhook", "import", str(source))

    assert done.returncode == 1, done.stdout
    assert reason in done.stderr
    assert "Traceback" not in done.stderr
