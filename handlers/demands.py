"""Resident free text: a demand opens a ticket (or joins the same open one),
an unsure message is asked about, chatter is left alone."""
from __future__ import annotations

import nlp
from bot import clock
from bot.db.directory_cache import RoomInfo
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import category_name, say
from bot.services import dispatching, duplicates, pending, tickets
from bot.services.directory import Actor
from handlers.format import ticket_fields
from handlers.schedule import deliver

router = Router("demands")
# Longer free text is almost always a forwarded article, not a request.
MAX_FREE_TEXT = 2000


def _intake(ctx: Context) -> bool:
    return ctx.room is None or ctx.room.kind == "grid"


def is_group_chatter(room: RoomInfo, text: str) -> bool:
    """Pure: would ``free_text`` stay silent for this group message? (the dispatcher's fast path)"""
    if room.kind != "grid" or len(text) > MAX_FREE_TEXT:
        return True
    return nlp.classify(text).intent == "chat"


@router.command("yes")
async def confirm_demand(ctx: Context, session, actor: Actor) -> None:
    action = await pending.take(session=session, person_id=actor.person.id, kind="demand")
    if action is None:
        if ctx.room is None:
            ctx.reply(say("nothing_to_confirm"))
        return  # a bare "是" in a group with nothing pending is conversation
    data = action.payload
    await open_or_merge(ctx, actor=actor, text=data["text"], category=data["category"],
                        urgency=data["urgency"], building=data.get("building"),
                        unit=data.get("unit"), room_no=data.get("room"), evidence=data.get("evidence"))


@router.message(when=_intake)
async def free_text(ctx: Context, session, actor: Actor, text: str) -> None:
    if len(text) > MAX_FREE_TEXT:
        if ctx.room is None:
            ctx.reply(say("err_too_long", limit=MAX_FREE_TEXT))
        return
    result = nlp.classify(text)
    if result.intent == "chat":
        if ctx.room is None:
            ctx.reply(say("help_resident"))
        return
    if actor.community_id is None:
        raise DomainError("err_no_community")
    fields = dict(category=result.category or "other", urgency=result.urgency or "normal",
                  building=result.building, unit=result.unit, room_no=result.room,
                  evidence="、".join(result.evidence) or None)
    if result.intent == "demand":
        await open_or_merge(ctx, actor=actor, text=text, **fields)
        return
    ttl = ctx.settings.confirm_ttl_seconds
    payload = {"text": text, "category": fields["category"], "urgency": fields["urgency"],
               "building": result.building, "unit": result.unit, "room": result.room,
               "evidence": fields["evidence"]}
    await pending.put(session=session, person_id=actor.person.id, community_id=actor.community_id,
                      room_id=ctx.msg.room_id, kind="demand", payload=payload, ttl_seconds=ttl)
    ctx.reply(say("demand_ask", minutes=max(1, ttl // 60)))


async def open_or_merge(
    ctx: Context, *, actor: Actor, text: str, category: str, urgency: str,
    building: str | None, unit: str | None, room_no: str | None, evidence: str | None,
) -> None:
    session = ctx.session
    grid_id = ctx.room.grid_id if ctx.room else None
    same = await duplicates.find_duplicate(
        session=session, community_id=actor.community_id, grid_id=grid_id, category=category,
        text=text, building=building, unit=unit, room_no=room_no,
    )
    if same is not None and same.reporter_id != actor.person.id:
        count = await duplicates.attach(session=session, ticket=same, person_id=actor.person.id,
                                        room_id=ctx.msg.room_id, text=text)
        ctx.reply(say("ticket_merged", number=same.number, count=count or same.affected_count))
        return
    # One clock for the ticket's creation and its deadline (deadline = created + the limit).
    now = clock.utcnow()
    draft = tickets.draft(
        community_id=actor.community_id, reporter_id=actor.person.id, text=text, category=category,
        urgency=urgency, room_id=ctx.msg.room_id, grid_id=grid_id, building=building, unit=unit,
        room_no=room_no, evidence=evidence, now=now,
    )
    # Dispatch is planned first so that the ticket's one INSERT already holds its deadline and level.
    plan = await dispatching.plan_new(session=session, ticket=draft, now=now, settings=ctx.settings)
    draft.deadline_at, draft.dispatch_level = plan.deadline_at, plan.level
    ticket = await tickets.insert(session=session, ticket=draft)
    fields = ticket_fields(ticket)
    opened = say("ticket_opened", number=ticket.number, category=category_name(category),
                 urgent_mark=fields["urgent_mark"], location=fields["location"])
    if urgency == "urgent":
        # The bot never stands between a resident and the emergency services.
        opened = say("ticket_urgent_call") + "\n" + opened
    ctx.reply(opened)
    # Tiered dispatch: nearby members first (bot.services.dispatching).
    messages, wait = await dispatching.offer_new(session=session, ticket=ticket, plan=plan, now=now,
                                                 settings=ctx.settings)
    await deliver(ctx, messages, wait)
