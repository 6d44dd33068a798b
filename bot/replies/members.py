"""Replies for the members area."""
from __future__ import annotations

TEXT: dict[str, str] = {}
