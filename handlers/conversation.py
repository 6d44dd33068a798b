"""What people say instead of commands: 在吗, 我来, 修好了, 验收通过, a stray 是, a
mistyped /命令, 看看1号单子. Each route acts only when one thing is clearly meant; otherwise it asks
which (the "pick" flow) and takes the next answer."""
from __future__ import annotations

import re

from bot import flows
from bot.commands import EVERYONE, MEMBERS_ONLY, Command, looks_like_command
from bot.dispatch import Context, Router
from bot.replies import say
from bot.services import multitask, tickets
from bot.services.directory import Actor
from handlers.common import help_text
from handlers.format import excerpt, location
from handlers.member import MEMBERS, claim, community_of, complete, list_tasks
from handlers.resident import query
from handlers.secretary import verify
from nlp import answers

router = Router("conversation")
router.note(MEMBERS_ONLY, "「我来」「4号我接了」「我去3栋看看 接单 4」「修好了」「药送到了」",
            "只有一个任务时直接说即可；有几个时网格通会问是哪一个")
router.note(MEMBERS_ONLY, "「今天有多少单没人接」「还有哪些任务没人认领」", "同「任务」：看待认领的任务")
router.note(EVERYONE, "「看看12号单子」「12号怎么样了」", "同「查询 12」：看诉求办到哪一步了")
PICK_TTL_SECONDS = 10 * 60
_PICK = re.compile(r"^(?:#|＃)?\s*(\d{1,9})\s*(?:号|单|号单)?$")


def greeting(ctx: Context) -> bool:
    kind = answers.greeting(ctx.text)
    # In a group, "你好" is often said to neighbours; "在吗" or an @ is said to the bot.
    return kind is not None and (ctx.room is None or kind == "calling" or ctx.msg.mentions_bot)


@router.message(when=greeting)
async def greet(ctx: Context, text: str) -> None:
    ctx.reply(say("greeting_calling" if answers.greeting(text) == "calling" else "greeting_hello"))


def _is_member(ctx: Context) -> bool:
    return bool(ctx.actor.roles & set(MEMBERS))


@router.message(when=lambda ctx: _is_member(ctx) and answers.claim_intent(ctx.text) is not None)
async def claim_in_words(ctx: Context, session, actor: Actor, text: str) -> None:
    _, number = answers.claim_intent(text)
    if number is not None:
        await claim(ctx, session, actor, _command("claim", number))
        return
    community = community_of(actor)
    rows = await tickets.open_tickets(session=session, community_id=community, limit=10)
    if not rows:
        ctx.reply(say("claim_nothing_open"))
    elif len(rows) == 1:
        await claim(ctx, session, actor, _command("claim", rows[0].number))
    else:
        await _ask_which(ctx, "claim", rows, total=await tickets.count_open(session=session, community_id=community))


@router.message(when=lambda ctx: _is_member(ctx) and answers.open_tasks_question(ctx.text))
async def open_tasks_in_words(ctx: Context, session, actor: Actor) -> None:
    await list_tasks(ctx, session, actor)


@router.message(when=lambda ctx: _is_member(ctx) and answers.done_intent(ctx.text) is not None)
async def done_in_words(ctx: Context, session, actor: Actor, text: str) -> None:
    number, note = answers.done_intent(text)
    if number is not None:
        await complete(ctx, session, actor, _command("complete", number, note))
        return
    rows = await tickets.claimed_by(session=session, community_id=community_of(actor), person_id=actor.person.id)
    several = await multitask.needs_of(session=session, ticket_ids=[t.id for t in rows])
    rows = [t for t in rows if t.id not in several] + await multitask.working_on(  # their part of a task for
        session=session, community_id=community_of(actor), person_id=actor.person.id)  # several people
    if not rows:
        ctx.reply(say("done_nothing_claimed"))
    elif len(rows) == 1:
        await complete(ctx, session, actor, _command("complete", rows[0].number, note))
    else:
        await _ask_which(ctx, "done", rows, note=note)


@router.message(when=lambda ctx: ctx.actor.is_staff and answers.verify_intent(ctx.text) is not None)
async def verify_in_words(ctx: Context, session, actor: Actor, text: str) -> None:
    (number,) = answers.verify_intent(text)
    if number is not None:
        await verify(ctx, session, actor, _command("verify", number, "通过"))
        return
    rows = await tickets.awaiting_verification(session=session, community_id=community_of(actor))
    if not rows:
        ctx.reply(say("verify_nothing_done"))
    elif len(rows) == 1:
        await verify(ctx, session, actor, _command("verify", rows[0].number, "通过"))
    else:
        await _ask_which(ctx, "verify", rows)


@router.message(when=lambda ctx: answers.query_intent(ctx.text) is not None)
async def query_in_words(ctx: Context, session, actor: Actor, text: str) -> None:
    """"看看1号单子", "12号怎么样了": 查询 12, with the same rules on who may read what."""
    await query(ctx, session, actor, _command("query", answers.query_intent(text)))


async def _ask_which(ctx: Context, action: str, rows: list, *, total: int | None = None, note: str = "") -> None:
    items = "".join(say("pick_item", number=t.number, location=location(t), excerpt=excerpt(t.text, 24))
                    for t in rows)
    # Claimed and finished tickets are not for the whole group to read (docs/privacy.md):
    # that list goes to the person privately, and the answer is taken there.
    private = ctx.room is not None and action != "claim"
    await flows.start(session=ctx.session, name="pick", person_id=ctx.actor.person.id,
                      community_id=community_of(ctx.actor), room_id=None if private else ctx.msg.room_id,
                      payload={"action": action, "numbers": [t.number for t in rows], "note": note},
                      ttl_seconds=PICK_TTL_SECONDS)
    question = say(f"pick_{action}", count=total or len(rows), items=items)
    if private:
        ctx.tell(ctx.actor.person.id, question)
        ctx.reply(say("pick_sent_privately"))
    else:
        ctx.reply(question)


def pick_answer(text: str) -> int | None:
    m = _PICK.match(text.strip())
    return int(m.group(1)) if m else None


@flows.flow("pick", accepts=pick_answer)
async def picked(ctx: Context, number: int, state: flows.State) -> None:
    action = state.payload["action"]
    if action != "claim" and number not in state.payload["numbers"]:
        ctx.reply(say("pick_not_listed", number=number))
        return
    if action == "claim":
        await claim(ctx, ctx.session, ctx.actor, _command("claim", number))
    elif action == "done":
        await complete(ctx, ctx.session, ctx.actor, _command("complete", number, state.payload.get("note") or ""))
    else:
        await verify(ctx, ctx.session, ctx.actor, _command("verify", number, "通过"))


def _command(name: str, number: int, rest: str = "") -> Command:
    words = {"claim": "接单", "complete": "完成", "verify": "验收", "query": "查询"}
    return Command(name, words[name], f"{number} {rest}".strip(), False, number, rest)


# -- answers with no question, and commands we do not know ----------------------
@router.message(when=lambda ctx: answers.confirm_cancel(ctx.text) is not None)
async def answer_without_question(ctx: Context) -> None:
    """"是" or "确认" when nothing was asked: say so in private; in a group it is conversation."""
    if ctx.room is None:
        ctx.reply(say("nothing_to_confirm"))


@router.message(when=lambda ctx: looks_like_command(ctx.text) and (ctx.room is None or ctx.actor.is_staff))
async def unknown_command(ctx: Context, actor: Actor, text: str) -> None:
    word = text.strip().split()[0][:20]
    ctx.reply(say("unknown_command", word=word) + "\n\n" + help_text(actor), key="unknown_command")


def is_group_talk(text: str) -> bool:
    """Pure: might a group message be for one of the routes here? (the dispatcher's fast path)"""
    return (answers.greeting(text) is not None or answers.claim_intent(text) is not None
            or answers.done_intent(text) is not None or answers.verify_intent(text) is not None
            or answers.query_intent(text) is not None
            or looks_like_command(text))

