"""需求征集 in chat (issue 13): /征集 问题 (previewed, then sent to every group of the community),
建议 N 内容 from anyone, /征集 N 汇总 into the 需求清单, /征集 N 结束."""
from __future__ import annotations

from bot import flows
from bot.commands import Command
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import say
from bot.services import broadcast, outbox, scope, surveys
from bot.services.directory import STAFF, Actor
from handlers.format import excerpt
from handlers.member import community_of, need_number
from handlers.preview import CANCELLED_KEYS, PREVIEW_ACTIONS, start_preview

router = Router("surveys")
_USAGE = ("/征集 今年您最希望社区办哪件实事？", "/征集 1 汇总", "/征集 1 结束", "/征集")
SHOWN = 8  # wishes listed in the summary


@router.command("survey", words=("征集", "需求征集"), roles=STAFF, strong=True, usage=_USAGE,
                help="需求征集：把问题发到本社区各群，大家回复「建议 编号 想法」；「汇总」按想法归类，"
                     "2 人以上提的列入需求清单；「结束」停止收集；只发「/征集」看进行中的征集")
async def survey(ctx: Context, session, actor: Actor, command: Command) -> None:
    community = community_of(actor)
    if not command.args:
        found = await surveys.open_surveys(session=session, community_id=community)
        ctx.reply(say("survey_list", items="".join(
            say("survey_list_item", number=s.number, question=excerpt(s.question, 40), count=n) for s, n in found))
            if found else say("survey_none_open"))
        return
    if command.number is not None:
        item = await surveys.get(session=session, community_id=community, number=command.number)
        if command.rest == "汇总":
            await _summary(ctx, session, actor, item)
        elif command.rest == "结束":
            await surveys.close(session=session, survey=item)
            ctx.reply(say("survey_closed_ok", number=item.number))
        else:
            raise DomainError("err_usage", usage=f"/征集 {item.number} 汇总  或  /征集 {item.number} 结束")
        return
    rooms = await broadcast.resolve_scope(session=session, community_id=community, scope="全体")
    rooms = await scope.check_rooms(session=session, person_id=actor.person.id, roles=actor.roles,
                                    community_id=community, rooms=rooms, scope_word="全体")
    question = command.args[:surveys.MAX_QUESTION]
    await start_preview(ctx, community, {"type": "survey", "rooms": [r.id for r in rooms], "question": question})
    ctx.reply(say("survey_preview", count=len(rooms), rooms="、".join(r.name for r in rooms), question=question,
                  minutes=max(1, ctx.settings.confirm_ttl_seconds // 60)))


async def send_survey(ctx: Context, state: flows.State) -> None:
    item = await surveys.create(session=ctx.session, community_id=state.community_id,
                                question=state.payload["question"], actor_id=ctx.actor.person.id)
    rooms = state.payload["rooms"]
    tracked = await outbox.open_broadcast(session=ctx.session, requested_by=ctx.actor.person.id,
                                          report_room=ctx.msg.room_id, total=len(rooms),
                                          community_id=state.community_id)
    notice = say("survey_notice", number=item.number, question=item.question)
    for room_id in rooms:
        ctx.outgoing.append(outbox.broadcast_message(tracked, room_id, notice))
    ctx.reply(say("survey_sent", number=item.number, count=len(rooms)))


PREVIEW_ACTIONS["survey"] = send_survey
CANCELLED_KEYS["survey"] = "survey_cancelled"


async def _summary(ctx: Context, session, actor: Actor, item) -> None:
    found, people = await surveys.wishes(session=session, survey=item)
    if not people:
        ctx.reply(say("survey_no_answers", number=item.number))
        return
    listed = await surveys.to_needs(
        session=session, survey=item, found=found, actor_id=actor.person.id,
        title_of=lambda w: w.title[:40],
        detail_of=lambda w: say("survey_need_detail", number=item.number, count=len(w.members)))
    lines = "".join(say("survey_wish", rank=k, title=w.title, count=len(w.members))
                    for k, w in enumerate(found[:SHOWN], start=1))
    more = say("survey_more", count=len(found) - SHOWN) if len(found) > SHOWN else ""
    needs = say("survey_needs_listed", count=sum(new for _, _, new in listed)) if listed else say(
        "survey_needs_none", least=surveys.LEAST)
    ctx.reply(say("survey_summary", number=item.number, question=excerpt(item.question, 40), people=people,
                  wishes=len(found)) + lines + more + needs, key="survey_summary")


@router.command("suggest", words=("建议",), number=True, usage="建议 1 加装电梯",
                help="回复需求征集：「建议 征集编号 您的想法」，每人一条，再发会替换上一条")
async def suggest(ctx: Context, session, actor: Actor, command: Command) -> None:
    number = need_number(command, "建议 1 加装电梯")
    if not command.rest.strip():
        raise DomainError("err_usage", usage=f"建议 {number} 您的想法")
    item = await surveys.get(session=session, community_id=community_of(actor), number=number)
    replaced = await surveys.answer(session=session, survey=item, person_id=actor.person.id, text=command.rest)
    ctx.reply(say("survey_answer_replaced" if replaced else "survey_answer_ok", number=item.number,
                  question=excerpt(item.question, 30)))
