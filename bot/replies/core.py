"""Core replies: tickets, broadcasts, points basics, help and errors."""
from __future__ import annotations

CATEGORY_NAMES = {
    "repair": "设施报修",
    "sanitation": "环境卫生",
    "greening": "绿化养护",
    "traffic": "道路停车",
    "safety": "治安消防",
    "dispute": "矛盾纠纷",
    "care": "帮扶关爱",
    "health": "医疗防疫",
    "legal": "法律政策",
    "property": "物业服务",
    "culture": "文体教育",
    "other": "其他",
}

STATUS_NAMES = {
    "open": "待认领",
    "claimed": "处理中",
    "done": "已完成待验收",
    "verified": "已验收",
    "closed": "已办结",
    "cancelled": "已撤销",
}

ROLE_NAMES = {"resident": "居民", "member": "党员/志愿者", "grid_worker": "网格员", "secretary": "书记",
              "street_officer": "街道干部", "department": "部门联系人"}

TEXT: dict[str, str] = {
    # Tickets: residents
    "ticket_opened": (
        "已登记为诉求 #{number}（{category}{urgent_mark}）{location}。\n"
        "{told}\n"
        "查进度发「查询 {number}」，不需要了发「撤销 {number}」。"
    ),
    "ticket_urgent_mark": "·紧急",
    "ticket_urgent_call": "⚠️ 情况紧急请先拨打 119（火警、燃气泄漏）、120（急救）或 110（报警），并注意自身安全。",
    # The emergency number that fits the danger (nlp.danger), said first.
    "ticket_urgent_call_119": "⚠️ 情况紧急请先拨打 119（火情、燃气泄漏、有人被困、水淹电器都可以打），并注意自身安全。",
    "ticket_urgent_call_120": "⚠️ 有人身体出了危险请先拨打 120 叫救护车，并守在旁边、注意安全。",
    "ticket_urgent_call_110": "⚠️ 情况紧急请先拨打 110 报警，并注意自身安全。",
    # 催办: a resident chases a problem already reported.
    "ticket_urged": "已为您催办 #{number}（{category}{urgent_mark}）{location}，{told}。有进展会通知您。",
    "urge_told_claimer": "已提醒正在办理的志愿者和社区书记",
    "urge_told_secretary": "已提醒社区书记",
    "urge_staff": "【催办 #{number}】{category}{urgent_mark}{location}\n{who}在催：「{words}」\n请尽快处理或回复进度。",
    "ticket_location": "，位置：{location}",
    "ticket_new_task": (
        "【新任务 #{number}】{category}{urgent_mark}{location}\n"
        "{excerpt}\n"
        "回复「接单 {number}」认领。"
    ),
    "ticket_claimed_reporter": "您的诉求 #{number} 已由 {claimer} 认领，正在处理。",
    "ticket_claimed_ok": "接单成功：#{number} 由您处理。完成后发「完成 {number} 处理说明」。",
    "ticket_claimed_room": "#{number} 已由 {claimer} 认领。",
    "ticket_released_ok": "已放弃 #{number}，任务重新开放认领。",
    "ticket_released_room": "【任务重新开放 #{number}】{category}{urgent_mark}{location}\n{excerpt}\n回复「接单 {number}」认领。",
    "ticket_done_ok": "已标记 #{number} 为完成，等待书记验收。",
    "ticket_done_reporter": "您的诉求 #{number} 已由 {claimer} 处理完成：{note}\n如有问题请在群里说明。",
    "ticket_done_secretary": "#{number} 已由 {claimer} 标记完成：{note}\n验收请发「/验收 {number} 通过」或「/验收 {number} 驳回 原因」。",
    "ticket_verified_ok": "#{number} 验收通过，{claimer} 获得 {points} 积分（积分细则：{rule}）。",
    "ticket_reason_done": "完成诉求 #{number}",
    "ticket_verified_claimer": "您处理的 #{number} 已验收通过，获得 {points} 积分。感谢付出！",
    "ticket_verified_reporter": "您的诉求 #{number} 已办好并通过验收。满意吗？直接回复「满意」「一般」「不满意」或 1-5 分即可。",
    "ticket_rejected_ok": "#{number} 已驳回给 {claimer}：{reason}",
    "ticket_rejected_claimer": "#{number} 验收未通过：{reason}\n请继续处理，完成后再发「完成 {number} 说明」。",
    "ticket_cancelled_ok": "诉求 #{number} 已撤销。",
    "ticket_cancelled_claimer": "#{number} 已被撤销，无需再处理。谢谢！",
    "ticket_rated_ok": "感谢评价！#{number} 已办结（{score} 分）。",
    "ticket_status": (
        "#{number} {category}{urgent_mark} · {status}\n"
        "内容：{excerpt}\n"
        "登记：{created}{details}"
    ),
    # Details (text, reporter, flat) only for those docs/privacy.md names; others get this.
    "ticket_status_brief": "#{number} · {status}\n（诉求内容只对反映人、处理人和社区工作人员可见。）",
    "ticket_status_sent_privately": "#{number} · {status}\n详情已私信发给您。",
    "ticket_status_reporter": "\n反映人：{reporter}{location}",
    "ticket_status_claimer": "\n处理人：{claimer}",
    "ticket_status_evidence": "\n分类依据：{words}",
    "ticket_assigned_ok": "已把 #{number} 派给 {claimer}。",
    "ticket_assigned_claimer": "{by} 把 #{number} 派给了您：{excerpt}\n完成后发「完成 {number} 处理说明」。",
    "ticket_merged": "这个问题已有人报过（#{number}），已为您 +1，共 {count} 户反映。有进展会一并通知您。",
    "ticket_already_reported": "您反映的这个问题已登记过（#{number}），不用再报，有进展会通知您。查进度发「查询 {number}」。",
    "task_list_header": "待认领任务（共 {count} 个）：",
    "task_list_item": "#{number} {category}{urgent_mark}{location} {excerpt}",
    "task_list_footer": "回复「接单 编号」认领。",
    "task_list_empty": "目前没有待认领的任务，谢谢关注！",
    "my_tasks_header": "您在办的任务（{count} 个）：",
    "my_tasks_footer": "办好了发「完成 编号 说明」，只有一个时说「修好了」即可。",
    "my_tasks_empty": "您手上没有在办的任务。发「任务」看看有没有待认领的。",
    "my_reports_header": "您反映的诉求（还在办的 {count} 个）：",
    "my_reports_item": "#{number} {category}「{excerpt}」：{status}",
    "my_reports_footer": "看详细进度发「查询 编号」，不需要了发「撤销 编号」。",
    "my_reports_empty": "您目前没有在办的诉求。要反映问题，直接说在哪里、什么事就行。",
    "my_reports_sent_privately": "您反映过的诉求已私信发给您。",
    # Confirming a demand in the middle band
    "demand_ask": "要登记为诉求吗？回复「是」登记，回复「不用」就不登记（{minutes} 分钟内有效）。",
    # Points
    "points_mine": "您的积分：{balance} 分。{recent}",
    "points_recent_header": "\n最近记录：",
    "points_recent_item": "\n{date} {sign}{amount} {reason}",
    "points_none": "您还没有积分记录，接一个任务试试吧！",
    "points_board_header": "积分榜（{community}）：",
    "points_board_item": "\n{rank}. {name} {balance} 分",
    "points_board_empty": "积分榜还是空的，快来接任务吧！",
    "points_awarded_ok": "已为 {name} {sign}{amount} 分：{reason}。当前 {balance} 分。",
    # Broadcast
    "broadcast_preview": "将发送到 {count} 个群：{rooms}\n内容：{content}\n回复「确认」发送，回复「取消」放弃（{minutes} 分钟内有效）。",
    "broadcast_preview_all": "没有写范围，默认发给全体：将发送到 {count} 个群：{rooms}\n内容：{content}\n"
                             "只发部分群请重发，如「/广播 东区 内容」。回复「确认」发送，回复「取消」放弃（{minutes} 分钟内有效）。",
    "broadcast_sent": "好的，通知正在发往 {count} 个群，全部发完后会给您一份发送报告。",
    "broadcast_cancelled": "已取消这次广播。",
    "broadcast_notice": "【通知】{content}",
    "broadcast_bad_scope": "没有找到范围「{scope}」。可用范围：{valid}",
    "broadcast_no_rooms": "范围「{scope}」下没有可发送的群。",
    "nothing_to_confirm": "没有等待确认的操作。",
    # Help
    # Errors (domain)
    "err_usage": "格式不对。用法：{usage}",
    "err_ticket_not_found": "没有找到诉求 #{number}，请检查编号。",
    "err_bad_number": "编号应为数字，例如「{example}」。",
    "err_not_open": "#{number} 当前状态是「{status}」，不能认领。",
    "err_already_claimed": "#{number} 已被 {claimer} 认领，看看其他任务吧（发「任务」）。",
    "err_own_ticket": "#{number} 是您自己报的诉求，请让其他志愿者处理。",
    "err_not_claimer": "#{number} 不是由您认领的，不能操作。",
    "err_bad_transition": "#{number} 当前状态是「{status}」，不能{action}。",
    "err_not_reporter": "只有报事人或书记可以{action} #{number}。",
    "err_outside_grid": "#{number} 不在您负责的网格（{grids}）里，请由书记或该网格的网格员处理。",
    "err_forbidden": "「{command}」仅限{roles}使用。",
    "err_no_community": "还不知道您属于哪个社区，请先在所在的网格群里发言，或联系网格员。",
    "err_person_not_found": "本社区没有找到「{name}」，请用 @ 选择或写全名。",
    "err_person_ambiguous": "本社区有 {count} 位叫「{name}」的，请用 @ 选择要找的那一位。",
    "err_assign_not_member": "{name} 不是本社区的党员志愿者，不能接单办理，请派给志愿者或网格员。",
    "err_self_points": "不能给自己{action}，请另一位书记或网格员操作。",
    "err_self_reverse": "记录 {entry} 是您自己的积分，不能自己冲正，请另一位书记或网格员操作。",
    "err_self_verify": "#{number} 是您自己办理的，不能自己验收，请另一位书记或网格员验收。",
    "err_self_attend": "不能给自己确认参加活动记分，请自己「签到 {number}」或请另一位书记或网格员确认。",
    "err_bad_score": "评分应为 1-5 的整数，例如「评价 {number} 5 很满意」。",
    "err_bad_amount": "分值应为 1-100 的整数，例如「/加分 @张三 2 组织文艺演出」。",
    "err_too_long": "内容太长了（最多 {limit} 字），请精简后再发。",
    "err_internal": "抱歉，系统出了点问题，这条消息没有处理成功，请稍后再试。",
    # Room events
    "welcome": "欢迎 {name}！有问题直接在群里说，网格通会登记并安排党员志愿者处理。发「帮助」看更多。",
}

