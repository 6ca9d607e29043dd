"""Encryption of credentials at rest, and redaction of what must not leak.

One key, `CREDENTIAL_ENCRYPTION_KEY`, from the environment. Several keys,
comma-separated, rotate: the first encrypts, all decrypt.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Iterable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from dfire_desktop.engine.errors import VaultError, VaultLockedError

KEY_ENV = "CREDENTIAL_ENCRYPTION_KEY"
REDACTED = "[redacted]"
# Values shorter than this are too likely to match ordinary text when redacted.
MIN_REDACTED_LENGTH = 4

KEY_HELP = (
    "No credential encryption key is set, so secrets and webhook credentials "
    f"cannot be saved or used. Set the environment variable {KEY_ENV} to a "
    "key made by `dfire-desktop key new`, then start DFIRe Desktop again."
)


class Redactor:
    """Every credential the process has seen in clear, to scrub from text.

    Logs, stored attempts and error messages pass through `scrub` so that a
    credential that slipped into a message never reaches disk or the screen.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()

    def remember(self, value: str) -> None:
        if len(value) >= MIN_REDACTED_LENGTH:
            with self._lock:
                self._values.add(value)

    def scrub(self, text: str) -> str:
        with self._lock:
            values = sorted(self._values, key=len, reverse=True)
        for value in values:
            if value in text:
                text = text.replace(value, REDACTED)
        return text


REDACTOR = Redactor()


class RedactingFilter(logging.Filter):
    """Scrubs remembered credentials from every record a handler emits."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = REDACTOR.scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


def _parse_keys(text: str) -> MultiFernet:
    try:
        keys = [Fernet(part.strip()) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise VaultLockedError(
            f"{KEY_ENV} is not a valid key: it must be 32 url-safe base64-encoded "
            "bytes, as made by `dfire-desktop key new`."
        ) from exc
    if not keys:
        raise VaultLockedError(KEY_HELP)
    return MultiFernet(keys)


class Vault:
    """Encrypts and decrypts credentials; locked when no key is available."""

    def __init__(self, key_text: str | None) -> None:
        self._fernet: MultiFernet | None = None
        self._problem = KEY_HELP
        self._key_count = 0
        if key_text:
            try:
                self._fernet = _parse_keys(key_text)
            except VaultLockedError as exc:
                self._problem = str(exc)
            else:
                self._key_count = len([k for k in key_text.split(",") if k.strip()])

    @classmethod
    def from_environment(cls) -> Vault:
        return cls(os.environ.get(KEY_ENV))

    @property
    def unlocked(self) -> bool:
        return self._fernet is not None

    @property
    def problem(self) -> str:
        """Why the vault is locked, in words for the user."""
        return "" if self.unlocked else self._problem

    def encrypt(self, value: str) -> bytes:
        REDACTOR.remember(value)
        return self._require().encrypt(value.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        try:
            value = self._require().decrypt(token).decode("utf-8")
        except InvalidToken as exc:
            raise VaultError(
                "a stored credential cannot be decrypted with the current "
                f"{KEY_ENV}; was the key changed? Add the old key after the new "
                "one, separated by a comma, to read it."
            ) from exc
        REDACTOR.remember(value)
        return value

    @property
    def key_count(self) -> int:
        return self._key_count if self._fernet else 0

    def rotate(self, token: bytes) -> bytes:
        """`token` re-encrypted under the first key."""
        try:
            return self._require().rotate(token)
        except InvalidToken as exc:
            raise VaultError(
                "a stored credential cannot be decrypted with any given key"
            ) from exc

    def lock(self, reason: str) -> None:
        """Refuse every credential from now on, saying `reason`."""
        self._fernet, self._problem = None, reason

    def _require(self) -> MultiFernet:
        if self._fernet is None:
            raise VaultLockedError(self._problem)
        return self._fernet


def remember_all(values: Iterable[str]) -> None:
    for value in values:
        REDACTOR.remember(value)


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


# An echo of a JSON body inside another JSON document escapes it twice.
JSON_ESCAPE_DEPTH = 2


_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-f]{4})")


def _upper_hex(match: re.Match[str]) -> str:
    return "\\u" + match[1].upper()


def _json_escaped(value: str) -> set[str]:
    """`value` escaped for a JSON string the ways common encoders do it:
    Python (with or without ASCII escapes), Go (`&<>` as \\u00XX), PHP (`/` as
    `\\/`) and upper-case hex (Java, .NET)."""
    forms = set()
    for ascii_only in (False, True):
        base = json.dumps(value, ensure_ascii=ascii_only)[1:-1]
        go = base.replace("&", "\\u0026").replace("<", "\\u003c")
        go = go.replace(">", "\\u003e")
        for form in (base, go):
            for slashed in (form, form.replace("/", "\\/")):
                forms.add(slashed)
                forms.add(_UNICODE_ESCAPE.sub(_upper_hex, slashed))
    return forms


def written_forms(value: str) -> set[str]:
    """The ways `value` can appear in a response that echoes it: as is,
    escaped inside JSON once or twice (in the styles of common encoders) and
    URL-encoded."""
    from urllib.parse import quote, quote_plus

    forms = {value, quote(value, safe=""), quote_plus(value)}
    layer = {value}
    for _ in range(JSON_ESCAPE_DEPTH):
        layer = set().union(*(_json_escaped(form) for form in layer))
        forms |= layer
    return {form for form in forms if len(form) >= MIN_REDACTED_LENGTH}


def scrub(text: str, credentials: Iterable[str]) -> str:
    """`text` with every written form of each credential, and of every
    remembered one, replaced."""
    forms = set().union(*(written_forms(c) for c in credentials if c))
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return REDACTOR.scrub(text)


def _token_like(segment: str) -> bool:
    """Whether a URL path segment looks like a key rather than a word:
    long, or holding digits or capitals (`T0`, `B0`, `TOPSECRET`)."""
    if len(segment) < MIN_REDACTED_LENGTH:
        return False
    if len(segment) >= 20:
        return True
    return any(c.isdigit() or c.isupper() for c in segment)


def url_secrets(url: str) -> list[str]:
    """What in a URL may be a credential: userinfo, query values and
    token-like path segments (field fault F09)."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found = [parts.username or "", parts.password or ""]
    found += [value for _, value in parse_qsl(parts.query)]
    found += [unquote(s) for s in parts.path.split("/") if _token_like(unquote(s))]
    return [value for value in found if len(value) >= MIN_REDACTED_LENGTH]


def safe_location(url: str) -> str:
    """A URL reduced to scheme, host, port and path: userinfo, query and
    fragment can carry tokens (field fault F09)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "[unreadable URL]"
    if not host:
        return "[relative URL]"
    query = "?[redacted]" if parts.query else ""
    path = "/".join(
        REDACTED if _token_like(segment) else segment
        for segment in parts.path.split("/")
    )
    return f"{parts.scheme}://{host}{port}{path}{query}"
