"""nlp.redact: what may leave the machine when the large-model second opinion is on (issue 11, item 7)."""
from __future__ import annotations

import pytest

from nlp.redact import redact


@pytest.mark.parametrize("text, sent", [
    ("赵阿姨家3号楼2单元502漏水了，电话13812345678", "某阿姨家3号楼2单元[房号]漏水了，电话[电话]"),
    ("我叫张三丰，身份证110101199003071234", "我叫某人，身份证[证件号]"),
    ("老王家的狗天天叫，小李也说了", "某人家的狗天天叫，某人也说了"),
    ("1102的住户车牌京A12345挡路", "[房号]的住户车牌[车牌]挡路"),
    ("3-2-502 水管爆了", "3-2-[房号] 水管爆了"),
    ("联系人：李建国 0571-88886666", "联系人：某人 [电话]"),
    ("@王书记 楼道灯坏了", "@某人 楼道灯坏了"),
    ("住在1203室，138 1234 5678", "住在[房号]，[电话]"),
    ("王师傅说明天来修", "某师傅说明天来修"),
    ("张姐帮忙看看", "某姐帮忙看看"),
    ("吴奶奶摔倒了", "某奶奶摔倒了"),
])
def test_personal_details_are_taken_out(text, sent):
    assert redact(text) == sent


@pytest.mark.parametrize("text", [
    "快打120！老人摔倒了", "2026年12月5日下午3点停水，交了500元", "正在施工", "路总是堵", "我和姐姐",
    "老毛病了", "小时候", "小区门口那个小卖部", "6号楼电梯坏了", "跟物业说了三次", "老房子漏水",
])
def test_everything_else_is_kept(text):
    assert redact(text) == text


def test_names_the_caller_knows_are_taken_out():
    assert redact("孙建华说6号楼电梯坏了", names=("孙建华",)) == "某人说6号楼电梯坏了"
