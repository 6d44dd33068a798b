"""Short answers as people write them (nlp.answers), table-tested."""
from __future__ import annotations

import pytest

from nlp import answers

YES = ["是", "是的", "对", "好", "好的", "嗯", "嗯嗯", "可以", "行", "要", "登记吧", "要登记", "好的麻烦了",
       "好的，麻烦了！", "麻烦了", "嗯，登记一下", "是的，谢谢", "对的", "👍", "ok", "OK", "好滴", "可以的谢谢",
       "帮我登记", "好嘞", "行吧", "确认"]
NO = ["不用", "不要", "算了", "取消", "不用了", "不用了谢谢", "不需要", "没事了", "别登记", "先不用", "不是"]
NEITHER = ["🙏", "😂", "电梯坏了", "是不是坏了", "好的物业什么时候来修", "你好", "谢谢", "哈哈哈", "我家灯不亮了", "",
           "好几天了还没修好，你们到底管不管"]


@pytest.mark.parametrize("text", YES)
def test_yes(text):
    assert answers.yes_no(text) is True


@pytest.mark.parametrize("text", NO)
def test_no(text):
    assert answers.yes_no(text) is False


@pytest.mark.parametrize("text", NEITHER)
def test_not_an_answer(text):
    assert answers.yes_no(text) is None


@pytest.mark.parametrize("text,expected", [
    ("确认", True), ("发吧", True), ("好的，发吧", True), ("可以发", True), ("没问题", True), ("发送", True),
    ("取消", False), ("不发了", False), ("算了", False), ("嗯，不发了", False), ("先不发", False),
    ("明天再说吧这个通知要改", None),
])
def test_confirm_cancel(text, expected):
    assert answers.confirm_cancel(text) is expected


@pytest.mark.parametrize("text,score", [
    ("5", 5), ("5分", 5), ("五星", 5), ("五分", 5), ("满意", 5), ("很满意", 5), ("非常满意，谢谢", 5),
    ("满意，师傅辛苦了", 5), ("👍", 5), ("还行", 4), ("还可以吧", 4), ("比较满意", 4), ("不错", 4),
    ("一般", 3), ("3", 3), ("一般般", 3), ("不太满意", 2), ("不满意", 2), ("很不满意", 1), ("差评", 1), ("1分", 1),
    # thanks and a name around the score (found in the simulator)
    ("谢谢李师傅 五星", 5), ("五星 谢谢李师傅", 5), ("感谢网格员，5分", 5), ("辛苦了李师傅 很满意", 5), ("多谢 一般般吧", 3),
])
def test_rating(text, score):
    assert answers.rating(text) == score


@pytest.mark.parametrize("text", ["好的", "谢谢", "谢谢李师傅", "谢谢大家 我家3号楼", "谢谢你们 下次还找你们",
                                  "6号楼", "12", "满意度调查什么时候做的问卷在哪里填写", "评价一下物业",
                                  "🙏", "😂", "🌹🌹"])
def test_not_a_rating(text):
    assert answers.rating(text) is None


@pytest.mark.parametrize("text,number", [
    ("我来", None), ("我来吧", None), ("我去", None), ("我去吧", None), ("我接了", None), ("这单我来", None),
    ("我去看看", None), ("交给我", None), ("4号我接了", 4), ("#12 我来", 12), ("12号我来", 12), ("我来！", None),
    # found in the simulator: a member names the ticket by what it is about, and goes
    ("#1 那个老人我过去看看", 1), ("3号单子那个我马上过去", 3), ("我这就过去", None),
    ("1号单子我马上过去看看", 1), ("5号我这就过去处理一下", 5),
    # found in the simulator: a sentence of one's own that ends in the command
    ("我去3栋看看老李 接单 1", 1), ("我下班顺路 接单#7", 7), ("这个我熟 我来 12", 12),
    ("井盖那个我离得近 我去 1", 1), ("我在楼下呢 我过去 3", 3),  # by day in the simulator (stop 28)
    # at night in the simulator (stop 29): when the member will be there, or a later visit
    ("1号我来 马上到", 1), ("3号单我来 十分钟到", 3), ("1号我马上到", 1), ("2号我晚点去看看", 2),
    ("我下午去看看 2号", 2),
    # stop 30, in the simulator: two claims in a row, the second naming the ticket
    ("我去看看 1号我接了", 1), ("我去吧，3号单我来", 3),
])
def test_claim_intent(text, number):
    assert answers.claim_intent(text) == (True, number)


@pytest.mark.parametrize("text", ["我去，真的假的", "我来了", "我去上班了", "我来问一下", "我接孩子去了",
                                  "1号楼那个灯我去看看", "楼道那个灯坏了我去买灯泡",
                                  # a date, a meeting, a weekend (the review): not a ticket
                                  "15号那个党课我来", "3号的会我去", "这个周末我过去一趟", "那个会我去吧",
                                  "谁接单1", "我问下 有人接单1吗", "我看没人接单 3", "我家3号楼",
                                  "谁下午去看看2号", "我明天去不了", "5号楼我下午去看看"])
def test_not_a_claim(text):
    assert answers.claim_intent(text) is None


@pytest.mark.parametrize("text,number", [
    ("修好了", None), ("完成了", None), ("弄好了", None), ("搞定了", None), ("已完成", None), ("处理好了", None),
    ("灯泡换好了", None), ("下水道通好了", None), ("3号已经处理完了，换了灯泡", 3), ("#5 修好了", 5),
    # care tasks end in delivery (found in the simulator)
    ("送到了 老李吃了药缓过来了 家属也回来了", None), ("药送到了", None), ("1号送过去了", 1), ("已经送到了", None),
])
def test_done_intent(text, number):
    found = answers.done_intent(text)
    assert found is not None and found[0] == number and found[1] == text


@pytest.mark.parametrize("text", ["送到了吗", "饭送到了没", "快递送到了", "我的外卖送到了",
                                  "修好了吗", "电梯修好了没有", "什么时候能修好", "好了", "我看好了", "弄好了没"])
def test_not_done(text):
    assert answers.done_intent(text) is None


@pytest.mark.parametrize("text,number", [
    ("验收通过", None), ("验收合格", None), ("15号验收通过", 15), ("#15 验收通过", 15), ("验收 15 通过", 15),
])
def test_verify_intent(text, number):
    assert answers.verify_intent(text) == (number,)


@pytest.mark.parametrize("text,kind", [
    ("你好在吗", "calling"), ("在吗", "calling"), ("在吗？", "calling"), ("有人吗", "calling"),
    ("您好，请问在吗", "calling"), ("你好", "hello"), ("您好！", "hello"), ("hello", "hello"),
])
def test_greeting(text, kind):
    assert answers.greeting(text) == kind


@pytest.mark.parametrize("text", ["大家好", "早上好", "你好，3号楼电梯坏了", "在吗我家漏水了"])
def test_not_just_a_greeting(text):
    assert answers.greeting(text) is None


def test_split_two_problems_and_keep_one():
    from nlp.split import split_problems

    assert split_problems("1号楼门口的垃圾三天没人清了，还有小区东门的路灯也不亮了") == [
        "1号楼门口的垃圾三天没人清了", "还有小区东门的路灯也不亮了"]
    assert split_problems("3号楼电梯坏了；5号楼门口有人乱停车堵住消防通道") == [
        "3号楼电梯坏了", "5号楼门口有人乱停车堵住消防通道"]
    one = "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的"
    assert split_problems(one) == [one]
    # one emergency told in pieces stays one ticket; two emergencies in two named buildings are two
    night = "网格员在吗 我们6号楼楼上半夜一直砸东西 还有女的在哭喊救命"
    assert split_problems(night) == [night]
    assert split_problems("3号楼楼道冒烟了；5号楼电梯困人了") == ["3号楼楼道冒烟了", "5号楼电梯困人了"]


@pytest.mark.parametrize("text, number", [
    ("看看1号单子", 1), ("12号怎么样了", 12), ("查一下#5", 5), ("5号单子到哪了", 5), ("帮我查查3号", 3),
    ("#7 什么情况", 7), ("看一下第4号工单", 4), ("8号有人接了吗？", 8),
    ("3号楼怎么样了", None), ("看看3号楼", None), ("4号楼2单元灯坏了", None), ("12号我接了", None),
    ("1号", None), ("看看", None), ("查询 12", None),
])
def test_a_ticket_asked_about_in_plain_words(text, number):
    from nlp.answers import query_intent

    assert query_intent(text) == number


@pytest.mark.parametrize(("text", "asks"), [
    ("今天有多少单没人接", True), ("还有哪些单没人认领", True), ("有没有没人接的单", True), ("待认领的任务有哪些", True),
    ("谁来接一下", False), ("3号楼灯坏了没人管", False), ("有多少人报名了", False),
    ("还有那个井盖 都三天了没人管", False), ("楼道灯坏了好几天了还没人管", False),
])
def test_open_tasks_question(text, asks):
    """A secretary at night in the simulator (stop 29) asked 「今天有多少单没人接」 and was told how to report a problem."""
    assert answers.open_tasks_question(text) is asks
