"""Replies for tasks that need several people, team leaders and team rankings, 战时 per street,
and 参加次数考核 (issue 17)."""
from __future__ import annotations

TEXT: dict[str, str] = {
    # tasks for several people
    "task_label_ticket": "#{number}",
    "task_label_wish": "微心愿 {number}号",
    "task_places_range": "人数请写 {low} 到 {high} 之间的整数。",
    "task_need_not_open": "#{number} 已有人认领或已经办完，不能再改成多人任务。",
    "task_places_below_taken": "已有 {taken} 人报名，人数不能少于 {taken}。",
    "task_places_ok": "已设置：{what} 需要 {places} 人（已报名 {taken}/{places}）。每人「接单 {number}」报名，"
                      "各自完成，分别验收记分。",
    "task_places_room": "【多人任务】{what} 需要 {places} 人：{excerpt}\n回复「接单 {number}」报名（已报名 {taken}/{places}）。",
    "task_full": "#{number} 人已够（{places}/{places}），谢谢您！",
    "task_place_again": "您已经报名了 #{number}。",
    "task_not_yours": "您没有报名 #{number}。",
    "task_part_finished": "您在 #{number} 的部分已经报过完成了。",
    "task_nothing_to_check": "#{number} 没有等待验收的部分。",
    "task_place_ok": "报名成功：{what}（已报名 {taken}/{places}）。完成您的部分后发「完成 {number} 说明」。",
    "task_place_room": "{what} {name} 报名，已报名 {taken}/{places}。",
    "task_full_room": "{what} 人已够（{places}/{places}）：{names}。",
    "task_full_reporter": "{what} 已有 {places} 位志愿者认领：{names}。",
    "task_assigned_ok": "已把 {name} 加入 {what}（已报名 {taken}/{places}）。",
    "task_assigned_member": "{by} 安排您参加 {what}：{excerpt}\n完成您的部分后发「完成 {number} 说明」。",
    "task_left_ok": "已取消您在 {what} 的报名（已报名 {taken}/{places}）。",
    "task_left_room": "{what} {name} 退出，已报名 {taken}/{places}，还差 {short} 人，回复「接单 {number}」报名。",
    "task_part_done_ok": "已记下您在 {what} 的部分完成（{done}/{places}），等待书记验收。",
    "task_part_done_secretary": "{what} {name} 完成了自己的部分（{done}/{places}）：{note}\n"
                                "验收：「/验收 {number} 通过」验收所有已完成的部分，或「/验收 {number} 通过 @{name}」。",
    "task_all_done_reporter": "{what} 的 {places} 位志愿者都已完成，等待书记验收。",
    "task_checked_ok": "{what} 验收通过：{names}，每人 {points} 积分（积分细则：{rule}）。{left}",
    "task_checked_left": "还有 {count} 人的部分没有验收。",
    "task_checked_all": "全部 {places} 人已验收。",
    "task_checked_member": "{what} 您的部分验收通过，获得 {points} 积分，服务时长 {hours} 小时。感谢付出！",
    "task_reject_who": "请写明驳回谁的部分：「/验收 {number} 驳回 @张三 原因」。",
    "task_rejected_ok": "已驳回 {name} 在 {what} 的部分：{reason}",
    "task_rejected_member": "{what} 您的部分验收未通过：{reason}\n请继续处理，完成后再发「完成 {number} 说明」。",
    "task_need_mark": "【{taken}/{places}人】",
    "hours_kind_task": "任务",
    # team leaders and rankings
    "team_assign_usage": "格式：分派 12 @陈老师（队长把任务派给本队队员）",
    "team_not_leader": "只有队长可以在队内派单；书记和网格员请用「/派单」。",
    "team_not_member_of": "{name} 不是您带的队伍的队员。",
    "team_assign_taken": "#{number} 已有人认领，队长只能分派还没人认领的任务。",
    "team_rank_header": "队伍排行（{period}，{start} 起）：",
    "team_rank_item": "{rank}. {name}：积分 {points}，服务 {hours} 小时，任务 {tasks} 件，队员 {count} 人",
    "team_rank_usage": "格式：/队伍 排行 本月（也可以是 本周、今年）",
    # 战时 per street
    "war_street_only": "只有街道干部可以对整个街道开启或结束战时状态。",
    "war_street_on_ok": "{street} 已进入战时状态（{reason}），{count} 个社区：{names}。各社区书记已收到通知。",
    "war_street_off_ok": "{street} 战时状态已结束，{count} 个社区：{names}。",
    "war_street_none": "{street} 没有处于战时状态的社区。",
    "war_street_notice_secretary": "【战时】街道已对本社区开启战时状态：{reason}。新诉求一律按紧急派发，免打扰关闭，"
                                   "直到街道或您发「/战时 结束」。",
    # 参加次数考核
    "part_usage": "格式：/参加考核 本年（也可以是 本月、2026上半年）；设定最少次数：/参加考核 最少 4",
    "part_bad_min": "最少次数请写 1 到 {limit} 之间的整数。",
    "part_set_ok": "已设定：本社区党员志愿者每个考核期最少参加 {count} 次（活动签到、集结到岗、任务完成都算）。",
    "part_no_min": "本社区还没有设定最少参加次数，请先发「/参加考核 最少 4」。",
    "part_header": "参加次数考核（{period}，最少 {min} 次）：{short} 人未达标，共 {total} 人。",
    "part_item": "{name}：{count} 次（活动 {activities}，集结 {calls}，任务 {tasks}）",
    "part_all_ok": "全部达标。",
    "part_more": "……其余 {count} 人见表格。",
    "part_link_plain": "全部名单（表格）：{url}",
    "xlsx_part_sheet": "参加次数",
    "xlsx_part_headers": "姓名|账号|活动|集结|任务|合计|最少|是否达标",
    "xlsx_part_yes": "达标",
    "xlsx_part_no": "未达标",
}
TEXT.update({
    "task_no_reason": "未说明原因",
    "task_reason_part": "{what} 多人任务本人的部分，服务 {hours} 小时",
    "hours_title_task": "任务 #{number} {excerpt}",
})
TEXT.update({
    "team_ticket_leader": "{by} 把 #{number} 交给了{team}：{excerpt}\n您是队长，请「分派 {number} @队员」派给队员。",
    "team_ticket_member": "{by} 把 #{number} 交给了{team}：{excerpt}\n队长会在队内分派，也可以「接单 {number}」。",
    "team_ticket_sent_ok": "已把 #{number} 交给{team}（队长 {leader}，{count} 人），由队长在队内分派。",
})
TEXT.update({
    "war_street_status_item": "{name}：战时状态中，{reason}（{at} 开始）",
})
TEXT.update({
    "web_bad_span": "时间段写法不对：{span}（应为 20260101-20260701）",
})
TEXT.update({  # the rule table as a spreadsheet in the chat
    "crule_export_link": "积分规则表（可修改分值、说明、状态后再「/积分规则 导入」）：{url}",
    "crule_import_send": "请在 {minutes} 分钟内在这里发送修改好的积分规则表格（.xlsx）。",
    "crule_imported_ok": "积分规则表已导入：新增 {added} 条，修改 {changed} 条，停用 {retired} 条。",
})
