"""需求征集 (issue 13, item 4: a 需求清单 "collected from tickets and surveys"): a secretary puts a
question to every group (previewed, then sent), residents and members answer 「建议 N …」 (one
answer each, the last kept), the summary groups the answers into wishes and lists those asked
by two or more people in the 需求清单; 结束 stops the answers. A number that starts a place
(「建议 3号楼门口加个减速带」) is a resident's words, not an answer."""
from __future__ import annotations

from sqlalchemy import select

from bot.db.models_lists import ListItem, Survey, SurveyAnswer
from tests.harness import EAST, MEMBER_LI, MEMBERS, RES_SUN, RES_WU, RES_ZHAO, SECRETARY, WEST, keys, texts

QUESTION = "今年您最希望社区办哪件实事？"


async def _answers(bot) -> list[tuple[str, str]]:
    async with bot.runtime.db.sessions() as session:
        return [(a.person_id, a.text) for a in await session.scalars(select(SurveyAnswer).order_by(SurveyAnswer.id))]


async def _needs(bot) -> list[tuple[int, str, str | None]]:
    async with bot.runtime.db.sessions() as session:
        return [(i.number, i.title, i.detail) for i in await session.scalars(
            select(ListItem).where(ListItem.kind == "need", ListItem.active.is_(True)).order_by(ListItem.number))]


async def test_a_survey_goes_out_collects_one_answer_each_and_feeds_the_needs_list(bot):
    preview = await bot.say(SECRETARY, f"/征集 {QUESTION}", None)
    assert keys(preview) == ["survey_preview"] and "3 个群" in texts(preview)
    async with bot.runtime.db.sessions() as session:
        assert list(await session.scalars(select(Survey))) == []  # nothing until 确认
    sent = await bot.say(SECRETARY, "确认", None)
    notices = [r for r in sent if r.room in (EAST, WEST, MEMBERS)]
    assert {r.room for r in notices} == {EAST, WEST, MEMBERS}
    assert all(r.key == "survey_notice" and QUESTION in r.text and "建议 1" in r.text for r in notices)
    assert "survey_sent" in keys(sent)

    assert keys(await bot.say(RES_ZHAO, "建议 1 加装电梯", EAST, name="赵阿姨")) == ["survey_answer_ok"]
    assert keys(await bot.say(RES_ZHAO, "建议 1 希望老楼能装个电梯", EAST, name="赵阿姨")) == ["survey_answer_replaced"]
    await bot.say(MEMBER_LI, "建议 1 电梯！！", MEMBERS, name="李师傅")
    await bot.say(RES_SUN, "建议1 老年食堂", WEST, name="孙先生")
    await bot.say(RES_WU, "建议 1 建个老年食堂吧", None, name="吴奶奶")
    await bot.say(SECRETARY, "建议 1 多搞点文艺活动", None)
    assert len(await _answers(bot)) == 5 and ("res-zhao", "希望老楼能装个电梯") in await _answers(bot)

    summary = await bot.say(SECRETARY, "/征集 1 汇总", None)
    assert keys(summary) == ["survey_summary"]
    assert "5 人提了建议，归为 3 类" in texts(summary) and "（2 人）" in texts(summary)
    assert "新增 2 项" in texts(summary)
    needs = await _needs(bot)
    assert [(title, detail) for _, title, detail in needs] == [("加装电梯", "需求征集 1：2 人提出"),
                                                               ("老年食堂", "需求征集 1：2 人提出")]
    assert "1. 加装电梯（2 人）" in texts(summary) and "3. 文体活动（1 人）" in texts(summary)
    listed = texts(await bot.say(RES_ZHAO, "需求清单", EAST, name="赵阿姨"))
    assert "老年食堂" in listed
    again = await bot.say(SECRETARY, "/征集 1 汇总", None)
    assert "新增 0 项" in texts(again) and len(await _needs(bot)) == 2  # refreshed, not repeated

    assert "已收到 5 条" in texts(await bot.say(SECRETARY, "/征集", None))
    assert keys(await bot.say(SECRETARY, "/征集 1 结束", None)) == ["survey_closed_ok"]
    assert keys(await bot.say(RES_SUN, "建议 1 再加个快递柜", WEST, name="孙先生")) == ["survey_closed"]
    assert len(await _answers(bot)) == 5
    assert keys(await bot.say(SECRETARY, "/征集", None)) == ["survey_none_open"]


async def test_bad_survey_input_gets_a_clear_reply_and_writes_nothing(bot):
    assert keys(await bot.say(RES_ZHAO, "建议 4 加装电梯", EAST, name="赵阿姨")) == ["survey_not_found"]
    assert keys(await bot.say(RES_ZHAO, "建议 4", EAST, name="赵阿姨")) == ["err_usage"]
    assert keys(await bot.say(MEMBER_LI, "/征集 要不要装电梯", MEMBERS)) == ["err_forbidden"]
    assert keys(await bot.say(SECRETARY, "/征集 9 汇总", None)) == ["survey_not_found"]
    await bot.say(SECRETARY, "/征集 要不要装电梯", None)
    assert keys(await bot.say(SECRETARY, "取消", None)) == ["survey_cancelled"]
    assert keys(await bot.say(SECRETARY, "/征集 1 汇总", None)) == ["survey_not_found"]
    assert await _answers(bot) == []


async def test_a_number_that_starts_a_place_is_a_residents_words_not_an_answer(bot):
    replies = await bot.say(RES_ZHAO, "建议3号楼门口加个减速带，车开得太快了", EAST, name="赵阿姨")
    assert "survey_not_found" not in keys(replies)
    assert [t.text for t in await bot.tickets()] == ["建议3号楼门口加个减速带，车开得太快了"]
    replies = await bot.say(RES_SUN, "查询 5栋的停水什么时候恢复", WEST, name="孙先生")
    assert "query_not_found" not in keys(replies) and "ticket_not_found" not in keys(replies)
