"""Replies for the delivery area: broadcast delivery reports, the bot's own introduction."""
from __future__ import annotations

TEXT: dict[str, str] = {
    "delivery_report": "【发送报告】广播已送达 {sent}/{total} 个群。",
    "delivery_report_failed": "未送达 {count} 个群：{rooms}。请检查机器人是否仍在群内，或稍后重发。",
    # A platform that cannot send images or files gets the text with one of these lines.
    "file_not_sent_image": "（附图「{name}」无法在此平台发送）",
    "file_not_sent": "（附件「{name}」无法在此平台发送）",
    "bot_joined": (
        "大家好，我是网格通，社区网格的小助手。\n"
        "有问题（报修、求助、咨询）直接在群里 @我 说，我会登记并安排党员志愿者处理；"
        "发「查询 编号」看进度，发「帮助」看更多。"
    ),
}
TEXT.update({
    # Accounts (issue 16): an account that stops sending, and its return; said to the staff it serves.
    "account_down_logged_out": "【账号掉线】机器人账号「{name}」已退出登录，请尽快重新登录。"
                               "其他账号也在的群已改由其他账号发送（{moved} 条）。{waiting}",
    "account_down_limited": "【账号限流】机器人账号「{name}」被平台限制发送，暂停发送一段时间。"
                            "其他账号也在的群已改由其他账号发送（{moved} 条）。{waiting}",
    "account_down_banned": "【账号封禁】机器人账号「{name}」已被封禁，请联系管理员。"
                           "其他账号也在的群已改由其他账号发送（{moved} 条）。{waiting}",
    "account_waiting": "只有它在的群的消息会保留，账号恢复后按顺序补发。",
    "account_back": "【账号恢复】机器人账号「{name}」已恢复，积压的消息正在按顺序补发。",
})
