"""Completion with proof (issue 12): the photo of the result, the per-category rule that
asks for one before 验收, and the secretary's reminder with the before and after photos."""
from __future__ import annotations

from bot import messages
from bot.commands import Command
from bot.db.models_files import REPORT, RESULT
from bot.dispatch import Context, Router
from bot.errors import DomainError
from bot.messages import Outgoing
from bot.replies import CATEGORY_NAMES, category_name, say
from bot.services import attachments, directory
from bot.services.directory import SECRETARY, STAFF, Actor

router = Router("proof")
_REQUIRED, _OPTIONAL = ("必须", "要求", "需要", "开", "开启"), ("不要求", "不需要", "不必", "关", "关闭")


def photos_in(ctx: Context) -> list[messages.Attachment]:
    return [a for a in ctx.msg.attachments if a.kind == messages.IMAGE]


async def check_before_done(ctx: Context, ticket) -> None:
    """Refuse 完成 without a photo where the community asks for one for this category."""
    if photos_in(ctx):
        return
    if not await attachments.photo_required(session=ctx.session, community_id=ticket.community_id,
                                            category=ticket.category):
        return
    counts = await attachments.photo_counts(session=ctx.session, ticket_id=ticket.id)
    if counts[RESULT] == 0:
        raise DomainError("done_photo_required", number=ticket.number, category=category_name(ticket.category))


async def keep_result_photos(ctx: Context, ticket) -> None:
    """Photos sent together with 完成 are the result."""
    await attachments.keep_all(session=ctx.session, settings=ctx.settings, atts=photos_in(ctx),
                               message_key=ctx.msg.dedup_key, person_id=ctx.actor.person.id,
                               community_id=ticket.community_id, ticket_id=ticket.id, role=RESULT)


async def secretary_photos(ctx: Context, ticket, claimer: str) -> tuple[str, list[Outgoing]]:
    """The note for the 验收 reminder and, per secretary, the before and after photos to send."""
    rows = [r for r in await attachments.of_ticket(session=ctx.session, ticket_id=ticket.id)
            if r.kind == messages.IMAGE]
    before = [r for r in rows if r.role == REPORT]
    after = [r for r in rows if r.role == RESULT]
    if not rows:
        return "", []
    note = say("done_photos_note", before=len(before), after=len(after))
    images: list[Outgoing] = []
    for person_id in await directory.ids_with_role(session=ctx.session, community_id=ticket.community_id,
                                                   roles=(SECRETARY,)):
        if before:
            images.append(Outgoing(text=say("photo_caption_before", number=ticket.number), to=person_id,
                                   image_id=before[0].id))
        if after:
            images.append(Outgoing(text=say("photo_caption_after", number=ticket.number, claimer=claimer),
                                   to=person_id, image_id=after[-1].id))
    return note, images


async def tell_secretaries_photo(ctx: Context, ticket, attachment_id: int, claimer: str) -> None:
    """A result photo that came after 完成: the secretaries see it before they 验收."""
    for person_id in await directory.ids_with_role(session=ctx.session, community_id=ticket.community_id,
                                                   roles=(SECRETARY,)):
        ctx.outgoing.append(Outgoing(text=say("photo_caption_after", number=ticket.number, claimer=claimer),
                                     to=person_id, image_id=attachment_id))


@router.command("photo_rule", words=("验收照片",), roles=STAFF, usage=("/验收照片 设施报修 必须",
                "/验收照片 设施报修 不要求"), help="某类诉求报完成前是否必须先发处理后的照片（默认不要求）")
async def photo_rule(ctx: Context, session, actor: Actor, command: Command) -> None:
    usage = "/验收照片 设施报修 必须"
    words = command.args.split()
    if len(words) != 2 or words[1] not in _REQUIRED + _OPTIONAL:
        raise DomainError("err_usage", usage=usage)
    codes = {name: code for code, name in CATEGORY_NAMES.items()} | {code: code for code in CATEGORY_NAMES}
    code = codes.get(words[0]) or next((c for n, c in codes.items() if words[0] in n), None)
    if code is None or actor.community_id is None:
        raise DomainError("err_usage", usage=usage)
    required = words[1] in _REQUIRED
    await attachments.set_photo_required(session=session, community_id=actor.community_id, category=code,
                                         required=required)
    ctx.reply(say("photo_rule_set", category=category_name(code),
                  required=say("photo_rule_required" if required else "photo_rule_optional")))
