"""Signed links: a path the bot hands out (a report link in chat) that opens without the API token."""
from __future__ import annotations

import hashlib
import hmac


def link_signature(token: str, path: str) -> str:
    return hmac.new(token.encode(), path.encode(), hashlib.sha256).hexdigest()[:32]


def signed_path(token: str | None, path: str) -> str:
    """The path with its signature, when there is a token to sign with."""
    return f"{path}?sig={link_signature(token, path)}" if token else path
