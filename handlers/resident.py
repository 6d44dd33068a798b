"""Residents' commands about their own tickets: 查询, 评价, 撤销."""
from __future__ import annotations

import re

from bot import flows
from bot.commands import Command
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import say, status_name
from bot.services import attachments, awards, departments, directory, tickets, visibility
from bot.services.directory import SECRETARY, Actor
from handlers.format import excerpt, local_time, located, ticket_fields
from handlers.member import community_of, need_number
from nlp import answers

router = Router("resident")
# The follow-up job closes a verified ticket after a few days; the question lives as long.
RATE_TTL_SECONDS = 3 * 24 * 3600
# In a group the reporter soon talks about other things: "不错" tomorrow is not an answer any more.
GROUP_RATE_TTL_SECONDS = 6 * 3600
_SCORE = re.compile(r"^([1-5])(?:\s*分)?(?:\s+|$)(.*)$", re.S)


@router.command("query", words=("查询", "进度", "查进度"), number=True, usage=("查询 12", "进度 12"),
                help="查看诉求办理进度")
async def query(ctx: Context, session, actor: Actor, command: Command) -> None:
    if command.number is None and not command.args:  # "查询" alone: which of mine are still in hand
        await my_reports(ctx, session, actor)
        return
    number = need_number(command, "查询 12")
    ticket = await tickets.get_by_number(session=session, community_id=community_of(actor), number=number)
    status = status_name(ticket.status)
    if not visibility.can_see_details(actor, ticket):
        ctx.reply(say("ticket_status_brief", number=number, status=status))
        return
    details = await _status_details(session, actor, ticket)
    if visibility.may_show_in_group(ticket, ctx.room):
        ctx.reply(details)
        return
    # Asked in a group that must not read the details: the group sees the status only.
    ctx.reply(say("ticket_status_sent_privately", number=number, status=status))
    ctx.tell(actor.person.id, details)


@router.command("my_reports", words=("我的诉求", "我反映的", "我报的"), standalone=True, usage="我的诉求",
                help="看自己反映过、还没办结的诉求和进度")
async def my_reports(ctx: Context, session, actor: Actor) -> None:
    rows = await tickets.reported_by(session=session, community_id=community_of(actor), person_id=actor.person.id)
    if not rows:
        ctx.reply(say("my_reports_empty"), key="my_reports_empty")
        return
    lines = [say("my_reports_header", count=len(rows))]
    lines += [say("my_reports_item", number=t.number, category=ticket_fields(t)["category"],
                  status=status_name(t.status), excerpt=excerpt(t.text, 20)) for t in rows]
    lines.append(say("my_reports_footer"))
    if ctx.room is None:
        ctx.reply("\n".join(lines), key="my_reports")
        return
    # In a group, one's own reports (some private) go to a private chat; the group hears only that.
    ctx.tell(actor.person.id, "\n".join(lines))
    ctx.reply(say("my_reports_sent_privately"), key="my_reports_sent_privately")


async def _status_details(session, actor: Actor, ticket) -> str:
    reporter = await directory.name_of(session=session, person_id=ticket.reporter_id)
    lines = say("ticket_status_reporter", reporter=reporter or ticket.reporter_id, location=located(ticket))
    if ticket.claimer_id:
        claimer = await directory.name_of(session=session, person_id=ticket.claimer_id)
        lines += say("ticket_status_claimer", claimer=claimer or ticket.claimer_id)
    counts = await attachments.photo_counts(session=session, ticket_id=ticket.id)
    if counts["report"] or counts["result"]:
        # Photos are details too (docs/privacy.md): only those who may read the ticket hear of them.
        lines += say("ticket_status_photos", report=counts["report"], result=counts["result"])
    for task, dep in await departments.tasks_of(session=session, ticket_id=ticket.id):
        deadline = task.deadline_at if task.kind == departments.TRANSFER else task.report_by
        lines += say("dept_status_line", department=dep.name, status=say(f"dept_status_{task.status}"),
                     deadline=say("dept_status_deadline", deadline=departments.when(deadline)) if deadline else "",
                     reply=say("dept_status_reply", reply=task.reply) if task.reply else "")
    if actor.is_staff and ticket.evidence:
        # Secretaries see which words made the classifier file it under this category.
        lines += say("ticket_status_evidence", words=ticket.evidence)
    f = ticket_fields(ticket)
    return say("ticket_status", number=ticket.number, category=f["category"], urgent_mark=f["urgent_mark"],
               status=status_name(ticket.status), excerpt=f["excerpt"], created=local_time(ticket),
               details=lines)


@router.command("rate", words=("评价",), number=True, strong=True, usage="评价 12 5 师傅很负责",
                help="办结后评价（1-5 分，也可以说「满意」「不满意」「谢谢李师傅 五星」）")
async def rate(ctx: Context, session, actor: Actor, command: Command) -> None:
    number = need_number(command, "评价 12 5 很满意")
    ticket = await tickets.get_by_number(session=session, community_id=community_of(actor), number=number)
    match = _SCORE.match(command.rest)
    if not match:
        raise DomainError("err_bad_score", number=number)
    if ticket.reporter_id != actor.person.id:
        raise DomainError("err_not_reporter", number=number, action="评价")
    score, comment = int(match.group(1)), match.group(2).strip()
    await record_rating(ctx, ticket, score, comment or None)


async def record_rating(ctx: Context, ticket, score: int, comment: str | None) -> None:
    """The reporter's 1-5: close the ticket, thank them, and reward the claimer for a good one."""
    await tickets.close(session=ctx.session, ticket=ticket, actor_id=ctx.actor.person.id, rating=score,
                        note=comment)
    ctx.reply(say("ticket_rated_ok", number=ticket.number, score=score))
    bonus = await awards.on_rated(session=ctx.session, ticket=ticket, score=score)
    if bonus:
        ctx.tell(ticket.claimer_id, say("rating_bonus_claimer", number=ticket.number, points=bonus))


async def ask_for_rating(*, session, ticket, room_id: str | None) -> None:
    """After 验收 or 回访 the reporter's next 满意 / 5 / 不太满意 there rates this ticket."""
    await flows.start(session=session, name="rate", person_id=ticket.reporter_id, community_id=ticket.community_id,
                      room_id=room_id, payload={"number": ticket.number},
                      ttl_seconds=RATE_TTL_SECONDS if room_id is None else GROUP_RATE_TTL_SECONDS)


@flows.flow("rate", accepts=answers.rating)
async def rated_in_words(ctx: Context, score: int, state: flows.State) -> None:
    ticket = await tickets.get_by_number(session=ctx.session, community_id=state.community_id,
                                         number=state.payload["number"])
    if ticket.reporter_id != ctx.actor.person.id or ticket.status != tickets.VERIFIED:
        ctx.reply(say("rate_nothing_pending"))
        return
    await record_rating(ctx, ticket, score, ctx.text if answers.tidy(ctx.text) not in ("", str(score)) else None)


@router.command("cancel", words=("撤销", "撤回诉求"), number=True, strong=True, usage="撤销 12",
                help="撤销自己的诉求")
async def cancel(ctx: Context, session, actor: Actor, command: Command) -> None:
    number = need_number(command, "撤销 12")
    ticket = await tickets.get_by_number(session=session, community_id=community_of(actor), number=number)
    if ticket.reporter_id != actor.person.id and SECRETARY not in actor.roles:
        raise DomainError("err_not_reporter", number=number, action="撤销")
    claimer = ticket.claimer_id
    await tickets.cancel(session=session, ticket=ticket, actor_id=actor.person.id)
    ctx.reply(say("ticket_cancelled_ok", number=number))
    if claimer:
        ctx.tell(claimer, say("ticket_cancelled_claimer", number=number))
