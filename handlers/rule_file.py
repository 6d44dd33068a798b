"""The rule table as a spreadsheet from the chat: 「/积分规则 导出」 answers with a signed link to
GET /api/communities/{id}/rules.xlsx (bot.web.rule_table); 「/积分规则 导入」 with the .xlsx attached,
or followed within 10 minutes by the file in the same chat, imports it
(bot.services.custom_rules.import_xlsx: any bad row refuses the whole file)."""
from __future__ import annotations

from bot import flows, messages
from bot.dispatch import Context
from bot.errors import DomainError
from bot.files import sniff
from bot.replies import say
from bot.services import custom_rules
from bot.services.directory import Actor
from bot.signing import signed_path

FLOW = "rules_import"
WAIT_SECONDS = 10 * 60


@flows.flow(FLOW, accepts=lambda text: None)  # answered by a file (file_sent), never by words
async def _never(ctx: Context, answer, state: flows.State) -> None:  # pragma: no cover - accepts nothing
    return None


def table_url(settings, community_id: str) -> str:
    base = settings.public_base_url or f"http://{settings.http_host}:{settings.http_port}"
    path = signed_path(getattr(settings, "api_token", None), f"/api/communities/{community_id}/rules.xlsx")
    return f"{base.rstrip('/')}{path}"


def _files(ctx: Context) -> list[messages.Attachment]:
    return [a for a in ctx.msg.attachments if a.kind == messages.FILE]


async def export(ctx: Context, community: str) -> None:
    ctx.reply(say("crule_export_link", url=table_url(ctx.settings, community)))


async def start_import(ctx: Context, actor: Actor, community: str) -> None:
    files = _files(ctx)
    if files:
        await _import(ctx, actor, community, files[0])
        return
    await flows.start(session=ctx.session, name=FLOW, person_id=actor.person.id, community_id=community,
                      room_id=ctx.msg.room_id, payload={}, ttl_seconds=WAIT_SECONDS)
    ctx.reply(say("crule_import_send", minutes=WAIT_SECONDS // 60))


async def file_sent(ctx: Context, actor: Actor) -> bool:
    """A file after 「/积分规则 导入」: imported, True. Anything else: False (handled as usual)."""
    files = _files(ctx)
    if not files or not actor.is_staff:
        return False
    conversation = flows.conversation_of(ctx.msg.room_id)
    if await flows.current(session=ctx.session, person_id=actor.person.id, conversation=conversation) != FLOW:
        return False
    state = await flows.take(session=ctx.session, name=FLOW, person_id=actor.person.id, conversation=conversation)
    if state is None:
        return False
    await _import(ctx, actor, state.community_id, files[0])
    return True


async def _import(ctx: Context, actor: Actor, community: str, att: messages.Attachment) -> None:
    limit = ctx.settings.file_max_file_mb * sniff.MB
    if att.size is not None and att.size > limit:
        raise DomainError("file_too_big", what="文件", limit=limit // sniff.MB)
    try:
        data = await att.read()
    except Exception:  # noqa: BLE001 - a platform download that failed
        raise DomainError("file_download_failed") from None
    if len(data) > limit:
        raise DomainError("file_too_big", what="文件", limit=limit // sniff.MB)
    counts = await custom_rules.import_xlsx(session=ctx.session, community_id=community, data=data,
                                            actor_id=actor.person.id)
    ctx.reply(say("crule_imported_ok", **counts))
