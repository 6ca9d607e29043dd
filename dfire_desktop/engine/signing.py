"""HMAC-SHA256 over the exact body bytes that are sent (field fault F05)."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Webhook-Signature"


def sign(body: bytes, secret: str) -> str:
    """Lowercase hex HMAC-SHA256 of `body` keyed with `secret` in UTF-8."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, signature: str, secret: str) -> bool:
    """Constant-time check of a received signature, compared as bytes."""
    expected = sign(body, secret).encode("ascii")
    return hmac.compare_digest(expected, signature.strip().encode("utf-8"))
