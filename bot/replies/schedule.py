"""Replies for lifecycle automation (issue 5): dispatch tiers, deadlines, follow-ups,
digests, reports, scheduled notices (/定时) and statistics (/统计)."""
from __future__ import annotations

TEXT: dict[str, str] = {
    # Tiered dispatch
    "dispatch_offer": (
        "【就近派单 #{number}】{category}{urgent_mark}{location}\n{excerpt}\n"
        "{reason}回复「接单 {number}」认领（私聊我或在群里都可以）。"
    ),
    "dispatch_reason_near": "您住在{near}，离得近，",
    "dispatch_reason_skill": "您住在{near}，特长「{skills}」正对口，",
    "dispatch_urgent_room": (
        "【紧急任务 #{number}】{category}{urgent_mark}{location}\n{excerpt}\n"
        "请能到场的党员志愿者马上回复「接单 {number}」。"
    ),
    "dispatch_urgent_secretary": (
        "【紧急诉求 #{number}】{category}{location}\n{excerpt}\n"
        "已同时通知附近 {nearby} 位党员和党员志愿者群。派单：/派单 {number} @姓名"
    ),
    "dispatch_escalated_room": (
        "【任务待认领 #{number}】{category}{location}\n{excerpt}\n"
        "已登记 {minutes} 分钟，附近志愿者暂未接单，请大家帮帮忙：回复「接单 {number}」认领。"
    ),
    "dispatch_escalated_secretary": (
        "【派单提醒】#{number} {category}{location} 登记已 {minutes} 分钟，仍无人认领。\n{excerpt}\n"
        "请协调派单：/派单 {number} @姓名"
    ),
    # Deadlines (限时办结)
    "deadline_reminder": (
        "【办结提醒】您认领的 #{number}（{category}）需在 {deadline} 前办结。\n{excerpt}\n"
        "完成后发「完成 {number} 处理说明」；办不了请发「放弃 {number}」。"
    ),
    "deadline_overdue_secretary": (
        "【超时提醒】#{number} {category}{urgent_mark}{location} 已超过办结时限（{deadline}）。\n"
        "状态：{status}，处理人：{claimer}\n{excerpt}"
    ),
    "deadline_overdue_claimer": "#{number} 已超过办结时限，书记已知悉。请尽快处理，完成后发「完成 {number} 说明」。",
    "nobody": "无人认领",
    # Follow-up (回访)
    "followup_ask": (
        "【回访】您的诉求 #{number}（{category}）已经办好并通过验收：{excerpt}\n"
        "请为这次服务打分：直接回复「满意」「一般」「不满意」或 1-5 的数字（5 分最满意），"
        "或发「评价 {number} 5 意见」。{days} 天内未评价将自动办结。"
    ),
    "followup_low_rating": (
        "【差评提醒】#{number} {category}{location} 居民评分 {score} 分。\n"
        "意见：{comment}\n内容：{excerpt}\n请回访了解情况。"
    ),
    "no_comment": "（未填写）",
    "rate_nothing_pending": "您目前没有待评价的诉求。如需评价其他诉求，请发「评价 编号 5 意见」。",
    # Morning digest, weekly ranking, monthly report
    "digest_daily": (
        "【每日简报】{date}\n昨日新增 {new} 件，昨日完成 {done} 件；"
        "当前待认领 {open} 件，超时未办结 {overdue} 件。"
        "{overdue_list}{open_list}"
    ),
    "digest_item": "\n· #{number} {category}{urgent_mark} {excerpt}",
    "digest_item_overdue": "\n· 超时 #{number} {category}{urgent_mark} {excerpt}",
    "board_weekly": "【积分榜 · 张榜公布】{community} 上周（{start} 至 {end}）新增积分：{items}\n"
                    "感谢各位党员志愿者的付出！累计排名发「积分榜」查看。",
    "board_weekly_item": "\n{rank}. {name} +{gained} 分",
    "report_title_month": "{year}年{month}月",
    "report_link": "\n报表下载（Excel）：{url}",
    # Statistics (/统计 and the monthly report)
    "stats_summary": (
        "【{title} 统计】\n诉求 {created} 件：{categories}\n"
        "已认领 {claimed} 件，认领用时中位数 {claim_minutes} 分钟\n"
        "已验收 {verified} 件，办结用时中位数 {close_hours} 小时\n"
        "超时 {overdue}/{with_deadline} 件，超时率 {overdue_rate}\n"
        "平均评分：{rating}\n最活跃党员：{members}"
    ),
    "stats_category_item": "{category} {count}",
    "stats_member_item": "\n{rank}. {name}（办结 {done} 件，积分 +{points}）",
    "stats_members_none": "暂无",
    "stats_none": "—",
    "stats_title_period": "{word}（{start} 至 {end}）",
    "stats_bad_word": "「{word}」不是时段，也不是本社区的网格名。用法：/统计 本周、/统计 本月 东区（时段：今天、昨天、本周、上周、本月、上月；网格如 东区、3号楼）",
    # Scheduled notices (/定时)
    "sched_usage": (
        "【定时通知】格式：/定时 时间 [范围] 内容\n"
        "· 时间：每天 8:00、每周一 9:00、每周一、三、五 晚上7点、工作日 9:00、每月1号 9:00、\n"
        "  今天 20:00、明天 8:00、后天下午3点、下周一 9:00、周五晚上8点、12月1日 9:00、早上8点半\n"
        "· 范围（可省略，默认全体）：全体、党员，或片区/楼栋名（如 东区、3号楼）\n"
        "· /定时 列表：查看；/定时 取消 编号：取消\n"
        "例如：/定时 每周一 9:00 党员 下午3点在活动室学习"
    ),
    # Any command that takes a time (/定时, /活动 发布) reads it with bot/services/when.py
    # and answers a time it cannot use with one of these.
    "time_bad_unreadable": "没看懂这个时间，请照这样写：「{example}」。",
    "time_bad_no_time": "请写上几点，例如「{example}」。",
    "time_bad_past": "这个时间已经过去了，请换一个以后的时间，例如「{example}」。",
    "time_bad_bad_date": "日期不对（比如没有这一天），例如「{example}」。",
    "time_bad_recurring": "这里要写一个具体的时间，不能是每天、每周这样的重复时间，例如「{example}」。",
    "sched_no_content": "请写上通知内容，例如「{example}」。",
    "sched_too_many": "本社区的定时通知已有 {limit} 条，请先取消不用的（/定时 列表）。",
    "sched_not_found": "没有找到定时通知 {number}，发「/定时 列表」查看编号。",
    "sched_created": (
        "已设置定时通知 {number}：{rule}，发到 {scope}（{rooms}）\n"
        "下次发送：{next}\n内容：{content}{quiet_line}\n取消请发「/定时 取消 {number}」。"
    ),
    "sched_quiet_line": "\n注意：该时间在免打扰时段内，将于 {at} 发出。",
    "sched_preview": (
        "将设置定时通知：{rule}，发到 {scope}（{rooms}）\n首次发送：{next}\n内容：{content}{quiet_line}\n"
        "回复「确认」设置，回复「取消」放弃（{minutes} 分钟内有效）。"
    ),
    "sched_preview_cancelled": "好的，这条定时通知没有设置。",
    "sched_list_header": "定时通知（{count} 条）：",
    "sched_list_item": "\n{number}. {rule} → {scope}，下次 {next}：{excerpt}",
    "sched_list_empty": "目前没有定时通知。设置方法发「/定时」查看。",
    "sched_cancelled": "已取消定时通知 {number}。",
    "sched_notice": "【通知】{content}",
    "sched_rule_once": "{at}（一次）",
    "sched_rule_daily": "每天 {clock}",
    "sched_rule_weekly": "每周{days} {clock}",
    "sched_rule_monthly": "每月{day}号 {clock}",
    "weekday_names": "一二三四五六日",
    # The .xlsx report
    "xlsx_sheet_summary": "概览",
    "xlsx_community": "社区",
    "xlsx_period": "统计期间",
    "xlsx_created": "诉求总数",
    "xlsx_claimed": "已认领",
    "xlsx_verified": "已验收",
    "xlsx_median_claim": "认领用时中位数（分钟）",
    "xlsx_median_close": "办结用时中位数（小时）",
    "xlsx_with_deadline": "有时限的诉求",
    "xlsx_overdue": "超时件数",
    "xlsx_overdue_rate": "超时率",
    "xlsx_rating": "平均评分",
    "xlsx_sheet_categories": "分类",
    "xlsx_head_categories": "分类|件数",
    "xlsx_sheet_tickets": "诉求明细",
    "xlsx_head_tickets": "编号|分类|紧急|状态|登记时间|认领时间|完成时间|验收时间|办结时限|是否超时|处理人|评分|内容|照片和附件",
    "xlsx_sheet_members": "活跃党员",
    "xlsx_head_members": "名次|姓名|办结件数|本期积分",
    "xlsx_yes": "是",
    "xlsx_no": "否",
}
