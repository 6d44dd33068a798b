"""The command registry: declared once at the handler, everything else generated from it."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.commands import REGISTRY, ensure_loaded, parse_command, readme_table
from tests.harness import MEMBER_LI, MEMBERS, RES_ZHAO, SECRETARY, keys, texts

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_command_table_is_the_generated_one():
    text = README.read_text(encoding="utf-8")
    start = text.index("| 谁 | 命令 | 作用 |")
    end = text.index("<!-- commands:end -->")
    assert text[start:end].strip() == readme_table(), "README drifted: run `python -m bot.commands readme --write`"


def test_every_declared_word_parses_to_its_command_with_and_without_slash():
    ensure_loaded()
    for spec in REGISTRY.specs.values():
        for word in spec.words:
            sample = f"{word} 12" if spec.number else word
            for typed in (sample, "/" + sample, "／" + sample):
                command = parse_command(typed)
                assert command is not None and command.name == spec.name, (typed, command)


def test_a_word_cannot_belong_to_two_commands():
    from bot.commands import CommandSpec, Registry

    registry = Registry()
    registry.add(CommandSpec("a", ("查询",), ("查询 1",), "x"))
    with pytest.raises(ValueError):
        registry.add(CommandSpec("b", ("查询",), ("查询 1",), "y"))


def test_full_width_punctuation_is_kept_in_arguments():
    command = parse_command("/广播 全体 明天上午９点开会，请大家准时参加！")
    assert command.args == "全体 明天上午9点开会，请大家准时参加！"
    done = parse_command("完成 ３ 换了灯泡，顺便修了开关")
    assert (done.number, done.rest) == (3, "换了灯泡，顺便修了开关")


async def test_broadcast_keeps_full_width_commas(bot):
    await bot.say(SECRETARY, "/广播 全体 明天停水，请提前储水。", None)
    sent = await bot.say(SECRETARY, "确认", None)
    assert any("明天停水，请提前储水。" in r.text for r in sent if r.room is not None)


async def test_completion_note_and_rejection_reason_keep_full_width_commas(bot):
    number = await bot.open_ticket()
    await bot.say(MEMBER_LI, f"接单 {number}", MEMBERS)
    done = await bot.say(MEMBER_LI, f"完成 {number} 换了灯泡，顺便修了开关", MEMBERS)
    assert any("换了灯泡，顺便修了开关" in r.text for r in done if r.to == SECRETARY)
    rejected = await bot.say(SECRETARY, f"/验收 {number} 驳回 灯还是不亮，请再看看", None)
    assert "灯还是不亮，请再看看" in texts(rejected)


async def test_help_is_generated_per_role(bot):
    resident = texts(await bot.say(RES_ZHAO, "帮助"))
    member = texts(await bot.say(MEMBER_LI, "帮助", MEMBERS))
    secretary = texts(await bot.say(SECRETARY, "帮助", None))
    assert "查询 12" in resident and "接单 12" not in resident and "/广播" not in resident
    assert "接单 12" in member and "/广播" not in member
    assert "/广播" in secretary and "/验收 12 通过" in secretary and "接单" in secretary
    for spec in REGISTRY.specs.values():  # every visible command a secretary may use is named for them
        if not spec.hidden:
            assert (spec.help if spec.audience == "staff" else spec.word) in secretary, spec.name


async def test_unknown_commands_from_staff_get_the_staff_help_not_the_resident_list(bot):
    replies = await bot.say(SECRETARY, "/通报 5 城管局 限3天", None)
    assert keys(replies) == ["unknown_command"]
    assert "没有「/通报」这个命令" in replies[0].text and "/广播" in replies[0].text
    in_group = await bot.say(SECRETARY, "/通报 5 城管局", MEMBERS)
    assert keys(in_group) == ["unknown_command"]


async def test_verify_understands_agree(bot):
    number = await bot.done_ticket()
    replies = await bot.say(SECRETARY, f"/验收 {number} 同意", None)
    assert "ticket_verified_ok" in keys(replies)
    assert (await bot.ticket(number)).status == "verified"


async def test_help_shows_ones_own_part_in_full_and_the_rest_in_a_line(bot):
    secretary = texts(await bot.say(SECRETARY, "帮助", None))
    assert secretary.index("【书记/网格员/街道】") < secretary.index("【党员/志愿者也能用】")
    assert len(secretary.splitlines()) < 46  # one line per staff command (there are ~40), the rest one line each
    detail = await bot.say(MEMBER_LI, "帮助 接单", MEMBERS)
    assert keys(detail) == ["help_command"] and "「#12 我来」" in detail[0].text and "抢单" in detail[0].text
