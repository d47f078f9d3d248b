"""The ticket ``clerk serve`` hands the dashboard process it starts for a signed-in browser.

``<clerk id>.<expiry, unix seconds>.<nonce>.<HMAC-SHA256 under the hall key>``,
valid for ``TICKET_SECONDS``.  It travels in the child's environment only and
lets the dashboard skip its own sign-in screen: the gate already checked the
password (lock-out, audit).  Without a valid ticket the dashboard asks as usual.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

TICKET_SECONDS = 120
ENV = "CLERK_SERVE_TICKET"


def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, f"clerk-serve-ticket|{body}".encode(), hashlib.sha256).hexdigest()


def make_ticket(key: bytes, clerk_id: str, *, now: float | None = None) -> str:
    expires = int((time.time() if now is None else now) + TICKET_SECONDS)
    body = f"{clerk_id.encode().hex()}.{expires}.{secrets.token_hex(8)}"
    return f"{body}.{_mac(key, body)}"


def ticket_clerk(key: bytes, ticket: str, *, now: float | None = None) -> str | None:
    """The clerk id the ticket names, or None when it is forged, damaged or expired."""
    try:
        id_hex, expires, nonce, mac = ticket.strip().split(".")
        body = f"{id_hex}.{expires}.{nonce}"
        if not hmac.compare_digest(mac, _mac(key, body)):
            return None
        if int(expires) < (time.time() if now is None else now):
            return None
        return bytes.fromhex(id_hex).decode()
    except (ValueError, UnicodeDecodeError):
        return None
