"""Replies of the conversation layer: who was told, where it is, greetings, which task,
generated help, and answers to the bot's own questions."""
from __future__ import annotations

TEXT: dict[str, str] = {
    # Who a new ticket was sent to: the truth, not a promise.
    "told_nearby": "已私信通知住在附近的 {count} 位党员志愿者；一段时间没人认领，会再发到党员群。有人接单后会告诉您。",
    "told_members": "已发到党员群，请志愿者认领；有人接单后会告诉您。",
    "told_urgent": "已同时通知附近的党员志愿者、党员群和社区书记。",
    "told_quiet": "现在是夜间免打扰时段，{at} 会通知党员志愿者；有人接单后会告诉您。",
    # Where it is
    "ticket_place_home": "位置按您登记的住址记为 {building}号楼；不在这里的话，直接回复具体位置，如「6号楼2单元」或「小区东门」。",
    "ticket_place_ask": "请问具体在哪里？直接回复楼栋单元（如「6号楼2单元」）或地点（如「小区东门」），方便志愿者找到。",
    "ticket_place_ok": "好的，#{number} 的位置已记为：{location}。",
    # The bot's questions answered
    "demand_not_registered": "好的，这次不登记。有需要随时说。",
    "preview_replaced": "（您之前还有一个待确认的操作，已作废。）",
    # Greetings and people who just talk to the bot
    "greeting_calling": "在的！有什么需要直接说，比如「3号楼电梯坏了」，我来登记并通知志愿者。",
    "greeting_hello": "您好！我是网格通，社区的小助手。有问题直接说，比如「3号楼电梯坏了」，我会登记并找志愿者处理；发「帮助」看我能做什么。",
    "private_chat_hint": "收到。要反映问题的话，直接说在哪里、什么事，比如「3号楼电梯坏了」；想看我能做什么，发「帮助」。",
    # Which task?
    "pick_claim": "现在有 {count} 个任务待认领，您要接哪一个？回复编号即可：{items}",
    "pick_done": "您手上有 {count} 个任务在办，哪一个办好了？回复编号即可：{items}",
    "pick_verify": "有 {count} 单等待验收，验收哪一单？回复编号即可：{items}",
    "pick_item": "\n#{number} {location} {excerpt}",
    "pick_sent_privately": "您有几个任务，是哪一个？我私信您了，在私聊里回复编号即可。",
    "pick_not_listed": "#{number} 不在刚才的列表里。请回复列表中的编号。",
    "claim_nothing_open": "现在没有待认领的任务，谢谢您！",
    "done_nothing_claimed": "您手上没有在办的任务。完成任务请发「完成 编号 说明」。",
    "verify_nothing_done": "现在没有等待验收的诉求。",
    # Ratings answered in words
    "rate_thanks_low": "收到您的评价（{score} 分），我们会请书记了解情况。",
    # Help, generated from the command declarations (bot.commands)
    "help_intro": "网格通可以帮您：",
    "help_section": "【{who}】",
    "help_also": "【{who}也能用】{words}",
    "help_command": "「{word}」{help}\n怎么写：\n{usages}{also}",
    "help_command_also": "\n也可以说：{words}",
    "help_more": "不知道怎么写就直接说，或发「帮助 命令」看用法，如「帮助 接单」。",
    "unknown_command": "没有「{word}」这个命令。",
}
