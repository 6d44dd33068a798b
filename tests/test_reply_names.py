"""Internal codes never reach a person: rule codes read as Chinese rule names, "#N" names only
tickets (other records have their own words: 积分记录 6号, 微心愿 3号), and no template says
things like "（每单（验收通过））"."""
from __future__ import annotations

import re
import string

import pytest

from bot.replies import TEXT
from bot.replies.members import RULE_LABELS
from bot.services import rules
from bot.services.points import REVERSAL
from tests.harness import MEMBER_LI, MEMBER_LIU, MEMBERS, SECRETARY, texts
from tests.test_points_ledger import entries

CODE = re.compile(r"(?<![\w/.])[a-z]+(?:_[a-z]+)*[.+][a-z_]+(?:[.+][a-z_]+)*(?![\w/])")
FILE_NAMES = re.compile(r"[\w/]+\.(?:md|yaml|xlsx|env|example)\b|\.env\.example|\.xlsx")
# Records that are not tickets, by the reply keys that speak of them.
NOT_TICKETS = ("pts_", "err_entry_", "wish_", "act_", "shop_", "sched_", "rules_", "stars_", "reg_")


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXT))
def test_no_template_carries_a_code(key):
    text = FILE_NAMES.sub("", TEXT[key])
    assert not CODE.search(text), (key, CODE.search(text).group(0))


@pytest.mark.parametrize("key", sorted(k for k in TEXT if k.startswith(NOT_TICKETS)))
def test_only_tickets_are_named_with_a_hash(key):
    assert "#" not in TEXT[key], key


def test_a_hash_is_only_ever_followed_by_a_ticket_number():
    for key, template in TEXT.items():
        for match in re.finditer(r"#\{(\w+)\}", template):
            assert match.group(1) == "number", (key, template)


def test_no_template_nests_parentheses():
    for key, template in {**TEXT, **RULE_LABELS}.items():
        assert not re.search(r"（[^）]*（", template), (key, template)


def every_rule_code() -> list[str]:
    codes = [r.code for r in rules.defaults()]
    codes += [c + "+urgent" for c in codes if c.startswith("ticket.")]
    codes += ["manual.award", "manual.deduct", "activity", "shop.redeem", "wish", "rating_bonus"]
    return codes + [c + REVERSAL for c in codes]


@pytest.mark.parametrize("code", every_rule_code())
def test_every_rule_code_reads_as_chinese(code):
    name = rules.rule_name(code)
    assert name and not re.search(r"[A-Za-z]", name) and re.search(r"[\u4e00-\u9fff]", name), (code, name)


def test_an_unknown_code_is_not_shown():
    assert rules.rule_name("ticket.teleport") == "其他" and rules.rule_name("made.up") == "其他"


async def test_verification_names_the_rule_in_chinese(bot):
    number = await bot.open_ticket()  # a street light: 设施报修
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    await bot.say(MEMBER_LI, f"完成 {number} 已更换灯泡", MEMBERS)
    said = texts(await bot.say(SECRETARY, f"/验收 {number} 通过", None))
    assert f"#{number} 验收通过，李师傅 获得 2 积分（积分细则：设施报修）" in said
    assert not CODE.search(said), said


async def test_ledger_records_are_named_as_records_not_tickets(bot):
    await bot.say(SECRETARY, "/加分 @李师傅 志愿劳动 清理楼道", None)
    first = (await entries(bot))[0]
    replies = await bot.say(SECRETARY, f"/冲正 {first.id} 记错人了", None)
    staff = texts([r for r in replies if r.to == SECRETARY])
    member = texts([r for r in replies if r.to == MEMBER_LI])
    second = (await entries(bot))[1]
    assert f"已冲正积分记录 {first.id}号（冲正记为积分记录 {second.id}号）" in staff
    assert f"冲正积分记录 {first.id}号：记错人了" in member and "#" not in member
    book = texts(await bot.say(MEMBER_LI, "我的存折", MEMBERS))
    assert f"积分记录 {first.id}号" in book and f"积分记录 {second.id}号" in book and "#" not in book
    assert "（志愿劳动·冲正）" in book
    for refused in (f"/冲正 {first.id} 再来", f"/冲正 {second.id} 反冲", "/冲正 999 无"):
        said = texts(await bot.say(SECRETARY, refused, None))
        assert "积分记录" in said and "#" not in said, said


async def test_wishes_are_named_as_wishes(bot):
    posted = await bot.say(SECRETARY, "/心愿 发布 为独居的吴奶奶买一台收音机", None)
    assert "微心愿 1号已发布到 1 个党员群" in texts(posted) and "#" not in texts(posted)
    listing = texts(await bot.say(MEMBER_LI, "心愿", MEMBERS))
    assert "微心愿 1号 为独居的吴奶奶买一台收音机（待认领）" in listing and "#" not in listing


async def test_rule_table_reads_plainly(bot):
    table = texts(await bot.say(MEMBER_LI, "积分规则", MEMBERS))
    assert "设施报修：2 分（每单，验收通过后）" in table and "微心愿：3 分（每个，验收通过后）" in table
    assert not re.search(r"（[^）\n]*（", table) and not CODE.search(table)


async def test_a_wish_is_a_wish_all_the_way_through(bot):
    """Claimed, released, assigned, completed, rejected, verified: every message names
    微心愿 1号, none "#1", and the ledger's reason does too."""
    said = [await bot.say(SECRETARY, "/心愿 发布 为独居的吴奶奶买一台收音机", None)]
    said.append(claimed := await bot.say(MEMBER_LI, "接单 1", MEMBERS))
    assert "接单成功：微心愿 1号由您来圆" in texts(claimed)
    said.append(released := await bot.say(MEMBER_LI, "放弃 1", MEMBERS))
    assert "已放弃微心愿 1号" in texts(released) and "【微心愿 1号重新开放】" in texts(released)
    said.append(assigned := await bot.say(SECRETARY, "/派单 1 @刘大姐", None))
    assert "已把微心愿 1号派给 刘大姐" in texts(assigned)
    assert any(r.to == MEMBER_LIU and r.text.startswith("王书记 把微心愿 1号派给了您") for r in assigned)
    said.append(done := await bot.say(MEMBER_LIU, "完成 1 已送到", MEMBERS))
    assert "已标记微心愿 1号完成" in texts(done)
    said.append(rejected := await bot.say(SECRETARY, "/验收 1 驳回 收音机没电池", None))
    assert "微心愿 1号已驳回给 刘大姐：收音机没电池" in texts(rejected)
    said.append(await bot.say(MEMBER_LIU, "完成 1 电池装好了", MEMBERS))
    said.append(verified := await bot.say(SECRETARY, "/验收 1 通过", None))
    assert "微心愿 1号验收通过，刘大姐 获得 3 积分（积分细则：微心愿）" in texts(verified)
    assert any(r.to == MEMBER_LIU and "您圆梦的微心愿 1号已验收通过" in r.text for r in verified)
    everything = "\n".join(texts(r) for r in said)
    assert "#" not in everything and "诉求" not in everything, everything
    assert [e.reason for e in await entries(bot)] == ["圆梦微心愿 1号"]


async def test_a_ticket_still_reads_as_a_ticket(bot):
    number = await bot.open_ticket()
    claimed = texts(await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS))
    assert f"接单成功：#{number} 由您处理" in claimed and "微心愿" not in claimed
