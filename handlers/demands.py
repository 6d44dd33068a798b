"""Resident free text: a demand opens a ticket (or joins the same open one), an unsure
message is asked about, chatter is left alone. The work is bot.services.intake; this
module turns its outcome into what the resident reads, and asks where when nobody knows."""
from __future__ import annotations

import re
from datetime import timedelta

import nlp
from bot import flows, metrics
from bot.clock import to_local, utcnow
from bot.commands import EVERYONE, parse_command
from bot.db.directory_cache import MISSING, RoomInfo
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import category_name, say
from bot.services import dispatching, intake, llm, tickets, urging
from bot.services.directory import Actor
from handlers.format import ticket_fields
from handlers.schedule import deliver
from nlp import answers, context, danger
from nlp.location import extract
from nlp.split import split_problems

router = Router("demands")
router.note(EVERYONE, "直接说问题，如「3号楼电梯坏了」",
            "登记诉求；说了几件事会分开登记；24 小时内同一楼栋、同一单元（说了的话）、同一样东西"
            "（如楼道灯、电梯、门禁）已有人报过，会合并为「+1」；不同单元、楼层或东西不合并；自己重复发会回复「已登记过（#N）」")
router.note(EVERYONE, "「是」「好的」「不用」", "网格通问「要登记为诉求吗？」或「在哪里？」时直接回答")
# Longer free text is almost always a forwarded article, not a request.
MAX_FREE_TEXT = 2000
AGREE_SECONDS = 600  # an unquoted "+1" within ten minutes of a report in the same group agrees with it
# How long the bot waits for "where is it?" to be answered.
WHERE_TTL_SECONDS = 30 * 60


def _classify(text: str) -> nlp.Classification:
    with metrics.CLASSIFIER_SECONDS.time():  # /metrics: gridbot_classifier_seconds
        return nlp.classify(text)


def _intake(ctx: Context) -> bool:
    return ctx.room is None or ctx.room.kind == "grid"


def is_group_chatter(room: RoomInfo, text: str) -> bool:
    """Pure: would ``free_text`` stay silent for this group message? (the dispatcher's fast path)"""
    if room.kind != "grid" or len(text) > MAX_FREE_TEXT:
        return True
    return _classify(text).intent == "chat"


async def ask_ahead(msg, text: str, settings, cache) -> None:
    """Before the message's transaction: ask the large model about text ``free_text`` may refine
    (``_understand``), so the transaction never waits on it. Off while LLM_URL is unset."""
    llm.AHEAD.set(None)
    if llm.client(settings) is None or not text or len(text) > MAX_FREE_TEXT or parse_command(text) is not None:
        return
    room = cache.room(msg.room_id) if msg.room_id else None
    if msg.room_id and room is not MISSING and (room is None or room.kind != "grid"):
        return  # not a room where residents report
    result = _classify(text)
    if result.intent == "chat":
        return
    known = cache.actor(msg.sender_id, room.community_id) if isinstance(room, RoomInfo) else None
    names = tuple(n for n in (known.person.name if known else None, msg.sender_name) if n)
    await llm.ask_ahead(text=text, result=result, settings=settings, names=names)


async def _understand(ctx: Context, actor: Actor, text: str,
                      quoted: tuple[str, str] | None = None) -> nlp.Classification:
    """The classifier's result, refined for the sender's community (intake.refine); ``quoted``: the
    (quote, reply) that ``text`` was built from, whose reply's own place beats the quote's."""
    result = _classify(text)
    if quoted is not None:
        result = context.placed(result, *quoted)
    if result.intent == "chat" or actor.community_id is None:
        return result
    return await intake.refine(session=ctx.session, community_id=actor.community_id, text=text, result=result,
                               settings=ctx.settings, names=(actor.person.name, ctx.msg.sender_name or ""))


@router.message(when=_intake)
async def free_text(ctx: Context, session, actor: Actor, text: str) -> None:
    if len(text) > MAX_FREE_TEXT:
        if ctx.room is None:
            ctx.reply(say("err_too_long", limit=MAX_FREE_TEXT))
        return
    if ctx.room is not None and actor.is_staff:
        return  # a secretary's or grid worker's message in a group is a notice, never a ticket
    quote = ctx.msg.quoted_text
    pasted = context.quoted(text)  # WeChat's text form of a quote: 「名字：原文」 ---- reply
    if pasted is not None:
        quote, text = pasted
    if quote is None and ctx.room is not None and context.agrees(text):
        quote = await _agreed_with(ctx, actor)  # "+1 我们5号楼也是" right after a neighbour's report, unquoted
    if context.is_follow_up(text) and actor.community_id is not None:
        if await _urge(ctx, actor, f"{quote} {text}" if quote else text):
            return
    reply, text = text, context.with_quote(quote, text)
    result = await _understand(ctx, actor, text, (quote, reply) if quote else None)
    text = context.as_filed(quote, reply, text)
    ctx.kind = "chat" if result.intent == "chat" else "demand" if result.intent == "demand" else "demand_ask"
    if result.intent == "chat":
        if ctx.room is None:
            ctx.reply(say("private_chat_hint"))
        return
    if actor.community_id is None:
        raise DomainError("err_no_community")
    if result.intent == "demand" or result.urgency == "urgent":  # danger is never asked about
        parts = split_problems(text)
        problems = [intake.Problem.from_text(text, result)] if len(parts) == 1 else [
            intake.Problem.from_text(p, await _understand(ctx, actor, p)) for p in parts]
        for problem in problems:
            await file_problem(ctx, actor, problem)
        return
    ttl = ctx.settings.confirm_ttl_seconds
    await flows.start(session=session, name="demand", person_id=actor.person.id, community_id=actor.community_id,
                      room_id=ctx.msg.room_id, payload=intake.Problem.from_text(text, result).as_payload(),
                      ttl_seconds=ttl)
    ctx.reply(say("demand_ask", minutes=max(1, ttl // 60)))


@flows.flow("demand", accepts=answers.yes_no)
async def demand_answered(ctx: Context, yes: bool, state: flows.State) -> None:
    if not yes:
        ctx.reply(say("demand_not_registered"))
        return
    await file_problem(ctx, ctx.actor, intake.Problem(**state.payload))


async def _agreed_with(ctx: Context, actor: Actor) -> str | None:
    """The text of the report a bare "+1" in this group follows, when one was filed here in the last minutes."""
    since = utcnow() - timedelta(seconds=AGREE_SECONDS)
    ticket = await tickets.latest_in_room(session=ctx.session, room_id=ctx.msg.room_id, since=since,
                                          not_by=actor.person.id)
    return ticket.text if ticket is not None else None


async def _urge(ctx: Context, actor: Actor, text: str) -> bool:
    """催办: join the chase to the open ticket it refers to; False when there is none."""
    assert actor.community_id is not None
    urged = await urging.urge(session=ctx.session, community_id=actor.community_id, person_id=actor.person.id,
                              person_name=actor.person.name, room_id=ctx.msg.room_id,
                              grid_id=ctx.room.grid_id if ctx.room else None, text=text)
    if urged is None:
        return False
    fields = ticket_fields(urged.ticket)
    told = say("urge_told_claimer" if urged.told_claimer else "urge_told_secretary")
    ctx.reply(say("ticket_urged", told=told, **{k: fields[k] for k in ("number", "category", "urgent_mark",
                                                                        "location")}))
    deliver(ctx, urged.offers, None)
    return True


def _urgent_call(text: str) -> str:
    """The emergency number that fits the danger, said before anything else."""
    number = danger.number_for(nlp.normalize(text))
    return say(f"ticket_urgent_call_{number}" if number else "ticket_urgent_call")


async def file_problem(ctx: Context, actor: Actor, problem: intake.Problem) -> int:
    """Report one problem and tell the resident truthfully what happened and who was told.

    Returns the number of the ticket it opened or joined."""
    if actor.community_id is None:
        raise DomainError("err_no_community")
    outcome = await intake.report(
        session=ctx.session, community_id=actor.community_id, reporter_id=actor.person.id,
        room_id=ctx.msg.room_id, grid_id=ctx.room.grid_id if ctx.room else None, problem=problem,
        settings=ctx.settings,
    )
    if outcome.kind in (intake.MERGED, intake.ALREADY):
        key = "ticket_merged" if outcome.kind == intake.MERGED else "ticket_already_reported"
        said = say(key, number=outcome.ticket.number, count=outcome.count)
        if problem.urgency == "urgent" and danger.number_for(nlp.normalize(problem.text)):
            # a person in danger now, reported again: the call comes first, and the ticket becomes urgent
            said = _urgent_call(problem.text) + "\n" + said
            deliver(ctx, await intake.raise_urgency(session=ctx.session, number=outcome.ticket.number,
                                                    community_id=actor.community_id, actor_id=actor.person.id,
                                                    text=problem.text), None)
        ctx.reply(said)
        return outcome.ticket.number
    ticket = outcome.ticket
    fields = ticket_fields(ticket)
    if not fields["location"] and problem.landmark:
        fields["location"] = say("ticket_location", location=problem.landmark)
    opened = say("ticket_opened", number=ticket.number, category=category_name(ticket.category),
                 urgent_mark=fields["urgent_mark"], location=fields["location"], told=_who_was_told(ctx, outcome))
    if ticket.urgency == "urgent":
        # The bot never stands between a resident and the emergency services.
        opened = _urgent_call(problem.text) + "\n" + opened
    if outcome.place == intake.FROM_HOME:
        opened += "\n" + say("ticket_place_home", building=ticket.building)
    elif outcome.place is None:
        opened += "\n" + say("ticket_place_ask")
    ctx.reply(opened)
    if outcome.place != intake.FROM_TEXT:
        await flows.start(session=ctx.session, name="where", person_id=actor.person.id,
                          community_id=actor.community_id, room_id=ctx.msg.room_id,
                          payload={"number": ticket.number}, ttl_seconds=WHERE_TTL_SECONDS)
    deliver(ctx, outcome.offers, outcome.wait)
    return ticket.number


def _who_was_told(ctx: Context, outcome: intake.Outcome) -> str:
    if outcome.wait is not None:
        return say("told_quiet", at=to_local(outcome.wait).strftime("%H:%M"))
    if outcome.level == dispatching.SECRETARIES:
        return say("told_urgent")
    if outcome.level == dispatching.NEARBY:
        return say("told_nearby", count=outcome.nearby)
    return say("told_members")


# -- "where is it?" ------------------------------------------------------------
_PLACE_WORDS = re.compile(r"楼|栋|幢|单元|门|口|广场|车库|停车场|花园|路|街|院|小区|大厅|电梯|楼道|地下室|菜场|公园|附近|旁边|对面")
# A place said without a building number is a short noun phrase ("就在小区东门", "3号楼后面的花园");
# sentence particles and hedges mean the person is telling something, not answering where.
_PLACE_CHARS = 14
_TALK = re.compile(r"[了吗呢吧啊呀哈嘛]|好像|怎么|什么|为什么|吓|觉得|听说|昨天|今天|刚才")


def place_answer(text: str) -> dict | None:
    """"6号楼2单元", "就在小区东门": where something is; None when the text is not a place."""
    s = text.strip()
    if not s or len(s) > 30 or answers.yes_no(s) is not None or s.startswith("/"):
        return None
    if _classify(s).intent == "demand":
        return None  # a new problem, not an answer about the last one
    building, unit, room_no = extract(s)
    if building:
        return {"building": building, "unit": unit, "room_no": room_no, "place": None}
    if len(s) <= _PLACE_CHARS and _PLACE_WORDS.search(s) and not _TALK.search(s):
        return {"building": None, "unit": None, "room_no": None, "place": s.removeprefix("在").removeprefix("就在")}
    return None  # "昨天晚上楼下好像着火了 吓死我了" names 楼 but says something else: not an answer


@flows.flow("where", accepts=place_answer)
async def where_answered(ctx: Context, place: dict, state: flows.State) -> None:
    ticket = await intake.relocate(session=ctx.session, community_id=state.community_id,
                                   number=state.payload["number"], actor_id=ctx.actor.person.id, **place)
    where = ticket_fields(ticket)["location"].lstrip("，").removeprefix("位置：") or place.get("place") or ""
    ctx.reply(say("ticket_place_ok", number=ticket.number, location=place.get("place") or where))
