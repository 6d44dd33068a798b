"""Replies for the delivery area."""
from __future__ import annotations

TEXT: dict[str, str] = {}
