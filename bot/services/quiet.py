"""Quiet hours (免打扰): no non-urgent automated message between 22:00 and 07:00.

What counts as urgent: every message about an urgent ticket (its dispatch to all
tiers, the secretary's alert, its deadline reminder and overdue alert). Everything
else the rules and the scheduler send on their own (normal dispatch offers and
escalations, reminders, follow-ups, digests, rankings, reports, scheduled notices)
waits for the morning through ``OutboxMessage.not_before``. A direct reply to a
person who just wrote is never held: it is an answer, not a disturbance.
"""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone

from bot.clock import LOCAL_TZ, to_local

_SPEC = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_hours(spec: str | None) -> tuple[time, time] | None:
    """ "22:00-07:00" → (22:00, 07:00); "" or "off" → None (no quiet hours)."""
    if not spec or spec.strip().lower() in ("off", "none", "0"):
        return None
    match = _SPEC.match(spec)
    if not match:
        raise ValueError(f"quiet hours must look like 22:00-07:00, got {spec!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    return time(h1 % 24, m1), time(h2 % 24, m2)


def quiet_until(now: datetime, spec: str | None) -> datetime | None:
    """When quiet hours end if ``now`` lies inside them (aware UTC), else None."""
    hours = parse_hours(spec)
    if hours is None:
        return None
    start, end = hours
    local = to_local(now)
    t = local.time()
    if start == end:
        return None
    if start < end:
        inside, end_day = start <= t < end, local.date()
    else:  # wraps midnight
        inside = t >= start or t < end
        end_day = local.date() + timedelta(days=1) if t >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, LOCAL_TZ).astimezone(timezone.utc)


def not_before(now: datetime, *, urgent: bool, settings) -> datetime | None:
    """The ``not_before`` for an automated message sent at ``now``."""
    if urgent:
        return None
    return quiet_until(now, getattr(settings, "quiet_hours", ""))
