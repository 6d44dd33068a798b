"""Rows written with one prebuilt Core INSERT instead of the ORM unit of work.

Ticket events and claims are written on every busy path and are never changed again
in the same transaction (new tickets take their Python defaults from ``defaults``). Adding them as ORM objects costs a
model construction plus a flush (change tracking, dependency sort, a new INSERT
statement each time): measured here ~340 µs for one TicketEvent against ~125 µs
for the same row through a Core INSERT built once (bench/README.md).

The defaults a model declares in Python (``Field(default_factory=utcnow)``) are
not column defaults, so they are filled here from the model's own field table.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from bot.db.prepared import Prepared

_PLANS: dict[type, tuple[Prepared, dict[str, Any], dict[str, Any]]] = {}


def _plan(model: type[SQLModel]):
    plan = _PLANS.get(model)
    if plan is None:
        table = model.__table__
        static, factories = {}, {}
        for name, field in model.model_fields.items():
            if name not in table.c or table.c[name].primary_key:
                continue
            if field.default_factory is not None:
                factories[name] = field.default_factory
            elif not field.is_required():
                static[name] = field.default
        plan = _PLANS[model] = (Prepared(insert(table)), static, factories)
    return plan


def _values(plan, values: dict[str, Any]) -> dict[str, Any]:
    _, static, factories = plan
    row = dict(static)
    row.update(values)
    for name, factory in factories.items():
        if name not in values:
            row[name] = factory()
    return row


def defaults(model: type[SQLModel]) -> dict[str, Any]:
    """The values a new row of ``model`` gets when none are given (factories called now)."""
    return _values(_plan(model), {})


async def add(session: AsyncSession, model: type[SQLModel], **values: Any) -> None:
    """INSERT one row of ``model``; nothing is loaded back. (Pending ORM changes are
    flushed first by ``Prepared``, as autoflush would.)"""
    plan = _plan(model)
    await plan[0].run(session, _values(plan, values))
