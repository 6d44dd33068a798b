"""Console buttons that act as the person would in chat (issue 14: "the same services").

The form is turned into the chat command (``/派单 12 张三``) and handed to the dispatcher as a
private message from the signed-in person: the same handler, role and scope checks, points and
notices as typed in chat. The bot's private answer to that person decides success (its reply key);
every attempt is written to the console audit log, refusals too."""
from __future__ import annotations

import secrets

from aiohttp import web

from bot.messages import IncomingMessage
from bot.replies import say
from bot.services import console_auth
from bot.web.console.access import viewer
from bot.web.console.pages import message_page


async def run(request: web.Request, text: str, ok_keys: frozenset[str] | set[str], *, action: str,
              target: str) -> tuple[bool, str]:
    """Send ``text`` as the viewer; (succeeded, the bot's answer)."""
    key, answer = await ask(request, text, ok_keys, action=action, target=target)
    return key is not None, answer


async def ask(request: web.Request, text: str, ok_keys: frozenset[str] | set[str], *, action: str,
              target: str) -> tuple[str | None, str]:
    """Send ``text`` as the viewer; (the answer's reply key when it is one of ``ok_keys``, else None; its text)."""
    from bot.web.app import RUNTIME

    runtime = request.app[RUNTIME]
    me = viewer(request)
    msg = IncomingMessage(platform="console", msg_id=secrets.token_hex(12), sender_id=me.person_id,
                          sender_name=me.name, text=text, community_hint=me.community_id)
    rows = await runtime.dispatcher.handle(msg)
    answer = next((r for r in rows if r.to_person == me.person_id and r.room_id is None), None)
    key = answer.reply_key if answer is not None and answer.reply_key in ok_keys else None
    ok = key is not None
    async with runtime.db.transaction() as session:
        await console_auth.audit(session=session, person_id=me.person_id, action=action, target=target,
                                 detail=text if ok else f"refused: {text}")
    return key, (answer.text if answer is not None else "")


def one_line(value: object, limit: int) -> str:
    """A form field as one line of chat text (no newlines smuggling a second command)."""
    return " ".join(str(value or "").split())[:limit]


def back(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def outcome(ok: bool, answer: str, location: str) -> web.Response:
    """After a command sent on the person's behalf: back to the page, or the bot's refusal in Chinese."""
    return back(location) if ok else message_page(400, answer or say("console_forbidden"))
