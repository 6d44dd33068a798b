"""Lifecycle rules as data: dispatch tiers (T1/T2), deadlines and skill keywords.

Defaults live in ``bot/data/lifecycle.yaml``; ``LIFECYCLE_RULES_FILE`` points at a
community's own copy. Pure functions over the loaded table; no database here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

URGENT = "urgent"


@dataclass(frozen=True, slots=True)
class Tiers:
    t1: timedelta  # nearby members only, until this much after the offer
    t2: timedelta  # then the secretary is alerted, this much after the offer


@lru_cache(maxsize=8)
def load(path: str | None = None) -> dict:
    if path:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = resources.files("bot").joinpath("data/lifecycle.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    for section in ("dispatch", "deadline"):
        if not isinstance(data.get(section), dict):
            raise ValueError(f"lifecycle rules: missing section {section!r}")
    return data


def _rules(settings=None) -> dict:
    return load(getattr(settings, "lifecycle_rules_file", None))


def tiers(category: str, settings=None) -> Tiers:
    table = _rules(settings)["dispatch"]
    row = {**table.get("default", {}), **(table.get("categories") or {}).get(category, {})}
    t1 = timedelta(minutes=float(row.get("t1", 30)))
    t2 = timedelta(minutes=float(row.get("t2", 120)))
    return Tiers(t1, max(t1, t2))


def tier1_max(settings=None) -> int:
    return int(_rules(settings)["dispatch"].get("tier1_max", 5))


def deadline(category: str, urgency: str, settings=None) -> timedelta:
    table = _rules(settings)["deadline"]
    if urgency == URGENT:
        return timedelta(hours=float(table.get("urgent", 4)))
    hours = (table.get("categories") or {}).get(category, table.get("default", 72))
    return timedelta(hours=float(hours))


def remind_before(urgency: str, settings=None) -> timedelta:
    table = _rules(settings)["deadline"]
    key = "remind_before_urgent" if urgency == URGENT else "remind_before"
    return timedelta(hours=float(table.get(key, 1 if urgency == URGENT else 6)))


def skill_keywords(category: str, settings=None) -> list[str]:
    return list((_rules(settings).get("skills") or {}).get(category, []))


def skill_score(skills: str | None, category: str, settings=None) -> int:
    """How many of the category's keywords a member's 特长 mentions."""
    if not skills:
        return 0
    return sum(1 for word in skill_keywords(category, settings) if word in skills)


def department_rules(settings=None) -> tuple[int, timedelta, timedelta]:
    """(default days of a /转办, alert delay after a missed deadline, time to 报到 after /吹哨)."""
    table = _rules(settings).get("department") or {}
    return (int(table.get("default_days", 3)), timedelta(hours=float(table.get("alert_after_hours", 24))),
            timedelta(hours=float(table.get("report_within_hours", 2))))
