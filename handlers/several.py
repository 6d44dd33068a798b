"""Tasks for several people (issue 17): /派单 12 5人 makes a ticket or a wish need 5 people; then
接单, 放弃, 完成 and /验收 of that ticket act on the speaker's own part (bot.services.multitask).
The handlers of handlers.member and handlers.secretary hand such a ticket to the functions here."""
from __future__ import annotations

from bot.db.models_tasks import TaskNeed
from bot.dispatch import Context
from bot.errors import DomainError
from bot.replies import say
from bot.replies.tickets import WISH_EVIDENCE
from bot.services import directory, hours, multitask, people, points, rules, scope, tickets
from bot.services.directory import SECRETARY, Actor
from handlers.format import excerpt, say_about, tell_reporter


def label(ticket) -> str:
    """How the ticket is named in these replies: #12, or 微心愿 12号."""
    key = "task_label_wish" if ticket.evidence == WISH_EVIDENCE else "task_label_ticket"
    return say(key, number=ticket.number)


async def set_places(ctx: Context, session, actor: Actor, ticket, places: int) -> None:
    """/派单 12 5人: the ticket (or wish) needs 5 people; its members' groups hear of it."""
    await scope.check_ticket(session=session, person_id=actor.person.id, roles=actor.roles, ticket=ticket)
    need = await multitask.set_places(session=session, ticket=ticket, places=places, actor_id=actor.person.id)
    what = label(ticket)
    ctx.reply(say("task_places_ok", what=what, places=need.places, taken=need.taken, number=ticket.number))
    if ticket.status == tickets.OPEN:
        for room_id in await directory.room_ids(session=session, community_id=ticket.community_id, kind="members"):
            ctx.send(room_id, say("task_places_room", what=what, places=need.places, taken=need.taken,
                                  number=ticket.number, excerpt=excerpt(ticket.text)))


async def _announce_place(ctx: Context, ticket, need: TaskNeed, name: str) -> None:
    what = label(ticket)
    rooms = await directory.room_ids(session=ctx.session, community_id=ticket.community_id, kind="members")
    if need.taken < need.places:
        for room_id in rooms:
            ctx.send(room_id, say("task_place_room", what=what, name=name, taken=need.taken, places=need.places))
        return
    names = "、".join(p.name for p in await multitask.parts(session=ctx.session, ticket_id=ticket.id))
    for room_id in rooms:
        ctx.send(room_id, say("task_full_room", what=what, places=need.places, names=names))
    tell_reporter(ctx, ticket, say("task_full_reporter", what=what, places=need.places, names=names))


async def claim_place(ctx: Context, ticket, need: TaskNeed) -> None:
    need = await multitask.take(session=ctx.session, ticket=ticket, need=need, person_id=ctx.actor.person.id)
    ctx.reply(say("task_place_ok", what=label(ticket), taken=need.taken, places=need.places, number=ticket.number))
    await _announce_place(ctx, ticket, need, ctx.actor.person.name)


async def assign_place(ctx: Context, ticket, need: TaskNeed, person_id: str, name: str) -> None:
    """A secretary's /派单 or a team leader's 分派 of a task for several people: one more place."""
    by = ctx.actor.person
    need = await multitask.take(session=ctx.session, ticket=ticket, need=need, person_id=person_id,
                                assigned_by=by.id)
    ctx.reply(say("task_assigned_ok", name=name, what=label(ticket), taken=need.taken, places=need.places))
    ctx.tell(person_id, say("task_assigned_member", by=by.name, what=label(ticket), excerpt=excerpt(ticket.text),
                            number=ticket.number))
    await _announce_place(ctx, ticket, need, name)


async def release_place(ctx: Context, ticket, need: TaskNeed) -> None:
    person = ctx.actor.person
    need = await multitask.leave(session=ctx.session, ticket=ticket, need=need, person_id=person.id)
    what = label(ticket)
    ctx.reply(say("task_left_ok", what=what, taken=need.taken, places=need.places))
    for room_id in await directory.room_ids(session=ctx.session, community_id=ticket.community_id, kind="members"):
        ctx.send(room_id, say("task_left_room", what=what, name=person.name, taken=need.taken, places=need.places,
                              short=need.places - need.taken, number=ticket.number))


async def complete_part(ctx: Context, ticket, need: TaskNeed, note: str) -> None:
    person = ctx.actor.person
    done, places = await multitask.finish(session=ctx.session, ticket=ticket, need=need, person_id=person.id,
                                          note=note)
    what = label(ticket)
    ctx.reply(say("task_part_done_ok", what=what, done=done, places=places))
    for person_id in await directory.ids_with_role(session=ctx.session, community_id=ticket.community_id,
                                                   roles=(SECRETARY,)):
        ctx.tell(person_id, say("task_part_done_secretary", what=what, name=person.name, done=done, places=places,
                                note=note, number=ticket.number))
    if ticket.status == tickets.DONE:
        tell_reporter(ctx, ticket, say("task_all_done_reporter", what=what, places=places))


async def _named(ctx: Context, ticket, words: list[str]) -> list[tuple[str, str]]:
    found = []
    for token in words:
        person = await people.find_named(session=ctx.session, community_id=ticket.community_id, token=token,
                                         mentions=ctx.msg.mentions)
        found.append((person.id, person.name))
    return found


async def verify_parts(ctx: Context, ticket, need: TaskNeed, verdict: str, rest: str) -> None:
    """/验收 12 通过 [@张三 …] checks every done part (or theirs); /验收 12 驳回 @张三 原因 sends one back."""
    words = rest.split()
    named = [w for w in words if w.startswith("@")]
    what = label(ticket)
    if verdict == "驳回":
        parts = [p for p in await multitask.parts(session=ctx.session, ticket_id=ticket.id)
                 if p.status == multitask.DONE]
        if named:
            (person_id, name), = await _named(ctx, ticket, named[:1])
        elif len(parts) == 1:
            person_id, name = parts[0].person_id, parts[0].name
        else:
            raise DomainError("task_reject_who", number=ticket.number)
        reason = " ".join(w for w in words if not w.startswith("@")) or say("task_no_reason")
        await multitask.send_back(session=ctx.session, ticket=ticket, person_id=person_id,
                                  actor_id=ctx.actor.person.id, reason=reason)
        ctx.reply(say("task_rejected_ok", name=name, what=what, reason=reason))
        ctx.tell(person_id, say("task_rejected_member", what=what, reason=reason, number=ticket.number))
        return
    person_ids = [pid for pid, _ in await _named(ctx, ticket, named)] if named else None
    rule = await rules.ticket_rule(session=ctx.session, ticket=ticket)
    checked = await multitask.check(session=ctx.session, ticket=ticket, need=need, actor_id=ctx.actor.person.id,
                                    person_ids=person_ids, points=rule.points)
    names = []
    for place in checked:
        name = await directory.name_of(session=ctx.session, person_id=place.person_id) or place.person_id
        names.append(name)
        await points.post(session=ctx.session, person_id=place.person_id, community_id=ticket.community_id,
                          amount=rule.points, rule=rule.rule,
                          reason=say("task_reason_part", what=what, hours=hours.hours_text(place.minutes or 0)),
                          idempotency_key=f"ticket:{ticket.id}:place:{place.person_id}:verified",
                          actor_id=ctx.actor.person.id, ticket_id=ticket.id)
        ctx.tell(place.person_id, say("task_checked_member", what=what, points=rule.points,
                                      hours=hours.hours_text(place.minutes or 0)))
    remaining = need.places - len([p for p in await multitask.parts(session=ctx.session, ticket_id=ticket.id)
                                   if p.status == multitask.VERIFIED])
    left = say("task_checked_left", count=remaining) if remaining else say("task_checked_all", places=need.places)
    ctx.reply(say("task_checked_ok", what=what, names="、".join(names), points=rule.points,
                  rule=rules.rule_name(rule.rule), left=left))
    if ticket.status == tickets.VERIFIED:
        from handlers.resident import ask_for_rating

        tell_reporter(ctx, ticket, say_about(ticket, "ticket_verified_reporter", number=ticket.number))
        await ask_for_rating(session=ctx.session, ticket=ticket, room_id=ticket.room_id)
