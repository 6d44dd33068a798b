"""Log lines, plain or JSON (``LOG_FORMAT=json``), carrying the message and ticket in hand.

The dispatcher sets ``MESSAGE_ID`` (the message's dedup key) for everything a message causes,
and handlers set ``TICKET`` once they know the ticket; the sender sets both for the row it is
sending. Every log record made meanwhile carries them as ``msg_id`` and ``ticket``, whatever
module logs it: a ``logging.Filter`` on the root handler copies them from the context.
"""
from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import datetime, timezone

MESSAGE_ID: ContextVar[str | None] = ContextVar("gridbot_message_id", default=None)
TICKET: ContextVar[str | None] = ContextVar("gridbot_ticket", default=None)
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def set_ticket(community_id: str | None, number: int | None) -> None:
    """Name the ticket the current message or row is about (``community#number``)."""
    if number is not None:
        TICKET.set(f"{community_id}#{number}" if community_id else f"#{number}")


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg_id = MESSAGE_ID.get()
        record.ticket = TICKET.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ts, level, logger, msg, msg_id and ticket when known, exc when any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "msg": record.getMessage(),
        }
        for key in ("msg_id", "ticket"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        known = [f"{k}={getattr(record, k)}" for k in ("msg_id", "ticket") if getattr(record, k, None) is not None]
        return f"{line} [{' '.join(known)}]" if known else line


def configure(level: str, fmt: str = "plain", stream=None) -> logging.Handler:
    """Replace the root logger's handlers with one that writes ``fmt`` ("plain" or "json")."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else PlainFormatter(PLAIN_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    return handler
