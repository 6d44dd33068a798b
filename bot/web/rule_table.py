"""GET /api/communities/{community_id}/rules.xlsx: the community's rule table (default rules with
its values, and its own rules), as 「/积分规则 导出」 links to it; import it back with 「/积分规则 导入」
or `gridbot import-rules`."""
from __future__ import annotations

from aiohttp import web

from bot import bounds
from bot.db.models import Community
from bot.replies import say
from bot.services import custom_rules
from bot.web.exports import _ascii, _file


async def rules_xlsx(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME, json_error

    community_id = bounds.identifier(request.match_info["community_id"], field="社区 id",
                                     limit=bounds.COMMUNITY_ID_MAX)
    async with request.app[RUNTIME].db.sessions() as session:
        if await session.get(Community, community_id) is None:
            return json_error(404, say("web_community_not_found", community=community_id))
        data = await custom_rules.table_xlsx(session=session, community_id=community_id)
    return _file(data, f"rules-{_ascii(community_id)}.xlsx")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/communities/{community_id}/rules.xlsx", rules_xlsx)
