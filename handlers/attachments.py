"""Photos, voice, video, files and locations people send (issue 12).

A resident's photo or location within a few minutes of their report joins that ticket;
a photo with nothing to join asks what the problem is, and the answer opens the ticket
with the photo. A voice message is read through the platform's transcript like text; with
no transcript the audio is kept and the sender is asked, kindly, for one sentence of text.
A member's photo soon after 完成 (or while working on one task) is the proof of the result.
Stickers, red packets, link cards, mini programs and forwarded chat records carry nothing the
bot can read or keep: in a group it stays quiet (the dispatcher never opens a transaction for
them), in a private chat it says so and asks for a sentence (bot.messages.UNREADABLE_KINDS).
"""
from __future__ import annotations

import nlp
from bot import flows, messages
from bot.commands import looks_like_command
from bot.db.models_files import REPORT, RESULT
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import say
from bot.services import attachments, tickets
from bot.services.directory import Actor
from handlers import rollcall, rule_file
from handlers.member import MEMBERS
from handlers.proof import tell_secretaries_photo
from nlp.split import split_problems

router = Router("attachments")
KEPT = (messages.IMAGE, messages.VOICE, messages.VIDEO, messages.FILE, messages.LOCATION)
WHAT = {messages.IMAGE: "照片", messages.VOICE: "语音", messages.VIDEO: "视频", messages.FILE: "文件",
        messages.LOCATION: "位置"}
# How long "what is this photo about?" stays open.
ASK_TTL_SECONDS = 30 * 60


def _kept(ctx: Context) -> list[messages.Attachment]:
    return [a for a in ctx.msg.attachments if a.kind in KEPT]


def has_attachments(ctx: Context) -> bool:
    return bool(_kept(ctx))


def _unreadable_alone(ctx: Context) -> messages.Attachment | None:
    """The first thing the bot cannot read in a private message that has nothing else."""
    if not ctx.msg.is_private or ctx.text or has_attachments(ctx):
        return None
    return next((a for a in ctx.msg.attachments if a.kind in messages.UNREADABLE_KINDS), None)


@router.message(when=lambda ctx: _unreadable_alone(ctx) is not None)
async def unreadable_in_private(ctx: Context) -> None:
    att = _unreadable_alone(ctx)
    assert att is not None
    if att.kind == messages.MONEY:
        ctx.reply(say("money_refused"))
    elif att.kind == messages.CHAT_HISTORY:
        ctx.reply(say("chat_history_unread"))
    elif att.kind == messages.UNKNOWN:
        ctx.reply(say("attachment_unsupported"))
    else:  # a link card or a mini program
        title = (att.title or "").strip()[:40]
        ctx.reply(say("link_unread", what=f"「{title}」" if title else "的链接"))


@router.message(when=has_attachments)
async def attachments_in(ctx: Context, session, actor: Actor, settings, text: str) -> None:
    if actor.community_id is None:
        raise DomainError("err_no_community")
    kept = _kept(ctx)
    if await rule_file.file_sent(ctx, actor):  # the rule table after 「/积分规则 导入」 (issue 17)
        return
    if actor.roles & set(MEMBERS) and await _member_proof(ctx, actor, kept):
        return
    pins = [a for a in kept if a.kind == messages.LOCATION]
    if pins and len(pins) == len(kept) and await rollcall.arrived_by_location(ctx, actor, pins[0]):
        return
    if ctx.room is not None and ctx.room.kind != "grid":
        return  # a members' group: nothing to report there
    voice = next((a for a in kept if a.kind == messages.VOICE), None)
    said = text or (voice.transcript.strip() if voice is not None and voice.transcript else "")
    if said and nlp.classify(said).intent == "demand":
        await _report_with(ctx, actor, said, kept)
        return
    recent = await attachments.recent_report(session=session, person_id=actor.person.id,
                                             community_id=actor.community_id,
                                             minutes=settings.attach_window_minutes)
    if recent is not None:
        await _join(ctx, actor, recent, kept)
        return
    rows = await _keep(ctx, actor, kept, None)
    await flows.start(session=session, name="attachment", person_id=actor.person.id,
                      community_id=actor.community_id, room_id=ctx.msg.room_id,
                      payload={"ids": [r.id for r in rows]}, ttl_seconds=ASK_TTL_SECONDS)
    kinds = {r.kind for r in rows}
    if messages.VOICE in kinds and len(kinds) == 1:
        ctx.reply(say("voice_ask_text"))
    elif messages.IMAGE in kinds:
        ctx.reply(say("photo_ask"))
    elif kinds == {messages.LOCATION}:
        ctx.reply(say("location_ask"))
    else:
        ctx.reply(say("file_ask", what=WHAT[rows[0].kind]))


async def _keep(ctx: Context, actor: Actor, atts: list[messages.Attachment], ticket_id: int | None,
                role: str = REPORT):
    return await attachments.keep_all(session=ctx.session, settings=ctx.settings, atts=atts,
                                      message_key=ctx.msg.dedup_key, person_id=actor.person.id,
                                      community_id=actor.community_id, ticket_id=ticket_id, role=role)


async def _join(ctx: Context, actor: Actor, ticket, kept: list[messages.Attachment]) -> None:
    """Put the attachments on the sender's recent ticket and say so."""
    rows = await _keep(ctx, actor, kept, ticket.id)
    for row in rows:
        if row.kind == messages.LOCATION:
            await attachments.located(session=ctx.session, ticket=ticket, row=row, actor_id=actor.person.id)
            ctx.reply(say("location_joined", number=ticket.number,
                          where=row.address or f"{row.latitude:.5f},{row.longitude:.5f}"))
    photos = [r for r in rows if r.kind == messages.IMAGE]
    if photos:
        counts = await attachments.photo_counts(session=ctx.session, ticket_id=ticket.id)
        ctx.reply(say("photo_joined", number=ticket.number, count=counts[REPORT]))
    for row in rows:
        if row.kind not in (messages.IMAGE, messages.LOCATION):
            ctx.reply(say("attachment_joined", what=WHAT[row.kind], number=ticket.number))


async def _report_with(ctx: Context, actor: Actor, said: str, kept: list[messages.Attachment]) -> None:
    """Text (or a voice transcript) that is a report, with its photos: one ticket, photos on it."""
    rows = await _keep(ctx, actor, kept, None)
    await _file_with(ctx, actor, said, [r.id for r in rows])


async def _file_with(ctx: Context, actor: Actor, said: str, ids: list[int]) -> None:
    from bot.services.intake import Problem
    from handlers.demands import file_problem  # imported late: the command registry's order follows imports

    parts = split_problems(said)
    number = await file_problem(ctx, actor, Problem.from_text(said if len(parts) <= 1 else parts[0]))
    ticket = await tickets.get_by_number(session=ctx.session, community_id=actor.community_id or "", number=number)
    await attachments.attach(session=ctx.session, ids=ids, ticket_id=ticket.id)
    rows = await attachments.of_ticket(session=ctx.session, ticket_id=ticket.id)
    for row in rows:
        if row.id in ids and row.kind == messages.LOCATION:
            await attachments.located(session=ctx.session, ticket=ticket, row=row, actor_id=actor.person.id)
            await flows.drop(session=ctx.session, person_id=actor.person.id, room_id=ctx.msg.room_id, name="where")
    kinds = "、".join(dict.fromkeys(WHAT[r.kind] for r in rows if r.id in ids))
    if kinds:
        ctx.reply(say("attachment_filed", what=kinds, number=number))


def _problem_answer(text: str) -> str | None:
    """An answer to "what is this photo about?": a sentence that reads as a problem, not a command."""
    s = text.strip()
    if not s or len(s) > 500 or looks_like_command(s):
        return None
    return s if nlp.classify(s).intent != "chat" else None


@flows.flow("attachment", accepts=_problem_answer)
async def attachment_explained(ctx: Context, said: str, state: flows.State) -> None:
    ids = [int(i) for i in state.payload.get("ids", [])]
    await _file_with(ctx, ctx.actor, said, ids)


async def _member_proof(ctx: Context, actor: Actor, kept: list[messages.Attachment]) -> bool:
    """A member's photo after 完成, or while working on one task: the result. True when taken."""
    photos = [a for a in kept if a.kind == messages.IMAGE]
    if not photos or len(photos) != len(kept) or actor.community_id is None:
        return False
    if ctx.text and nlp.classify(ctx.text).intent == "demand":
        return False  # a member reporting a new problem with its photo, like any resident
    window = ctx.settings.attach_window_minutes
    done = await attachments.recent_done(session=ctx.session, person_id=actor.person.id,
                                         community_id=actor.community_id, minutes=window)
    working = [] if done is not None else await tickets.claimed_by(
        session=ctx.session, community_id=actor.community_id, person_id=actor.person.id)
    if done is None and not working:
        return False
    if done is None and len(working) > 1:
        ctx.reply(say("result_photo_which", count=len(working)))
        return True
    ticket = done if done is not None else working[0]
    rows = await _keep(ctx, actor, photos, ticket.id, RESULT)
    counts = await attachments.photo_counts(session=ctx.session, ticket_id=ticket.id)
    if done is not None:
        ctx.reply(say("result_photo_ok", number=ticket.number, count=counts[RESULT]))
        await tell_secretaries_photo(ctx, ticket, rows[0].id, actor.person.name)
    else:
        ctx.reply(say("result_photo_pending", number=ticket.number))
    return True
