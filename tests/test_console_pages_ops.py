"""Console pages, part three (issue 14): 超市和星级, 通知和应急 (战时, 集结), 清单和队伍."""
from __future__ import annotations

from sqlalchemy import select

from tests.harness import EAST
from tests.test_console_access import _secretary_client
from tests.test_console_pages import HAN, audit_actions


async def test_shop_lists_restocks_collects_and_star_rating_previews_then_publishes(bot):
    from datetime import timedelta

    from sqlalchemy import update

    from bot import clock
    from bot.db.models import PointsEntry
    from bot.db.models_members import StarRating, Voucher
    from bot.services import console_shop, ranking

    client, cookie, token = await _secretary_client(bot)
    try:
        for data, fragment in [({"name": "洗衣液", "price": "", "stock": "3"}, "价格"),
                               ({"name": "洗衣液", "price": "五", "stock": "3"}, "整数")]:
            bad = await client.post("/console/shop/list", headers=cookie, data={"csrf": token, **data})
            assert bad.status == 400 and fragment in await bad.text()
        listed = await client.post("/console/shop/list", headers=cookie, allow_redirects=False,
                                   data={"csrf": token, "name": "洗衣液", "price": "5", "stock": "3"})
        assert listed.status == 303, await listed.text()
        restocked = await client.post("/console/shop/restock", headers=cookie, allow_redirects=False,
                                      data={"csrf": token, "item": "1", "count": "2"})
        assert restocked.status == 303
        await bot.say("sec-wang", "/加分 @李师傅 10 组织文艺演出", None)
        await bot.say("mem-li", "兑换 1", None)
        async with bot.runtime.db.sessions() as session:
            (voucher,) = list(await session.scalars(select(Voucher)))
        page = await (await client.get("/console/shop?status=issued", headers=cookie)).text()
        assert voucher.code in page and "<td>5</td><td>4</td>" in page.replace("\n", "")  # 3 + 2 - 1 left
        wrong = await client.post("/console/shop/collect", headers=cookie, data={"csrf": token, "code": "XXXX"})
        assert wrong.status == 400 and HAN.search(await wrong.text())
        collected = await client.post("/console/shop/collect", headers=cookie, allow_redirects=False,
                                      data={"csrf": token, "code": voucher.code})
        assert collected.status == 303
        again = await client.post("/console/shop/void", headers=cookie, data={"csrf": token, "code": voucher.code})
        assert again.status == 400  # collected: no longer void-able
        # 星级评定 of the last half-year that has ended: 李师傅's points moved into it.
        label = console_shop.half_years(clock.utcnow())[0]
        period = ranking.half_year(label)
        async with bot.runtime.db.transaction() as session:
            await session.execute(update(PointsEntry).values(created_at=period.start + timedelta(days=30)))
        preview = await (await client.get(f"/console/shop?period={label}", headers=cookie)).text()
        assert "李师傅" in preview and "在各群公布" in preview
        bogus = await client.post("/console/shop/stars", headers=cookie, data={"csrf": token, "period": "1999上半年"})
        assert bogus.status == 400
        published = await client.post("/console/shop/stars", headers=cookie, allow_redirects=False,
                                      data={"csrf": token, "period": label})
        assert published.status == 303, await published.text()
        twice = await (await client.get(f"/console/shop?period={label}", headers=cookie)).text()
        assert "已经公布过了" in twice
    finally:
        await client.close()
    async with bot.runtime.db.sessions() as session:
        assert [v.status for v in await session.scalars(select(Voucher))] == ["collected"]
        assert list(await session.scalars(select(StarRating.person_id).where(StarRating.stars > 0))) == ["mem-li"]
        assert sum(e.amount for e in await session.scalars(select(PointsEntry))) == 5
    actions = await audit_actions(bot)
    assert {"shop.list", "shop.restock", "shop.collect", "shop.void", "stars.preview", "stars.publish"} <= set(actions)


async def test_notices_preview_as_in_chat_then_confirm_or_cancel(bot):
    from bot.db.models_schedule import ScheduledNotice

    client, cookie, token = await _secretary_client(bot)
    try:
        page = await (await client.get("/console/notices", headers=cookie)).text()
        assert "<option>东区</option>" in page and "<option>3号楼</option>" in page
        empty = await client.post("/console/notices/broadcast/preview", headers=cookie,
                                  data={"csrf": token, "scope": "全体", "content": ""})
        assert empty.status == 400 and "通知内容" in await empty.text()
        bad = await client.post("/console/notices/broadcast/preview", headers=cookie,
                                data={"csrf": token, "scope": "火星", "content": "开会"})
        assert bad.status == 400 and "火星" in await bad.text()
        shown = await client.post("/console/notices/broadcast/preview", headers=cookie,
                                  data={"csrf": token, "scope": "东区", "content": "明天上午9点在活动室开会"})
        text = await shown.text()
        assert shown.status == 200 and "东区网格群" in text and "请确认" in text
        sent = await client.post("/console/notices/decide", headers=cookie, allow_redirects=False,
                                 data={"csrf": token, "go": "1"})
        assert sent.status == 303 and sent.headers["Location"].endswith("ok=sent"), await sent.text()
        again = await client.post("/console/notices/decide", headers=cookie, data={"csrf": token, "go": "1"})
        assert again.status == 400 and HAN.search(await again.text())  # nothing waits any more
        await client.post("/console/notices/schedule/preview", headers=cookie,
                          data={"csrf": token, "when": "每周一 9:00", "scope": "党员", "content": "周例会"})
        made = await client.post("/console/notices/decide", headers=cookie, allow_redirects=False,
                                 data={"csrf": token, "go": "1"})
        assert made.headers["Location"].endswith("ok=created"), await made.text()
        listed = await (await client.get("/console/notices", headers=cookie)).text()
        assert "周例会" in listed
        await client.post("/console/notices/schedule/preview", headers=cookie,
                          data={"csrf": token, "when": "每天 8:00", "scope": "全体", "content": "不要了"})
        dropped = await client.post("/console/notices/decide", headers=cookie, allow_redirects=False,
                                    data={"csrf": token, "go": "0"})
        assert dropped.headers["Location"].endswith("ok=cancelled")
        async with bot.runtime.db.sessions() as session:
            (notice,) = list(await session.scalars(select(ScheduledNotice)))
        off = await client.post("/console/notices/unschedule", headers=cookie, allow_redirects=False,
                                data={"csrf": token, "number": str(notice.id)})
        assert off.status == 303
    finally:
        await client.close()
    told = {m.room_id for m in await bot.outbox() if m.reply_key == "broadcast_notice"}
    assert told == {EAST}
    actions = await audit_actions(bot)
    assert actions.count("notice.confirm") == 3 and "notice.unschedule" in actions


async def test_emergency_wartime_and_a_roll_call_from_the_console(bot):
    from bot.db.models_mobilise import RollCall, WartimeMode

    client, cookie, token = await _secretary_client(bot)
    try:
        empty = await client.post("/console/emergency/war_on", headers=cookie, data={"csrf": token, "reason": ""})
        assert empty.status == 400 and "战时原因" in await empty.text()
        on = await client.post("/console/emergency/war_on", headers=cookie, allow_redirects=False,
                               data={"csrf": token, "reason": "防汛红色预警"})
        assert on.status == 303, await on.text()
        page = await (await client.get("/console/notices", headers=cookie)).text()
        assert "战时状态：防汛红色预警" in page and "结束战时状态" in page
        bad = await client.post("/console/notices/rollcall/preview", headers=cookie,
                                data={"csrf": token, "scope": "党员", "when": "明天上午9点", "place": "东门",
                                      "quota": "三", "content": "协助执勤"})
        assert bad.status == 400 and "人数" in await bad.text()
        shown = await client.post("/console/notices/rollcall/preview", headers=cookie,
                                  data={"csrf": token, "scope": "党员", "when": "明天上午9点", "place": "东门",
                                        "quota": "3", "content": "协助执勤"})
        assert shown.status == 200 and "集结预览" in await shown.text(), await shown.text()
        sent = await client.post("/console/notices/decide", headers=cookie, allow_redirects=False,
                                 data={"csrf": token, "go": "1"})
        assert sent.headers["Location"].endswith("ok=called"), await sent.text()
        page = await (await client.get("/console/notices", headers=cookie)).text()
        assert "集结 1号" in page and "东门" in page
        closed = await client.post("/console/emergency/closed", headers=cookie, allow_redirects=False,
                                   data={"csrf": token, "number": "1"})
        assert closed.status == 303, await closed.text()
        off = await client.post("/console/emergency/war_off", headers=cookie, allow_redirects=False,
                                data={"csrf": token})
        assert off.status == 303
        again = await client.post("/console/emergency/war_off", headers=cookie, data={"csrf": token})
        assert again.status == 400 and HAN.search(await again.text())
    finally:
        await client.close()
    async with bot.runtime.db.sessions() as session:
        (mode,) = list(await session.scalars(select(WartimeMode)))
        (call,) = list(await session.scalars(select(RollCall)))
    assert mode.ended_at is not None and call.status != "open"
    actions = await audit_actions(bot)
    assert {"emergency.war_on", "notice.rollcall.preview", "notice.confirm", "emergency.closed",
            "emergency.war_off"} <= set(actions)


async def test_lists_teams_and_photo_rules_through_the_chat_commands(bot):
    from bot.services import attachments

    client, cookie, token = await _secretary_client(bot)
    try:
        no_provider = await client.post("/console/lists/add", headers=cookie,
                                        data={"csrf": token, "kind": "service", "title": "理发"})
        assert no_provider.status == 400 and HAN.search(await no_provider.text())
        added = await client.post("/console/lists/add", headers=cookie, allow_redirects=False,
                                  data={"csrf": token, "kind": "service", "title": "理发", "provider": "李师傅",
                                        "detail": "每周六上午"})
        assert added.status == 303, await added.text()
        need = await client.post("/console/lists/add", headers=cookie, allow_redirects=False,
                                 data={"csrf": token, "kind": "need", "title": "轮椅"})
        assert need.status == 303
        page = await (await client.get("/console/lists", headers=cookie)).text()
        assert "理发" in page and "每周六上午" in page and "<td>李师傅</td>" in page and "轮椅" in page
        gone = await client.post("/console/lists/remove", headers=cookie, allow_redirects=False,
                                 data={"csrf": token, "kind": "need", "number": "1"})
        assert gone.status == 303
        bad_kind = await client.post("/console/lists/add", headers=cookie,
                                     data={"csrf": token, "kind": "x", "title": "轮椅"})
        assert bad_kind.status == 400
        team = await client.post("/console/lists/team", headers=cookie, allow_redirects=False,
                                 data={"csrf": token, "name": "防汛突击队", "leader": "李师傅"})
        assert team.status == 303, await team.text()
        joined = await client.post("/console/lists/join", headers=cookie, allow_redirects=False,
                                   data={"csrf": token, "name": "防汛突击队", "people": "陈老师 刘大姐"})
        assert joined.status == 303, await joined.text()
        photo = await client.post("/console/lists/photo", headers=cookie, allow_redirects=False,
                                  data={"csrf": token, "category": "repair", "required": "1"})
        assert photo.status == 303, await photo.text()
        page = await (await client.get("/console/lists", headers=cookie)).text()
        assert "防汛突击队（队长 李师傅）" in page and "陈老师" in page and "轮椅" not in page
    finally:
        await client.close()
    async with bot.runtime.db.sessions() as session:
        assert await attachments.photo_required(session=session, community_id="xingfuli", category="repair")
    assert (await audit_actions(bot)).count("lists.add") == 3
