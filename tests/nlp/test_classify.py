import json
from pathlib import Path

import pytest

import nlp
from nlp import ASK_THRESHOLD, DEMAND_THRESHOLD, Classification, classify, similarity

HERE = Path(__file__).parent


def _rows(name):
    return [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def test_contract():
    c = classify("3号楼2单元楼道灯坏了好几天了")
    assert isinstance(c, Classification)
    assert (c.intent, c.category, c.urgency) == ("demand", "repair", "normal")
    assert (c.building, c.unit, c.room) == ("3", "2", None)
    assert "楼道灯" in c.evidence
    assert set(c.as_dict()) == {"intent", "category", "urgency", "confidence", "building", "unit", "room"}
    assert 0 < ASK_THRESHOLD < DEMAND_THRESHOLD < 1


@pytest.mark.parametrize("text, category", [
    ("楼道灯不亮了 麻烦修一下", "repair"),
    ("下水道堵了 水都返上来了", "repair"),
    ("化粪池冒了 满地污水", "sanitation"),
    ("树枝压着电线 看着挺悬", "greening"),
    ("有人在楼道里给电动车充电", "safety"),
    ("楼上天天半夜蹦迪 吵得睡不着", "dispute"),
    ("独居老人好几天没出门了 能不能去看看", "care"),
    ("想问问医保怎么报销", "legal"),
    ("物业费乱收 服务还差", "property"),
    ("小区健身器材坏了 好久没人修", "culture"),
    ("社区卫生站什么时候打流感疫苗", "health"),
    ("门口的路上一个大坑 电动车差点摔了", "traffic"),
    ("小区附近没有公交站 能不能协调一下", "other"),
])
def test_categories(text, category):
    c = classify(text)
    assert c.intent == "demand", c
    assert c.category == category, c


@pytest.mark.parametrize("text", [
    "5栋3单元楼道里冒烟了 好像着火了",
    "闻到好大一股煤气味",
    "电梯关人了 里面有个老人",
    "楼下张大爷晕倒了 叫不醒",
    "水管爆了 屋里全淹了",
    "围墙裂了在往外鼓 要塌了",
    "楼下两家打起来了 见血了",
    "零下二十度 整栋楼停暖了 老人孩子冻得不行",
    "零下二十度 全小区暖气都停了 老人冻得受不了",  # the whole estate, not only one building
    "三十九度的天 整个15栋从早上停电到现在",
    "零下二十多度 我们单元停暖两天了 老人受不了",  # a whole unit
    "这么热的天 村里几十户人家停水三天了",  # a village group
    "零下十几度 3单元停暖了 老人孩子都在屋里",
    "寒潮 我爸妈那栋停暖三天了 两个老人都八十了",
    "锅炉停了 今晚零下十八度 老人孩子冻得不行",
    "整层停电 屋里四十度 夜班的人回来没法睡",
    "东区4号楼消防水管爆裂 水从上往下灌 总阀关不住",  # 消防 is not 防 (prevent)
    "楼道里电动车充电 冒烟了",  # the same hazard, now a fire
])
def test_urgent(text):
    c = classify(text)
    assert (c.intent, c.urgency) == ("demand", "urgent"), c


@pytest.mark.parametrize("text", [
    "有人在楼道里充电 要是着火了可不得了",
    "消防通道堵了 真着火了消防车都进不来",
    "楼道灯坏了",
    "3单元502停暖了 零下十度 家里冷",  # one flat, not the building
    "4号楼楼道里有人给电动车充电 拉了根线从窗户下来",  # a standing hazard (safety), found in the simulator
])
def test_not_urgent(text):
    c = classify(text)
    assert c.intent == "demand" and c.urgency == "normal", c


@pytest.mark.parametrize("text", [
    "早上好", "收到", "谢谢物业修好了电梯", "@所有人 明天停水检修 请储水",
    "【转发】震惊 这些食物不能一起吃", "招聘保洁 日结 加微信详聊", "正品代购 私聊",
    "哈哈哈", "谁捡到一串钥匙", "我觉得今年年味挺足的", "好的 已储水", "👍👍", "",
    "看新闻说隔壁街道着火了 大家注意安全",
])
def test_chat(text):
    assert classify(text).intent == "chat"


def test_bands_consistent():
    for text in ["电梯好像有点异响", "楼道灯坏了", "早上好", "树", "这次停水怎么这么久"]:
        c = classify(text)
        if c.confidence >= DEMAND_THRESHOLD:
            assert c.intent == "demand"
        elif c.confidence >= ASK_THRESHOLD:
            assert c.intent == "unsure" and c.category is not None
        else:
            assert c.intent == "chat" and c.category is None


def test_similarity():
    a = "3号楼楼道灯坏了"
    assert similarity(a, a) == 1.0
    assert similarity(a, "三号楼的楼道灯坏了+1") > 0.5
    assert similarity(a, "早上好") < 0.2
    assert similarity("", a) == 0.0


def test_extra_lexicon(tmp_path, monkeypatch):
    from nlp import lexicon

    extra = tmp_path / "extra.yaml"
    extra.write_text("categories:\n  culture:\n    strong: [门球场]\n", encoding="utf-8")
    monkeypatch.setenv(lexicon.EXTRA_ENV, str(extra))
    lexicon.load_lexicon.cache_clear()
    try:
        assert "门球场" in lexicon.load_lexicon().keywords
    finally:
        monkeypatch.delenv(lexicon.EXTRA_ENV)
        lexicon.load_lexicon.cache_clear()
        lexicon.load_lexicon()


@pytest.mark.parametrize("name", ["phrasings.jsonl", "holdout.jsonl"])
def test_own_sets_are_well_formed(name):
    rows = _rows(name)
    assert len(rows) >= (150 if name == "phrasings.jsonl" else 80)
    cats = {r["category"] for r in rows if r["intent"] == "demand"}
    assert cats == set(nlp.lexicon.CATEGORIES)


@pytest.mark.parametrize("text, intent", [
    ("【健康】医生提醒：每天走路多少步最合适", "chat"),       # a forwarded health tip
    ("超市鸡蛋大减价，速去", "chat"),                         # a neighbour's shopping tip
    ("医生提醒我妈要按时复查，社区能不能安排人陪她去医院", "demand"),
    ("养生馆天天放音乐吵死了", "demand"),
])
def test_tips_and_forwards_versus_requests(text, intent):
    assert classify(text).intent == intent


@pytest.mark.parametrize("text, category", [
    ("4栋2单元电梯又停了，我妈腿脚不好下不了楼", "repair"),   # the elevator is what needs doing
    ("3号楼停水一天了，家里有瘫痪老人没法做饭", "repair"),
    ("独居的张奶奶腿脚不好，想请志愿者每周帮她买一次菜", "care"),  # help for the person
    ("我是残疾人，轮椅坏了自己修不了，社区能不能帮忙借一个", "care"),
])
def test_the_action_asked_for_decides_the_category(text, category):
    assert classify(text).category == category, (text, classify(text))


@pytest.mark.parametrize("text", [
    "下水井盖丢了一个，就在幼儿园门口",
    "楼上往下扔烟头，把我晾的被子烧了个洞",
])
def test_damage_that_happened_is_a_report_without_a_request(text):
    assert classify(text).intent == "demand"


def test_a_bare_report_of_last_nights_theft_is_never_urgent():
    # The writers file most bare reports of a past incident as news (chat); the combiner follows
    # them, so "昨天晚上有人撬了…" is not certain to open a ticket. It is never an emergency.
    c = classify("昨天晚上有人撬了好几辆电动车的锁")
    assert c.urgency != "urgent" and c.intent in ("demand", "unsure", "chat")


def test_things_thrown_from_above_are_safety():
    assert classify("楼上往下扔烟头，把我晾的被子烧了个洞").category == "safety"


# Phrasings from the fresh set's styles (tests/nlp/fresh.jsonl), reworded: each row is a
# kind of wording, not a sentence of that file.
@pytest.mark.parametrize("text, category", [
    ("小区门口的路登坏了", "repair"),            # input-method slips: 路登, 垃级, 冲电, 布热
    ("垃级站臭得不行", "sanitation"),
    ("有人在楼道里冲电", "safety"),
    ("暖气布热", "repair"),
    ("楼道窗户玻璃碎了", "repair"),              # a bare state of damage is a report
    ("门口的树倒了", "greening"),
    ("垃圾桶满了", "sanitation"),
    ("屋里太冷了 暖气不太热", "repair"),
    ("地下室返潮 墙上都发霉了", "repair"),
    ("煤气表不走了", "repair"),                  # a meter is a repair, not a gas danger
    ("我腿脚不方便 能不能请人帮我去医院拿药", "care"),   # fetching medicine for a person
    ("老人想去医院复查 我上班走不开 谁能陪一下", "care"),  # going along to hospital
    ("电梯又坏了 我家老人八十多了住六楼", "repair"),     # age says who suffers, not what to do
])
def test_fresh_style_reports(text, category):
    c = classify(text)
    assert (c.intent, c.category, c.urgency) == ("demand", category, "normal"), c


@pytest.mark.parametrize("text", [
    "有个老人在门口晕过去了",
    "电梯坏了 困了两个人在里面",
    "外墙的瓷砖还在往下掉",
    # stop 30: an unknown source is alarming, not a doubt; a day ago that lasts till now is now
    "不知道谁家阳台上的花盆被风吹下来了 上面还有几盆在晃 下面就是人行道",
    "我妈前天出门到现在还没回来 她有老年痴呆",
    "燃气灶关了还是有股味 也不知道是不是燃气 我现在有点头晕",
    "整个小区都停电了 零下十七度 暖气泵也停了",  # the weather said after the outage
])
def test_fresh_style_urgent(text):
    c = classify(text)
    assert (c.intent, c.urgency) == ("demand", "urgent"), c


@pytest.mark.parametrize("text", [
    "上次着火的楼道墙还是黑的 能不能刷一下",     # a fire in the past
    "门口台阶塌了一块",                          # ground-level crumbling is not a collapse
    "路面塌了一块 骑车小心",
    "报警了，民警马上到",                        # an update: help is called, nothing new is said
    "【安全提醒】近期火灾高发 请勿在楼道充电 如发现火情请第一时间拨打119",  # a notice is never a ticket
])
def test_fresh_style_not_urgent(text):
    assert classify(text).urgency != "urgent"


@pytest.mark.parametrize("text", ["这条街停电一个多钟头了 冰箱里的东西都要化了 到底几点来电", "停电了 到底几点来电啊"])
def test_an_outage_that_has_lasted_is_a_fault_not_a_question(text):
    # found in the simulator: "几点来电" read as a question about a planned cut, and nobody answered
    c = classify(text)
    assert (c.intent, c.category) == ("demand", "repair"), c


@pytest.mark.parametrize("text", ["报警了，民警马上到", "已经报警了 大家别下去看", "我报警了，警察说马上到"])
def test_a_short_update_that_help_is_called_is_not_a_new_ticket(text):
    # said in the group after someone reported the emergency: it joins the talk, it is not a second ticket
    assert classify(text).intent == "chat"


@pytest.mark.parametrize("text", ["楼道里着火了 已经报警了 大家快下楼", "有人持刀打架 已经报警了 快来人"])
def test_an_emergency_that_says_help_is_called_is_still_urgent(text):
    c = classify(text)
    assert (c.intent, c.urgency) == ("demand", "urgent"), c


@pytest.mark.parametrize("text", ["做饭差点着了 吓死我了 哈哈", "我困了 先睡了 晚安"])
def test_fresh_style_chat(text):
    assert classify(text).intent == "chat"


@pytest.mark.parametrize("text, category", [
    ("电梯坏了一个礼拜了 物业真是辛苦了", "repair"),      # sarcastic thanks about a problem
    ("楼上的狗天天叫到半夜 真是谢谢了啊", "dispute"),
    ("呵呵 垃圾三天没人收了", "sanitation"),
    ("楼下单元门口这几天老有个陌生人转悠", "safety"),     # 楼下单元 is an address, not 下单
])
def test_sarcasm_and_addresses_are_not_chat(text, category):
    c = classify(text)
    assert (c.intent, c.category) == ("demand", category), c


@pytest.mark.parametrize("text", [
    "网格员真是辛苦了 大热天还上门走访",                 # real thanks: no problem named
    "王书记真是辛苦了 天天往我们楼跑",
    "楼道灯修好了 真是谢谢了啊",
    "不是着火 是楼下在烧烤 大家别慌",
    "团购的东西下单了吗",
])
def test_real_thanks_and_denials_stay_chat(text):
    assert classify(text).intent == "chat"


def test_asking_whether_it_is_a_fire_is_not_denying_it():
    c = classify("3号楼楼道里冒烟了 是不是着火了")
    assert (c.intent, c.category, c.urgency) == ("demand", "safety", "urgent"), c


@pytest.mark.parametrize("text, category", [
    ("燃气灶点不着火", "repair"),                 # a stove that will not light is no fire
    ("热水器打不着火了 洗不了澡", "repair"),
    ("燃气灶打不着火 是不是没气了", "repair"),     # 没气了 of a stove is no gas, not no breath
    ("嘞个单元门关不拢咯", "repair"),
])
def test_words_that_only_look_like_fire(text, category):
    c = classify(text)
    assert (c.intent, c.category, c.urgency) == ("demand", category, "normal"), c


@pytest.mark.parametrize("text", ["孩子刚睡着了 楼上就开始蹦迪", "钥匙找着了 谢谢大家", "昨晚着了凉 有点发烧"])
def test_zhao_le_is_not_always_a_fire(text):
    assert classify(text).urgency != "urgent"


@pytest.mark.parametrize("text", [
    "快叫救护车 广场上一个大爷跳着跳着倒了 在抽",  # 快 before a call for help is hurry, not "about to"
    "三伏天整栋楼停水一天了 8号楼 老人热得快中暑了",  # 三伏 is extreme heat
])
def test_said_in_a_hurry_or_in_the_dog_days_is_urgent(text):
    c = classify(text)
    assert (c.intent, c.urgency) == ("demand", "urgent"), c


def test_not_found_yet_is_no_zhao_le():
    """还没找着 is a lost person still lost: the guard for 找着 (found) must not keep the model's alarm away."""
    from nlp.combine import _ZHAO_LE

    assert _ZHAO_LE.search("一个多小时了还没找着") is None and _ZHAO_LE.search("钥匙找着了") is not None


@pytest.mark.parametrize("text", ["电动车着了", "谁把垃圾堆点着了 烟好大", "我爸倒在地上 好像没气了"])
def test_fire_and_no_breath_still_urgent(text):
    c = classify(text)
    assert (c.intent, c.urgency) == ("demand", "urgent"), c


@pytest.mark.parametrize("text, category", [
    ("昨晚楼上一直到两三点还在拖东西 咣咣的 我一宿没睡 血压都高了", "dispute"),  # noise, not health
    ("电梯响得厉害", "repair"),
    ("门铃坏了", "repair"),
    ("一楼的王阿姨好几天没下楼了 谁去看看", "care"),
    ("老伴中风了 半身不遂 想申请个护理床 社区能帮忙吗", "care"),   # help for a person, not a form
    ("谁家的电动车天天停在单元门口 挡着路 轮椅都推不过去", "traffic"),
])
def test_more_everyday_reports(text, category):
    c = classify(text)
    assert (c.intent, c.category) == ("demand", category), c


@pytest.mark.parametrize("text", [
    "今天下午社区组织义务理发 地点活动室 需要的老人可以去",   # a notice naming a service
    "转：燃气泄漏怎么办？第一时间关阀门 开窗通风 千万别开灯",  # a forwarded tip
])
def test_notices_and_tips_open_no_ticket(text):
    c = classify(text)
    assert c.intent != "demand" and c.urgency != "urgent", c


@pytest.mark.parametrize("text, category", [
    ("我家卫生间水管崩了 水一直往外冒 关不住", "repair"),
    ("有个小孩掉进小区的水池里了", ("safety", "care")),  # writers split: the water's danger or the child's rescue
    ("老人在小区门口突然倒下了 口吐白沫", ("care", "health")),  # writers file a medical emergency under either
    ("电梯卡住了 我在里面 救命", "repair"),
])
def test_more_emergencies(text, category):
    c = classify(text)
    accepted = category if isinstance(category, tuple) else (category,)
    assert (c.intent, c.urgency) == ("demand", "urgent") and c.category in accepted, c


@pytest.mark.parametrize("text, category", [
    ("电梯卡了一下 吓我一跳 找人查查吧", "repair"),  # 电梯卡了 is a stuck lift, not a lift card
    ("树倒下了 压着车了", "greening"),            # a tree falling is not a person collapsing
])
def test_stuck_lift_and_fallen_tree(text, category):
    c = classify(text)
    assert (c.intent, c.category) == ("demand", category), c
    assert "规则:人身危险" not in c.evidence and not any(w in c.evidence for w in ("倒下", "卡了")), c
    # The rules read no emergency; the model may still think a car has someone in it (the writers
    # file a tree on a car as urgent when someone may be inside), and says so in the evidence.
    assert c.urgency == "normal" or "模型改判:紧急" in c.evidence, c


@pytest.mark.parametrize("text", [
    "我家电梯卡终于办好了",
    "今天楼道灯好亮啊 新换的吧",
    "谁有修水管师傅的电话 推荐一个",
    "这周末社区有免费测血压的 大家去不去",
    "周六的垃圾分类宣传活动 志愿者还缺两个",
    "我们家楼上终于不吵了 谢天谢地",
])
def test_good_news_and_neighbour_questions_are_chat(text):
    assert classify(text).intent == "chat"


@pytest.mark.parametrize("text, category", [
    ("小区附近能不能开个菜市场 买菜太远了", "other"),
    ("家里老人记性越来越差 是不是老年痴呆 去哪筛查", "health"),
    ("遛狗不牵绳 把我家孩子吓哭了", "dispute"),
])
def test_service_requests_by_what_is_asked(text, category):
    c = classify(text)
    assert (c.intent, c.category) == ("demand", category), c


@pytest.mark.parametrize("text, intent", [
    ("🐕 又是哪家的狗在楼道里拉屎", "demand"),         # 哪家 accuses here; it is no recommendation
    ("附近哪家超市的鸡蛋便宜", "chat"),
    ("邻居们有知道哪家做断桥铝靠谱的吗", "chat"),
    ("我喊他也不理我 生气了 哈哈", "chat"),            # a snub, not someone unresponsive
])
def test_which_household_and_no_answer(text, intent):
    assert classify(text).intent == intent


def test_someone_who_does_not_answer_when_called_is_urgent_care():
    c = classify("楼下那个大爷坐在台阶上半天了 喊他也不理 是不是不舒服")
    assert (c.intent, c.category, c.urgency) == ("demand", "care", "urgent"), c


@pytest.mark.parametrize("text, category", [
    ("消防通道老被人停车 物业说了也没用", "safety"),      # a blocked fire lane, not a parking complaint
    ("谁的车 堵在消防通道上 赶紧挪一下", "safety"),
    ("孩子作业辅导有没有志愿者 我们家长都看不懂现在的数学", "culture"),  # volunteers help with everything
    ("书法班还招人不 想给我孙子报个名", "culture"),
])
def test_what_is_asked_beats_who_helps(text, category):
    c = classify(text)
    assert (c.intent, c.category) == ("demand", category), c


def test_a_clear_fire_lane_is_no_report():
    assert classify("要是哪天真着火了 咱们这老楼可咋跑 不过现在消防通道还算通畅").intent != "demand"


def test_urgency_gate_words_are_specific():
    # A one-character required string (a bare 不) would open the gate for most messages.
    from nlp.lexicon import _required, load_lexicon

    for rx, _, _ in load_lexicon().urgent:
        words = _required(rx.pattern)
        assert words and min(map(len, words)) >= 2, (rx.pattern[:40], sorted(words or ())[:5])


@pytest.mark.parametrize("text, category", [
    ("闻着好像有点烧塑料的味道 不确定是哪里", "safety"),
    ("刚才楼下一声巨响 好像什么东西炸了", "safety"),
    ("楼下有个醉汉躺在地上 大冬天的 会不会冻坏", "care"),
    ("有个小孩一个人在小区门口哭 找不到妈妈了", "care"),
])
def test_smells_bangs_and_people_on_the_ground(text, category):
    c = classify(text)
    assert (c.intent, c.category, c.urgency) == ("demand", category, "urgent"), c


@pytest.mark.parametrize("text", ["小孩找不到橡皮了 哈哈", "躺在地上打滚要买玩具 这孩子", "信息爆炸的时代 哈哈"])
def test_the_same_words_in_everyday_chat(text):
    # Never a ticket and never an alarm. Since writers r-t (疼得打滚 is how they tell pain) the combiner may
    # ask about the tantrum rather than drop it (demand 0.60 from the model, below the 0.5 demand head line).
    c = classify(text)
    assert c.intent != "demand" and c.urgency != "urgent", c


def test_homophone_slip_for_blocked_drain():
    c = classify("下水道赌了")
    assert (c.intent, c.category) == ("demand", "repair"), c


@pytest.mark.parametrize("text", [
    "各位邻居 明天我家搬家 可能会有点吵 见谅",          # a neighbour's apology ahead of noise
    "这周家里装修 白天会有电钻声 多多包涵",
    "今天的垃圾分类做得不错 表扬一下",
    "昨天下雨 门口积水好深 今天已经退了",
    "社区的太极拳班下周开课 想报名的找王老师",
])
def test_apologies_praise_and_past_trouble_are_chat(text):
    assert classify(text).intent == "chat"


@pytest.mark.parametrize("text, category", [
    ("绝了 楼上又开始装修了 周末都不让人睡", "dispute"),     # a neighbour's renovation noise
    ("谁家孩子在楼道里乱涂乱画 墙上全是", "sanitation"),
    ("我们这儿的井盖是不是该换了 都裂成好几块了", "traffic"),
    ("这物业可真行 垃圾三天不收 物业费一分不少", "property"),
])
def test_weary_complaints(text, category):
    c = classify(text)
    # demand, or unsure (the bot asks before filing): since stop 27's retrain the combiner doubts
    # "这物业可真行 垃圾三天不收 物业费一分不少" (model 0.55) and asks; never chat, never the wrong category
    assert c.intent in ("demand", "unsure") and c.category == category, c


@pytest.mark.parametrize("text", ["我家打算装修 有推荐的装修队吗", "楼上装修好了 下周搬进来 请多关照"])
def test_renovation_small_talk_is_chat(text):
    assert classify(text).intent == "chat"


@pytest.mark.parametrize("text, category", [
    ("孩子一岁了 该打什么疫苗了 在哪打", "health"),
    ("我是外地来的 在这租房子 孩子上学要什么手续", "legal"),
    ("工地干活摔伤了 老板不给赔 咋办", "legal"),          # a labour dispute, not a neighbours' quarrel
    ("小区大门的门禁系统 外卖快递随便进 保安也不管", "property"),
    ("社区能不能办个老年人学电脑的班", "culture"),
    ("附近没有药店 买个药要坐车去", ("other", "health")),  # a missing service; the writers split on it
])
def test_services_asked_in_passing(text, category):
    c = classify(text)
    assert c.intent == "demand" and c.category in (category if isinstance(category, tuple) else (category,)), c


@pytest.mark.parametrize("text", [
    "哎呀 小李啊 不好意思这么晚给你发消息 就是我们家那个厕所的马桶啊 水一直流 停不下来 "
    "我也不会弄 你明天有空帮我找个人来看看好吗 谢谢你啊 辛苦了",
    "网格员你好 打扰了 我老伴前天住院了 我每天要去医院陪护 家里的猫没人喂 能不能找个志愿者帮忙喂两天 谢谢谢谢",
])
def test_thanks_that_close_a_request_keep_it_a_demand(text):
    assert classify(text).intent == "demand"


@pytest.mark.parametrize("text", [
    "感谢志愿者帮我家老人理发 太贴心了",      # thanks first: the help is being praised
    "请问楼道灯修好了吗 谢谢",
    "@所有人 明天停水 请大家提前储水 谢谢配合",
])
def test_thanks_for_help_given_stay_chat(text):
    assert classify(text).intent != "demand"


@pytest.mark.parametrize("text, category", [
    ("小区门口有人摆摊卖菜 把路都堵了", "traffic"),
    ("地下室进水了 越来越深", "repair|safety"),  # a broken drain, or a danger: the writers file it both ways
])
def test_blocked_paths_and_water_coming_in(text, category):
    c = classify(text)
    assert c.intent == "demand" and c.category in category.split("|"), c


@pytest.mark.parametrize("text", ["手机进水了 哈哈 还能用", "广告牌倒下了"])
def test_not_an_emergency(text):
    assert classify(text).urgency != "urgent"


@pytest.mark.parametrize("text", [
    "昨晚做梦梦见家里着火了 吓醒了",                 # a dream
    "我家老爷子今天摔了个碗 心疼死了",               # a bowl fell, not a person
    "防溺水安全提示：暑假请看管好孩子 不要私自下水",
    "刚才那个打架的事 警察已经来处理了 大家散了吧",
    "昨天群里说的漏水 已经有师傅去看了",
    "我家暖气今天来了 好暖和",
])
def test_dreams_accidents_to_things_and_handled_trouble(text):
    c = classify(text)
    assert c.intent != "demand" and c.urgency != "urgent", c


@pytest.mark.parametrize("text", ["我家老爷子下楼摔了个跟头 腿肿了", "我妈摔了 送医院了 家里没人 谁能帮我照看下孩子"])
def test_people_who_fell_still_get_care(text):
    # Since stop 30's retrain the combiner doubts the bare report of a swollen leg (0.48): the bot asks
    # "要登记为诉求吗" before it files it. It is never chat, always care, and a swelling is not an emergency.
    c = classify(text)
    assert c.intent in ("demand", "unsure") and c.category == "care" and c.urgency != "urgent", c
    if "照看" in text:
        assert c.intent == "demand", c  # an explicit ask is filed at once


@pytest.mark.parametrize("text, category", [
    ("垃圾桶太少了 每次都要走老远去扔", "sanitation"),
    ("电动车在小区里逆行 差点撞到孩子", "traffic"),
    ("共享单车把盲道全占了", "traffic"),
    ("楼顶有人养了几十只鸽子 天天掉毛", "sanitation"),
    ("高压线下面有人放风筝 太危险了", "safety"),
])
def test_public_space_reports(text, category):
    c = classify(text)
    assert (c.intent, c.category) == ("demand", category), c


@pytest.mark.parametrize("text", ["村主任 我家门口的排水沟被隔壁盖房给填平了 一下雨水就往院子里灌",
                                  "楼下的下水口被装修垃圾堵死了 一直没人管"])
def test_a_fixed_word_done_to_them_is_a_complaint(text):
    # "填平了" reads as fixed; "被…填平了" is what a neighbour did to them (writer v)
    assert classify(text).intent == "demand"
