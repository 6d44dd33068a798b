"""Activities (发布、报名、签到、名单) and 微心愿."""
from __future__ import annotations

from typing import Callable

from bot.clock import to_local
from bot.commands import EVERYONE, MEMBERS_ONLY, STAFF_ONLY, Command
from bot.dispatch import NOT_MINE, Context, Router
from bot.errors import DomainError
from bot.replies import say, status_name
from bot.services import activities, directory, hours, people, wishes
from bot.services.directory import STAFF, Actor
from handlers.format import excerpt
from handlers.member import community_of, need_number
from handlers.rollcall import answer as rollcall_answer

router = Router("activities")


def first_word(command: Command) -> str:
    words = (command.rest if command.number is not None else command.args).split()
    return words[0] if words else ""


def subcommand(name: str, test: Callable[[Command], bool], *, roles=None, label: str = "",
               usage: str = "", help: str = ""):
    """A route for one sub-action of a command (``/活动 发布``), so its roles are checked by the router."""
    if usage:
        router.note(STAFF_ONLY if roles else EVERYONE, usage, help)

    def decorate(handler):
        matches = lambda ctx: ctx.command is not None and ctx.command.name == name and test(ctx.command)  # noqa: E731
        return router._add(handler, matches, roles, label or name)
    return decorate


def _when(activity) -> str:
    return to_local(activity.starts_at).strftime("%m-%d %H:%M")


@subcommand("activity", lambda c: c.number is None and first_word(c) == "发布", roles=STAFF, label="活动 发布",
            usage="/活动 发布 清理楼道 明天下午两点 3号楼 10 2",
            help="发布活动（标题 时间 地点 名额 积分；时间的写法和 /定时 一样）")
async def publish(ctx: Context, session, actor: Actor, command: Command) -> None:
    usage = say("act_publish_usage")
    tokens = command.args.split()[1:]
    if len(tokens) < 5 or not tokens[-1].isdigit() or not tokens[-2].isdigit():
        raise DomainError("err_usage", usage=usage)
    title = tokens[0]
    starts_at, place = activities.read_start(" ".join(tokens[1:-2]))
    if not place:
        raise DomainError("act_no_place", usage=usage)
    community = community_of(actor)
    activity = await activities.publish(
        session=session, community_id=community, title=title, starts_at=starts_at, place=place,
        quota=int(tokens[-2]), points_each=int(tokens[-1]), actor_id=actor.person.id)
    notice = say("act_notice", number=activity.number, title=activity.title, when=_when(activity),
                 place=activity.place, quota=activity.quota, points=activity.points)
    rooms = await directory.rooms_of(session=session, community_id=community)
    for room in rooms:
        ctx.send(room.id, notice)
    ctx.reply(say("act_published_ok", number=activity.number, count=len(rooms)))


@subcommand("activity", lambda c: c.number is not None and first_word(c) == "确认", roles=STAFF, label="活动 确认",
            usage="/活动 3 确认 @张三", help="确认某人参加活动")
async def confirm_attendance(ctx: Context, session, actor: Actor, command: Command) -> None:
    names = command.rest.split()[1:]
    if not names:
        raise DomainError("err_usage", usage=say("act_confirm_usage", number=command.number))
    community = community_of(actor)
    activity = await activities.get(session=session, community_id=community, number=command.number)
    lines = []
    for token in names:
        person = await people.find_named(session=session, community_id=community, token=token,
                                         mentions=ctx.msg.mentions)
        try:
            entry = await activities.attend(session=session, activity=activity, person_id=person.id,
                                            confirmed_by=actor.person.id, person_name=person.name)
        except DomainError as full:
            if full.key not in ("act_full_staff", "err_self_attend"):
                raise
            lines.append(say(full.key, **full.fields))  # nothing was written for this one; go on
            continue
        if entry is None:
            lines.append(say("act_confirmed_again", name=person.name))
            continue
        lines.append(say("act_confirmed_ok", name=person.name, points=entry.amount))
        ctx.tell(person.id, say("act_attended_person", number=activity.number, title=activity.title,
                                points=entry.amount, by=actor.person.name))
    ctx.reply("\n".join(lines))


@subcommand("activity", lambda c: c.number is not None and first_word(c) == "名额", roles=STAFF, label="活动 名额",
            usage="/活动 3 名额 20", help="改活动名额（不能少于已报名人数）")
async def change_quota(ctx: Context, session, actor: Actor, command: Command) -> None:
    words = command.rest.split()[1:]
    if len(words) != 1 or not words[0].isdigit():
        raise DomainError("err_usage", usage=say("act_quota_usage", number=command.number))
    activity = await activities.get(session=session, community_id=community_of(actor), number=command.number)
    count = await activities.set_quota(session=session, activity=activity, quota=int(words[0]))
    ctx.reply(say("act_quota_ok", number=activity.number, quota=int(words[0]), count=count))


@subcommand("activity", lambda c: c.number is not None and first_word(c) == "取消", roles=STAFF, label="活动 取消",
            usage="/活动 3 取消 下雨改期", help="取消活动，通知各群和报名者（已有人签到记分的不能取消）")
async def cancel(ctx: Context, session, actor: Actor, command: Command) -> None:
    community = community_of(actor)
    activity = await activities.get(session=session, community_id=community, number=command.number)
    reason = " ".join(command.rest.split()[1:])[:200] or say("act_cancel_no_reason")
    signed = await activities.cancel(session=session, activity=activity)
    notice = say("act_cancelled_notice", number=activity.number, title=activity.title, when=_when(activity),
                 reason=reason)
    rooms = await directory.rooms_of(session=session, community_id=community)
    for room in rooms:  # where it was announced
        ctx.send(room.id, notice)
    for person_id in signed:
        ctx.tell(person_id, notice)
    ctx.reply(say("act_cancelled_ok", number=activity.number, rooms=len(rooms), people=len(signed)))


@subcommand("activity", lambda c: c.number is not None and first_word(c) == "名单", label="活动 名单",
            usage="活动 3 名单", help="看活动报名和签到名单")
async def roster(ctx: Context, session, actor: Actor, command: Command) -> None:
    activity = await activities.get(session=session, community_id=community_of(actor), number=command.number)
    rows = await activities.roster(session=session, activity=activity)
    lines = [say("act_roster_header", number=activity.number, title=activity.title, count=len(rows),
                 quota=activity.quota, attended=sum(1 for _, s in rows if s.attended_at))]
    lines += [say("act_roster_item", rank=i, name=p.name,
                  mark=say("act_mark_attended") if s.attended_at else say("act_mark_signed"))
              for i, (p, s) in enumerate(rows, 1)]
    ctx.reply("\n".join(lines))


@router.command("activity", words=("活动",), usage=("活动", "活动 3"), help="近期活动和详情")
async def show(ctx: Context, session, actor: Actor, command: Command) -> None:
    community = community_of(actor)
    if command.number is not None:
        a = await activities.get(session=session, community_id=community, number=command.number)
        ctx.reply(say("act_detail", number=a.number, title=a.title, when=_when(a), place=a.place,
                      count=a.signed_up, quota=a.quota, points=a.points))
        return
    rows = await activities.upcoming(session=session, community_id=community)
    if not rows:
        ctx.reply(say("act_none") + (say("act_none_staff") if actor.is_staff else ""))
        return
    lines = [say("act_list_header")]
    lines += [say("act_list_item", number=a.number, title=a.title, when=_when(a), place=a.place,
                  count=a.signed_up, quota=a.quota, points=a.points) for a in rows]
    lines.append(say("act_list_footer"))
    ctx.reply("\n".join(lines))


@router.command("signup", words=("报名",), number=True, strong=True, usage="报名 3", help="报名参加活动（满额即止）")
async def sign_up(ctx: Context, session, actor: Actor, command: Command) -> None:
    if command.number is None and await rollcall_answer(ctx, session, actor, ctx.text) is not NOT_MINE:
        return  # a bare 报名 answers the person's open roll call (集结)
    number = need_number(command, "报名 3")
    activity = await activities.get(session=session, community_id=community_of(actor), number=number)
    taken = await activities.sign_up(session=session, activity=activity, person_id=actor.person.id)
    ctx.reply(say("act_signed_ok", number=number, title=activity.title, when=_when(activity),
                  place=activity.place, count=taken, quota=activity.quota))


@router.command("checkin", words=("签到",), number=True, strong=True, usage="签到 3", help="活动签到，得积分（只记一次）")
async def check_in(ctx: Context, session, actor: Actor, command: Command) -> None:
    community = community_of(actor)
    if command.number is None and not command.args:
        candidates = await activities.open_for_checkin(session=session, community_id=community,
                                                       person_id=actor.person.id)
        if not candidates and await rollcall_answer(ctx, session, actor, "到岗") is not NOT_MINE:
            return  # no activity to check in to: a bare 签到 is arriving at the roll call (集结)
        if len(candidates) != 1:
            raise DomainError("err_usage", usage="签到 3")
        activity = candidates[0]
    else:
        activity = await activities.get(session=session, community_id=community,
                                        number=need_number(command, "签到 3"))
    entry = await activities.attend(session=session, activity=activity, person_id=actor.person.id)
    if entry is None:
        ctx.reply(say("act_checkin_again", number=activity.number))
        return
    ctx.reply(say("act_checkin_ok", number=activity.number, title=activity.title, points=entry.amount))


@router.command("checkout", words=("签退",), number=True, strong=True, usage=("签退 3", "签退"),
                help="活动签退：从签到到签退记为服务时长（只记一次），在爱心存折里可以看到")
async def check_out(ctx: Context, session, actor: Actor, command: Command) -> None:
    community = community_of(actor)
    if command.number is None and not command.args:
        candidates = await activities.open_for_checkout(session=session, community_id=community,
                                                        person_id=actor.person.id)
        if len(candidates) != 1:
            raise DomainError("err_usage", usage="签退 3")
        activity = candidates[0]
    else:
        activity = await activities.get(session=session, community_id=community,
                                        number=need_number(command, "签退 3"))
    minutes = await activities.check_out(session=session, activity=activity, person_id=actor.person.id)
    if minutes is None:
        ctx.reply(say("act_checkout_again", number=activity.number))
        return
    ctx.reply(say("act_checkout_ok", number=activity.number, title=activity.title, hours=hours.hours_text(minutes)))


@subcommand("wish", lambda c: first_word(c) == "发布", roles=STAFF, label="心愿 发布",
            usage="/心愿 发布 为独居的吴奶奶买一台收音机", help="发布微心愿")
async def post_wish(ctx: Context, session, actor: Actor, command: Command) -> None:
    text = command.args.partition("发布")[2].strip()
    if not text:
        raise DomainError("err_usage", usage=say("wish_usage"))
    community = community_of(actor)
    ticket = await wishes.post(session=session, community_id=community, text=text, actor_id=actor.person.id)
    notice = say("wish_notice", number=ticket.number, excerpt=excerpt(text, 100))
    rooms = await directory.rooms_of(session=session, community_id=community, kind="members")
    for room in rooms:
        ctx.send(room.id, notice)
    ctx.reply(say("wish_posted_ok", number=ticket.number, count=len(rooms)))


@router.command("wish", words=("心愿", "微心愿"), usage="心愿", audience=MEMBERS_ONLY,
                help="查看微心愿，「接单 N」认领，和诉求一样完成、验收")
async def list_wishes(ctx: Context, session, actor: Actor) -> None:
    rows = await wishes.listing(session=session, community_id=community_of(actor))
    if not rows:
        ctx.reply(say("wish_none"))
        return
    lines = [say("wish_list_header")]
    lines += [say("wish_list_item", number=t.number, excerpt=excerpt(t.text, 40),
                  status=status_name(t.status)) for t in rows]
    lines.append(say("wish_list_footer"))
    ctx.reply("\n".join(lines))
