async def test_reply_keys_recorded(bot):
    from tests.harness import EAST, RES_ZHAO, keys
    r = await bot.say(RES_ZHAO, "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的", EAST)
    print(keys(r))
    assert "ticket_opened" in keys(r)
    rows = await bot.outbox()
    assert rows[0].reply_key == "ticket_opened"
