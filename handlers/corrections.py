"""Staff correct a ticket's category, urgency or place (/改 12 纠纷); each correction is kept as
a labelled example for the community and learnt by ``gridbot nlp retrain`` (bot.services.corrections)."""
from __future__ import annotations

from bot.commands import Command
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.replies import CATEGORY_NAMES, say
from bot.replies.learning import FIELD_NAMES, shown
from bot.services import corrections, scope, tickets
from bot.services.directory import STAFF, Actor
from handlers.member import community_of, need_number
from nlp import correction_words
from nlp.correction_words import Change

router = Router("corrections")
USAGE = ("/改 12 纠纷", "/改 12 紧急", "/改 12 3号楼2单元")


def parse_change(number: int, words: str) -> Change:
    """The change typed after the number, or a clear refusal."""
    parsed = correction_words.parse(words)
    if isinstance(parsed, Change):
        return parsed
    if parsed == "empty":
        raise DomainError("err_correct_empty", number=number)
    if parsed == "unknown_category":
        raise DomainError("err_correct_category", words=correction_words.named_field(words.strip())[1],
                          categories="、".join(CATEGORY_NAMES.values()))
    raise DomainError("err_correct_unknown", words=words.strip(), number=number)


@router.command("correct", words=("改", "更正", "纠正", "改分类"), roles=STAFF, number=True, usage=USAGE,
                help="更正诉求的分类、紧急程度或位置（也可写「/改 12 类别 邻里纠纷」「/改 12 不紧急」）；"
                     "每次更正都记为本社区的样本，网格通据此学习")
async def correct(ctx: Context, session, actor: Actor, command: Command) -> None:
    number = need_number(command, USAGE[0])
    change = parse_change(number, command.rest)
    ticket = await tickets.get_by_number(session=session, community_id=community_of(actor), number=number)
    await scope.check_ticket(session=session, person_id=actor.person.id, roles=actor.roles, ticket=ticket)
    done = await corrections.correct(session=session, ticket=ticket, change=change, actor_id=actor.person.id)
    ctx.reply(say("correct_ok", number=number, field=FIELD_NAMES[done.field], old=shown(done.field, done.old),
                  new=shown(done.field, done.new)))
