from bot.transports.wechaty_text import Quote, parse_quote, strip_leading_mentions

SEP = "- - - - - - - - - - - - - - -"


def test_quote_as_delivered():
    q = parse_quote(f"「张三：【任务 #12】3号楼楼道灯坏了」\n{SEP}\n我来")
    assert q == Quote("张三", "【任务 #12】3号楼楼道灯坏了", "我来")


def test_quote_multiline_and_brackets_and_ascii_colon():
    text = f"「网格通:【任务 #7】\n地点：5号楼\n内容：「漏水」」\n{SEP}\n@网格通\u2005接单"
    q = parse_quote(text)
    assert q.quoted_name == "网格通"
    assert q.quoted_text == "【任务 #7】\n地点：5号楼\n内容：「漏水」"
    assert q.reply == "@网格通\u2005接单"


def test_quote_without_name_and_crlf():
    q = parse_quote(f"「[图片]」\r\n{SEP}\r\n接")
    assert q == Quote(None, "[图片]", "接")


def test_not_a_quote():
    assert parse_quote("我来") is None
    assert parse_quote("「张三：你好」 我来") is None
    assert parse_quote(f"前言「张三：x」\n{SEP}\n我来") is None
    assert parse_quote("") is None


def test_strip_leading_mentions():
    assert strip_leading_mentions("@网格通\u2005我要报修", ["网格通"]) == "我要报修"
    assert strip_leading_mentions("@网格通 我要报修", ["网格通"]) == "我要报修"
    # the bot's alias in this room, then a second mention of it
    assert strip_leading_mentions("@小网\u2005@网格通\u2005接单", ["网格通", "小网"]) == "接单"
    # another member's mention is kept
    assert strip_leading_mentions("@张三\u2005你好", ["网格通"]) == "@张三\u2005你好"
    # a name that is only a prefix of another word is not a mention
    assert strip_leading_mentions("@网格通知一下", ["网格通"]) == "@网格通知一下"
    # unknown display name, but the ids said the bot was mentioned
    assert strip_leading_mentions("@社区小助手\u2005在吗", ["网格通"], any_name=True) == "在吗"
    assert strip_leading_mentions("在吗", [], any_name=True) == "在吗"
