"""Lifecycle automation in conversation: /定时 (scheduled notices), /统计 (statistics),
a bare 1-5 in a private chat (rating the latest verified ticket), and the tiered
offer of a new ticket (called by handlers.demands)."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta

from bot import clock, flows
from bot.commands import Command, normalize_command_text
from bot.dispatch import Context, Router
from bot.errors import DomainError, Forbidden
from bot.messages import Outgoing
from bot.replies import ROLE_NAMES, say
from bot.services import directory, followups, notices, reports, scope, stats, tickets
from bot.services.directory import STAFF, Actor
from handlers.format import excerpt
from handlers.member import community_of
from handlers.preview import PREVIEW_ACTIONS, start_preview

router = Router("schedule")
STREET_WORDS = ("街道", "全街道")
DISTRICT_WORDS = ("区", "全区")
_BARE_SCORE = re.compile(r"^([1-5])\s*(?:分|星)?\s*[。.!！]?$")
_CANCEL = re.compile(r"^(?:取消|删除)\s*#?\s*(\d{1,9})$")


def deliver(ctx: Context, messages: list[Outgoing], not_before: datetime | None) -> None:
    """Automated messages caused by this message: now with the replies, or held for quiet hours
    (the dispatcher writes both; held ones are not part of the answer)."""
    if not_before is None:
        ctx.outgoing.extend(messages)
    else:
        ctx.outgoing.extend(replace(m, not_before=not_before) for m in messages)


@router.command("schedule", words=("定时", "定时通知"), roles=STAFF,
                usage=("/定时 每周一 9:00 党员 周例会", "/定时 列表", "/定时 取消 3"),
                help="定时通知（范围可省略，默认全体；先回显时间和群，回复「确认」才设置）")
async def schedule(ctx: Context, session, actor: Actor, command: Command) -> None:
    args = command.args.strip()
    community = community_of(actor)
    if not args or args in ("帮助", "help", "?", "？"):
        ctx.reply(say("sched_usage"))
        return
    if args in ("列表", "查看", "清单"):
        rows = await notices.active(session=session, community_id=community)
        if not rows:
            ctx.reply(say("sched_list_empty"))
            return
        ctx.reply(say("sched_list_header", count=len(rows)) + "".join(
            say("sched_list_item", number=n.id, rule=notices.describe(n.rule), scope=n.scope,
                next=notices.local_next(n), excerpt=excerpt(n.text, 30)) for n in rows))
        return
    cancel = _CANCEL.match(args)
    if cancel:
        notice = await notices.cancel(session=session, community_id=community, notice_id=int(cancel.group(1)))
        ctx.reply(say("sched_cancelled", number=notice.id))
        return
    if args.startswith(("取消", "删除")):
        raise DomainError("err_usage", usage="/定时 取消 3")
    # Checked now, saved only after 确认 (like /广播): a recurring notice to the wrong groups
    # would repeat its mistake every week.
    now = clock.utcnow()
    draft = await notices.draft(session=session, community_id=community, args=args, now=now,
                                settings=ctx.settings, person_id=actor.person.id, roles=actor.roles)
    ttl = ctx.settings.confirm_ttl_seconds
    # The preview's clock is kept: "明天 8:00" must mean at 确认 what it meant in the preview.
    await start_preview(ctx, community, {"type": "schedule", "args": args, "at": now.isoformat()})
    ctx.reply(say("sched_preview", minutes=max(1, ttl // 60), **_draft_fields(draft)))


def _draft_fields(draft: notices.Draft) -> dict:
    wait = draft.quiet_until
    quiet_line = say("sched_quiet_line", at=clock.to_local(wait).strftime("%m-%d %H:%M")) if wait else ""
    return dict(rule=draft.described, scope=draft.scope, rooms="、".join(r.name for r in draft.rooms),
                next=draft.local_first, content=excerpt(draft.text, 200), quiet_line=quiet_line)


async def confirm_schedule(ctx: Context, action: flows.State) -> None:
    """The secretary said 确认 to a /定时 preview: save exactly what was previewed, in the
    community it was previewed in, if they are still staff there and its time is ahead.

    A refusal here is answered, not raised: the preview is used up either way (raising
    would roll back the 确认 and leave the same preview to fail again)."""
    community, actor = action.community_id, ctx.actor
    try:
        roles = await directory.roles_of(session=ctx.session, person_id=actor.person.id, community_id=community)
        if not roles & set(STAFF):
            raise Forbidden("/定时", "、".join(dict.fromkeys(ROLE_NAMES[r] for r in STAFF)))
        at = action.payload.get("at")
        previewed_at = datetime.fromisoformat(at) if at else clock.utcnow()
        draft = await notices.draft(session=ctx.session, community_id=community, args=action.payload["args"],
                                    now=previewed_at, settings=ctx.settings, person_id=actor.person.id, roles=roles)
        if draft.first <= clock.utcnow():
            raise DomainError("time_bad_past", example=notices.EXAMPLE)
    except DomainError as refused:
        ctx.reply(say(refused.key, **refused.fields))
        return
    notice = await notices.save(session=ctx.session, community_id=community, creator_id=actor.person.id,
                                draft=draft)
    ctx.reply(say("sched_created", number=notice.id, **_draft_fields(draft)))


PREVIEW_ACTIONS["schedule"] = confirm_schedule


@router.command("stats", words=("统计",), roles=STAFF,
                usage=("/统计 本周", "/统计 本月", "/统计 本月 东区", "/统计 本月 街道", "/统计 本月 区"),
                help="诉求数量、分类、认领和办结用时、超期率、部门转办及按期率、评分、最活跃的党员"
                     "（网格员看自己的网格；可只看一个网格；街道干部可看全街道和各社区；区里的干部可看全区、各街道和各部门）")
async def statistics(ctx: Context, session, actor: Actor, command: Command) -> None:
    now = clock.utcnow()
    community = community_of(actor)
    words = command.args.split()
    if any(w in DISTRICT_WORDS for w in words):
        from handlers.district import district_statistics

        await district_statistics(ctx, actor, [w for w in words if w not in DISTRICT_WORDS], now)
        return
    if any(w in STREET_WORDS for w in words):
        from handlers.street import street_statistics

        await street_statistics(ctx, actor, [w for w in words if w not in STREET_WORDS], now)
        return
    asked = await stats.read_request(session=session, community_id=community, args=command.args, now=now)
    start, end = asked.start, asked.end
    grid_ids = await scope.check_grid(session=session, person_id=actor.person.id, roles=actor.roles,
                                      community_id=community, grid=asked.grid)
    f = await stats.figures(session=session, community_id=community, start=start, end=end, now=now,
                            grid_ids=grid_ids)
    last = clock.to_local(min(end - timedelta(seconds=1), now))
    word = f"{asked.word} {asked.grid.name}" if asked.grid else asked.word
    title = say("stats_title_period", word=word, start=clock.to_local(start).strftime("%m-%d"),
                end=last.strftime("%m-%d"))
    ctx.reply(reports.summary_text(f, title=title))


def _bare_score(ctx: Context) -> bool:
    return ctx.room is None and bool(_BARE_SCORE.match(normalize_command_text(ctx.text)))


@router.message(when=_bare_score)
async def bare_rating(ctx: Context, session, actor: Actor, text: str) -> None:
    score = int(_BARE_SCORE.match(normalize_command_text(text)).group(1))
    ticket = await followups.latest_verified(session=session, person_id=actor.person.id)
    if ticket is None:
        ctx.reply(say("rate_nothing_pending"))
        return
    await tickets.close(session=session, ticket=ticket, actor_id=actor.person.id, rating=score)
    ctx.reply(say("ticket_rated_ok", number=ticket.number, score=score))
