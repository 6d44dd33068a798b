"""Replies for the schedule area."""
from __future__ import annotations

TEXT: dict[str, str] = {}
