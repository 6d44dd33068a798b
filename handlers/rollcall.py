"""Roll calls (集结): a secretary calls N people to a place (preview, 确认, sent to the groups
and privately); people answer in words (到, 我去, 去不了, 收到, 到岗); the secretary sees a
live tally, the list, and closes it with a report that credits points."""
from __future__ import annotations

from bot import clock, flows
from bot.clock import to_local
from bot.commands import STAFF_ONLY, Command
from bot.dispatch import NOT_MINE, Context, Router
from bot.errors import DomainError
from bot.messages import Attachment, Outgoing
from bot.replies import say
from bot.services import directory, quiet, rollcalls, scope, wartime
from bot.services.directory import STAFF, Actor
from bot.services.rollcalls import ACK, LATE, NO, PENDING, YES
from handlers.member import community_of
from handlers.preview import CANCELLED_KEYS, PREVIEW_ACTIONS, start_preview
from handlers.schedule import deliver
from nlp import answers, rollcall, rollcall_need

router = Router("rollcall")
SUBCOMMANDS = ("名单", "结束")
USAGE = "/集结 党员 明天上午9点 核酸检测点 3 协助执勤"


def _when(call) -> str:
    return to_local(call.starts_at).strftime("%m-%d %H:%M")


@router.command("rollcall", words=("集结",), roles=STAFF, number=True, strong=True,
                usage=(USAGE, "/集结 1 名单", "/集结 1 结束"),
                help="集结：范围（党员、全体、片区、楼栋）时间 地点 人数 说明；先预览，「确认」后发到群里并私信每个人，"
                     "回复实时统计；「名单」看谁报名、谁到岗，「结束」出报告并按规则记分；加「紧急」免打扰时段也立即发出")
async def rollcall_command(ctx: Context, session, actor: Actor, command: Command) -> None:
    community = community_of(actor)
    args = command.args.strip()
    if not args:
        await _list(ctx, session, community)
        return
    words = command.rest.split()
    if command.number is not None and (not words or words[0] in SUBCOMMANDS or args.split()[0].isdigit()):
        call = await rollcalls.get(session=session, community_id=community, number=command.number)
        sub = words[0] if words else ""
        if sub == "名单":
            await _roster(ctx, session, call)
        elif sub == "结束":
            await _close(ctx, session, actor, call)
        elif not sub:
            ctx.reply(rollcalls.tally_text(call, await rollcalls.tally(session=session, call=call)))
        else:
            raise DomainError("rc_subcommand_unknown", number=call.number)
        return
    await _preview(ctx, session, actor, community, rollcalls.read_request(args))


router.note(STAFF_ONLY, "「明天上午需要3名党员到核酸检测点执勤」",
            "在私聊或党员群直接说要几个人、几点、到哪里，网格通按集结预览，「确认」后发出")


@router.message(when=lambda ctx: rollcall_need.could_be(ctx.text))
async def asked_in_words(ctx: Context, session, actor: Actor, text: str):
    """A secretary or grid worker asking for people in a sentence, in private or in the members'
    group: the same preview as /集结, nothing sent before 确认."""
    if not actor.roles & set(STAFF) or actor.community_id is None:
        return NOT_MINE
    if ctx.room is not None and ctx.room.kind != "members":
        return NOT_MINE
    need = rollcall_need.read(text)
    if need is None:
        if not rollcall_need.names_a_place(text):
            return NOT_MINE
        ctx.reply(say("rc_need_when", example=USAGE))
        return None
    draft = rollcalls.read_request(need.args())
    ctx.reply(say("rc_need_heard", assumed=say("rc_need_assumed", when=need.when) if need.hour_assumed else ""))
    await _preview(ctx, session, actor, community_of(actor), draft)
    return None


async def _audience(session, person_id: str, roles: frozenset[str], community: str, scope_word: str):
    """Who a roll call reaches: its scope's groups and people, a grid worker's narrowed to their grids."""
    rooms, people = await rollcalls.audience(session=session, community_id=community, scope=scope_word,
                                             exclude=person_id)
    return await scope.check_audience(session=session, person_id=person_id, roles=roles, community_id=community,
                                      rooms=rooms, people=people, scope_word=scope_word)


async def _preview(ctx: Context, session, actor: Actor, community: str, draft: rollcalls.Draft) -> None:
    rooms, people = await _audience(session, actor.person.id, actor.roles, community, draft.scope)
    if not people:
        raise DomainError("rc_nobody", scope=draft.scope)
    urgent = draft.urgent or await wartime.active(session=session, community_id=community) is not None
    held = None if urgent else quiet.quiet_until(clock.utcnow(), ctx.settings.quiet_hours)
    note = (say("rc_quiet_urgent") if urgent and quiet.quiet_until(clock.utcnow(), ctx.settings.quiet_hours)
            else say("rc_quiet_held", until=to_local(held).strftime("%H:%M")) if held else "")
    await start_preview(ctx, community, {"type": "rollcall", **draft.payload()})
    ctx.reply(say("rc_preview", scope=draft.scope, people=len(people), rooms=len(rooms),
                  when=to_local(draft.starts_at).strftime("%m-%d %H:%M"), place=draft.place, quota=draft.quota,
                  note=draft.note or "—", quiet=note, minutes=max(1, ctx.settings.confirm_ttl_seconds // 60)))


async def send_rollcall(ctx: Context, state: flows.State) -> None:
    session, community = ctx.session, state.community_id
    draft = rollcalls.Draft.from_payload(state.payload)
    roles = await directory.roles_of(session=session, person_id=ctx.actor.person.id, community_id=community)
    rooms, people = await _audience(session, ctx.actor.person.id, roles, community, draft.scope)
    in_wartime = await wartime.active(session=session, community_id=community) is not None
    urgent = draft.urgent or in_wartime
    now = clock.utcnow()
    held = quiet.not_before(now, urgent=urgent, settings=ctx.settings)
    minutes = rollcalls.WARTIME_REMIND_MINUTES if in_wartime else rollcalls.REMIND_MINUTES
    call = await rollcalls.create(session=session, community_id=community, draft=draft, people=people,
                                  actor_id=ctx.actor.person.id, urgent=urgent, remind_minutes=minutes,
                                  send_at=held or now)
    notice = say("rc_notice", number=call.number, urgent=say("rc_urgent_mark") if urgent else "", when=_when(call),
                 place=call.place, quota=call.quota, note=call.note or "—")
    messages = [Outgoing(text=notice, room_id=r.id) for r in rooms] + [Outgoing(text=notice, to=p) for p in people]
    deliver(ctx, messages, held)
    ctx.reply(say("rc_sent", number=call.number, rooms=len(rooms), people=len(people),
                  held=say("rc_sent_held", until=to_local(held).strftime("%H:%M")) if held else ""))


PREVIEW_ACTIONS["rollcall"] = send_rollcall
CANCELLED_KEYS["rollcall"] = "rc_cancelled"


async def _list(ctx: Context, session, community: str) -> None:
    calls = await rollcalls.open_calls(session=session, community_id=community)
    if not calls:
        ctx.reply(say("rc_none"))
        return
    lines = [say("rc_list_header")]
    for call in calls:
        tally = rollcalls.tally_text(call, await rollcalls.tally(session=session, call=call))
        lines.append(say("rc_list_item", number=call.number, when=_when(call), place=call.place, tally=tally))
    ctx.reply("".join(lines), key="rc_list_header")


def _names(names: list[str]) -> str:
    return "、".join(names) if names else say("rc_nobody_listed")


async def _roster(ctx: Context, session, call) -> None:
    rows = await rollcalls.roster(session=session, call=call)
    groups = {
        "rc_label_arrived": [n + (f"（{a.arrived_place}）" if a.arrived_place else "")
                             for n, a in rows if a.arrived_at is not None],
        "rc_label_yes": [n for n, a in rows if a.answer == YES and a.arrived_at is None],
        "rc_label_no": [n for n, a in rows if a.answer == NO],
        "rc_label_late": [n for n, a in rows if a.answer == LATE],
        "rc_label_silent": [n for n, a in rows if a.answer in (PENDING, ACK)],
    }
    text = say("rc_roster_header", number=call.number, when=_when(call), place=call.place)
    for label, names in groups.items():
        text += say("rc_roster_section", label=say(label), count=len(names), names=_names(names))
    ctx.reply(text + "\n" + rollcalls.tally_text(call, await rollcalls.tally(session=session, call=call)))


async def _close(ctx: Context, session, actor: Actor, call) -> None:
    report = await rollcalls.close(session=session, call=call, actor_id=actor.person.id)
    total = sum(m for _, _, m, _ in report.came)
    each = max((p for *_, p in report.came), default=0)
    came = [say("rc_report_came", name=name, hours=_hours(minutes)) for _, name, minutes, _ in report.came]
    ctx.reply(say("rc_report", number=call.number, when=_when(call), place=call.place, came=len(report.came),
                  hours=_hours(total), points=each, came_names=_names(came), absent=len(report.absent),
                  absent_names=_names(report.absent), declined=len(report.declined),
                  declined_names=_names(report.declined), silent=report.silent))
    for person_id, _, minutes, points in report.came:
        ctx.tell(person_id, say("rc_credited", number=call.number, hours=_hours(minutes), points=points))


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".") if minutes % 60 else str(minutes // 60)


# -- answers in words ---------------------------------------------------------------
@router.message(when=lambda ctx: rollcall.read(ctx.text) is not None)
async def answered(ctx: Context, session, actor: Actor, text: str):
    return await answer(ctx, session, actor, text)


async def answer(ctx: Context, session, actor: Actor, text: str):
    """Take ``text`` as an answer to the person's open roll call; NOT_MINE when they have none
    it could answer (then 我去 claims a task, 收到 is chatter, as before)."""
    said = rollcall.read(text)
    if said is None:
        return NOT_MINE
    me = actor.person.id
    if said.kind == rollcall.NO:
        found = await rollcalls.invitation(session=session, person_id=me, answers=(PENDING, ACK, YES, LATE),
                                           arrived=False)
        if found is None:
            return NOT_MINE
        call, _ = found
        gave_back = await rollcalls.decline(session=session, call=call, person_id=me)
        ctx.reply(say("rc_declined_gave_back" if gave_back else "rc_declined_ok", number=call.number))
        await _live(ctx, session, call, actor, "rc_live_no")
        return None
    if said.kind == rollcall.ACK:
        if ctx.room is not None:
            return NOT_MINE  # a 收到 in a group is chatter (nlp.rollcall.could_be)
        found = await rollcalls.invitation(session=session, person_id=me, answers=(PENDING,))
        if found is None:
            return NOT_MINE
        await rollcalls.acknowledge(session=session, call=found[0], person_id=me)
        ctx.reply(say("rc_ack_ok", number=found[0].number))
        return None
    if said.kind == rollcall.ARRIVED:
        found = await rollcalls.invitation(session=session, person_id=me, answers=(YES,), arrived=False)
        if found is not None:
            return await _arrive(ctx, session, actor, found[0], said.place)
    found = await rollcalls.invitation(session=session, person_id=me, answers=(PENDING, ACK, NO, LATE))
    if found is None:
        again = await rollcalls.invitation(session=session, person_id=me, answers=(YES,))
        if again is None or (said.kind == rollcall.YES and answers.claim_intent(text) is not None):
            return NOT_MINE
        call, row = again
        ctx.reply(say("rc_arrived_again" if row.arrived_at else "rc_signed_again", number=call.number,
                      when=_when(call), place=call.place))
        return None
    call, _ = found
    result = await rollcalls.sign_up(session=session, call=call, person_id=me)
    if result == LATE:
        ctx.reply(say("rc_full", number=call.number, quota=call.quota))
        return None
    if said.kind == rollcall.ARRIVED:
        return await _arrive(ctx, session, actor, call, said.place)
    counts = await rollcalls.tally(session=session, call=call)
    ctx.reply(say("rc_signed_ok", number=call.number, when=_when(call), place=call.place, yes=counts[YES],
                  quota=call.quota))
    told, counts = await _release_when_full(ctx, session, call, counts)
    await _live(ctx, session, call, actor, "rc_live_yes", counts, told)
    return None


async def _release_when_full(ctx: Context, session, call, counts: dict) -> tuple[int, dict]:
    """When this answer took the last place, everyone who has not answered is told 人已够 (and
    not reminded). Returns how many were told and the tally after."""
    if counts[YES] < call.quota:
        return 0, counts
    rest = await rollcalls.release_rest(session=session, call=call)
    for person_id in rest:
        ctx.tell(person_id, say("rc_full_rest", number=call.number, when=_when(call), place=call.place,
                                quota=call.quota))
    return len(rest), (await rollcalls.tally(session=session, call=call) if rest else counts)


async def _arrive(ctx: Context, session, actor: Actor, call, place: str):
    await rollcalls.arrive(session=session, call=call, person_id=actor.person.id, place=place)
    ctx.reply(say("rc_arrived_ok", number=call.number, time=to_local(clock.utcnow()).strftime("%H:%M"),
                  place=f"，{place}" if place else ""))
    await _live(ctx, session, call, actor, "rc_live_arrived")
    return None


async def arrived_by_location(ctx: Context, actor: Actor, pin: Attachment) -> bool:
    """A member who signed up sends a location pin (issue 17: 到岗 with a location where the
    platform sends one): before 到岗 it is the arrival with its place, just after a bare 到岗
    it is the place. False when no roll call of theirs is waiting for it."""
    me, place = actor.person.id, pin_place(pin)
    if not place:
        return False
    found = await rollcalls.invitation(session=ctx.session, person_id=me, answers=(YES,), arrived=False)
    if found is not None:
        await _arrive(ctx, ctx.session, actor, found[0], place)
        return True
    found = await rollcalls.invitation(session=ctx.session, person_id=me, answers=(YES,), arrived=True)
    if found is None or not await rollcalls.place_arrival(session=ctx.session, call=found[0], person_id=me,
                                                          place=place):
        return False
    ctx.reply(say("rc_arrived_place", number=found[0].number, place=place))
    return True


def pin_place(pin: Attachment) -> str:
    """A pin's name or address, else its coordinates, as the arrival place."""
    named = (pin.title or pin.address or "").strip()
    if named:
        return named[:rollcalls.MAX_PLACE]
    if pin.latitude is None or pin.longitude is None:
        return ""
    return f"{pin.latitude:.5f},{pin.longitude:.5f}"


async def _live(ctx: Context, session, call, actor: Actor, what: str, counts: dict | None = None,
                told: int = 0) -> None:
    """The live tally, privately to the secretary who called it."""
    if not call.created_by or call.created_by == actor.person.id:
        return
    counts = counts or await rollcalls.tally(session=session, call=call)
    ctx.tell(call.created_by, say("rc_live", name=actor.person.name, what=say(what),
                                  tally=rollcalls.tally_text(call, counts)))
    if what == "rc_live_yes" and counts[YES] >= call.quota:
        ctx.tell(call.created_by, say("rc_live_full", number=call.number, quota=call.quota,
                                      told=say("rc_live_full_told", told=told) if told else ""))
