"""Staff asking for people in a sentence (nlp.rollcall_need): what /集结 arguments it means."""
import pytest

from nlp import rollcall_need

CASES = [
    ("明天上午需要3名党员到核酸检测点执勤", "党员 明天上午9点 核酸检测点 3 执勤", True),
    ("今晚7点要5个志愿者去河堤东段巡查", "党员 今晚7点 河堤东段 5 巡查", False),
    ("周六下午缺两个人在东门广场搬物资", "党员 周六下午2点 东门广场 2 搬物资", True),
    ("明天8:30需要十二名志愿者到3号楼门口帮忙搬运物资", "党员 明天8:30 3号楼门口 12 帮忙搬运物资", False),
    ("明早需要2位党员到社区门口值守", "党员 明早8点 社区门口 2 值守", True),
    ("后天下午3点半请10位志愿者到小区广场集合，发放防疫物资", "党员 后天下午3点半 小区广场 10 集合，发放防疫物资", False),
    ("今天下午4点需要20名居民到活动室帮忙包饺子", "全体 今天下午4点 活动室 20 帮忙包饺子", False),
    ("周日上午缺三个人去活动室布置会场", "党员 周日上午9点 活动室 3 布置会场", True),
]
NOT_A_CALL = [
    "需要3个人帮忙",  # no place, no time
    "明天需要3名党员到检测点执勤",  # a day but no time of day: asked for one instead
    "有没有人知道明天要几个人到检测点执勤？",  # a question
    "我家需要两个人帮忙搬家",  # no place
    "今天要交3个人的材料到街道",  # a count of things, not people asked to come
    "3号楼需要修一下",
    "",
]


@pytest.mark.parametrize("text, args, assumed", CASES)
def test_a_request_in_words_is_the_roll_call_it_means(text, args, assumed):
    need = rollcall_need.read(text)
    assert need is not None and need.args() == args and need.hour_assumed is assumed
    assert rollcall_need.could_be(text)


@pytest.mark.parametrize("text", NOT_A_CALL)
def test_other_sentences_are_not_roll_calls(text):
    assert rollcall_need.read(text) is None


def test_people_and_a_place_without_a_time_are_recognised_to_ask_for_one():
    assert rollcall_need.names_a_place("明天需要3名党员到检测点执勤")
    assert not rollcall_need.names_a_place("我家需要两个人帮忙搬家")
