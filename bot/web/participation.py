"""GET /api/reports/participation/{community}/{yyyymmdd-yyyymmdd}.xlsx: 参加次数考核 of a period
(bot.services.participation); the chat command hands out a signed link to it."""
from __future__ import annotations

import re

from aiohttp import web

from bot import bounds
from bot.db.models import Community
from bot.replies import say
from bot.services import participation
from bot.web.exports import _file


async def participation_xlsx(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME, json_error

    community_id = bounds.identifier(request.match_info["community"], field="社区 id", limit=bounds.COMMUNITY_ID_MAX)
    code = request.match_info["span"][:40]
    span = participation.parse_span(code)
    if span is None:
        return json_error(400, say("web_bad_span", span=code))
    async with request.app[RUNTIME].db.sessions() as session:
        community = await session.get(Community, community_id)
        if community is None:
            return json_error(404, say("web_community_not_found", community=community_id))
        least = await participation.minimum(session=session, community_id=community_id) or 0
        rows = await participation.counts(session=session, community_id=community_id, start=span[0], end=span[1])
    body = participation.workbook(rows, title=f"{community.name} {code}", least=least)
    return _file(body, f"participation-{re.sub(r'[^A-Za-z0-9._-]', '_', community_id)}-{code}.xlsx")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/reports/participation/{community}/{span}.xlsx", participation_xlsx)
