"""Signed links: a path the bot hands out (a report link in chat) that opens without the API token."""
from __future__ import annotations

import hashlib
import hmac


def link_signature(token: str, path: str) -> str:
    return hmac.new(token.encode(), path.encode(), hashlib.sha256).hexdigest()[:32]


def signed_path(token: str | None, path: str) -> str:
    """The path with its signature, when there is a token to sign with."""
    return f"{path}?sig={link_signature(token, path)}" if token else path


# -- expiring links to stored files (issue 12) ----------------------------------
_PROCESS_KEY = __import__("secrets").token_hex(32)


def file_key(settings) -> str:
    """The key file links are signed with: FILE_SIGNING_KEY, else API_TOKEN, else one per process."""
    return getattr(settings, "file_signing_key", None) or getattr(settings, "api_token", None) or _PROCESS_KEY


def expiring_signature(key: str, path: str, expires: int) -> str:
    return hmac.new(key.encode(), f"{path}\n{expires}".encode(), hashlib.sha256).hexdigest()[:32]


def expiring_path(key: str, path: str, expires: int) -> str:
    """``path?exp=…&sig=…``: opens until ``expires`` (Unix seconds), for that exact path only."""
    return f"{path}?exp={expires}&sig={expiring_signature(key, path, expires)}"


def check_expiring(key: str, path: str, expires: str | None, sig: str | None, now: float) -> bool:
    if not expires or not sig or not expires.isdigit() or len(expires) > 12:
        return False
    if int(expires) < now:
        return False
    expected = expiring_signature(key, path, int(expires))
    return hmac.compare_digest(sig.encode("utf-8", "surrogatepass"), expected.encode())
