"""Replies for mobilisation (issue 17): roll calls (集结) and 战时 mode."""
from __future__ import annotations

TEXT: dict[str, str] = {
    # 集结
    "rc_usage": "格式：/集结 范围 时间 地点 人数 说明，例如「/集结 党员 明天上午9点 核酸检测点 3 协助执勤」。"
                "范围可以是党员、全体、片区（东区）或楼栋（3号楼）；加上「紧急」可在免打扰时段立即发出。",
    "rc_time_example": "/集结 党员 明天上午9点 核酸检测点 3 协助执勤",
    "rc_time_past": "集结时间已经过去了，请填写将来的时间。",
    "rc_bad_quota": "人数请写 1 到 {limit} 之间的整数，例如「3」或「3人」。",
    "rc_nobody": "范围「{scope}」里没有可以通知的人。",
    "rc_preview": "【集结预览】范围：{scope}（{people} 人，{rooms} 个群）\n时间：{when}\n地点：{place}\n需要：{quota} 人\n"
                  "说明：{note}\n{quiet}回复「确认」发出，回复「取消」放弃（{minutes} 分钟内有效）。",
    "rc_quiet_held": "现在是免打扰时段，确认后通知将在 {until} 发出；如需立即发出，请在命令里加「紧急」。\n",
    "rc_quiet_urgent": "紧急集结：免打扰时段也立即发出。\n",
    "rc_cancelled": "好的，这次集结没有发出。",
    "rc_need_heard": "听起来是要召集人手，我按集结准备好了{assumed}：",
    "rc_need_assumed": "（没说几点，先按「{when}」准备；不对请回复「取消」，再用 /集结 写明时间）",
    "rc_need_when": "要召集人手的话，请写明几点，例如「{example}」。",
    "rc_notice": "【集结 {number}号】{urgent}{when} 在 {place} 需要 {quota} 人：{note}\n"
                 "能去请回复「到」或「报名」，去不了回复「去不了」；到了现场说「到岗」。",
    "rc_urgent_mark": "（紧急）",
    "rc_sent": "集结 {number}号已发出：{rooms} 个群，私信 {people} 人。{held}回复情况会实时告诉您，"
               "「/集结 {number} 名单」看名单，「/集结 {number} 结束」收尾记分。",
    "rc_sent_held": "（免打扰时段，{until} 发出）",
    "rc_signed_ok": "报名成功：集结 {number}号 {when} {place}（{yes}/{quota}）。到了现场请说「到岗」。",
    "rc_signed_again": "您已报名集结 {number}号（{when} {place}），到了现场请说「到岗」。",
    "rc_full": "谢谢您！集结 {number}号 人已够（{quota}/{quota}），这次先不用去了。",
    "rc_declined_ok": "好的，已记下您这次去不了（集结 {number}号）。",
    "rc_declined_gave_back": "好的，已取消您的报名（集结 {number}号），名额让给其他人。",
    "rc_ack_ok": "收到。集结 {number}号 能去请回复「到」，去不了回复「去不了」。",
    "rc_arrived_ok": "已记录到岗：集结 {number}号，{time}{place}。辛苦了！",
    "rc_arrived_again": "您已经记录过到岗了（集结 {number}号）。",
    "rc_arrived_place": "已记下到岗位置：集结 {number}号，{place}。",
    "rc_tally": "集结 {number}号：{yes}/{quota} 已报名，{no} 人去不了，{silent} 人未回复（已到岗 {arrived} 人{late}）",
    "rc_tally_late": "，{late} 人因人满未安排",
    "rc_live": "{name}{what}。{tally}",
    "rc_live_yes": " 报名了",
    "rc_live_no": " 去不了",
    "rc_live_arrived": " 已到岗",
    "rc_live_full": "集结 {number}号 人已够（{quota}/{quota}）。{told}",
    "rc_live_full_told": "已告诉其余 {told} 位未回复的人这次不用来。",
    "rc_full_rest": "集结 {number}号（{when} {place}）人已够（{quota}/{quota}），这次不用来了，谢谢您！",
    "rc_reminder": "【集结提醒】集结 {number}号 {when} 在 {place}，目前 {yes}/{quota} 人。"
                   "能去请回复「到」，去不了回复「去不了」。",
    "rc_not_found": "没有找到集结 {number}号。",
    "rc_closed": "集结 {number}号 已经结束了。",
    "rc_none": "目前没有进行中的集结。发起：/集结 党员 明天上午9点 核酸检测点 3 协助执勤",
    "rc_list_header": "进行中的集结：",
    "rc_list_item": "\n{number}号 {when} {place}：{tally}",
    "rc_roster_header": "集结 {number}号 {when} {place} 名单",
    "rc_roster_section": "\n{label}（{count}）：{names}",
    "rc_label_yes": "已报名",
    "rc_label_arrived": "已到岗",
    "rc_label_no": "去不了",
    "rc_label_late": "人满未安排",
    "rc_label_silent": "未回复",
    "rc_reason": "集结 {number}号到岗（{place}），服务 {hours} 小时",
    "rc_report": "【集结 {number}号 结束】{when} {place}\n到岗 {came} 人，共 {hours} 小时，各得 {points} 分："
                 "{came_names}\n报名未到（{absent}）：{absent_names}\n去不了（{declined}）：{declined_names}\n未回复：{silent} 人",
    "rc_report_came": "{name}（{hours} 小时）",
    "rc_nobody_listed": "无",
    "rc_credited": "集结 {number}号 已结束：记服务 {hours} 小时，积分 +{points}。谢谢您！",
    "rc_subcommand_unknown": "「/集结 {number} …」后面可以写：名单、结束。",
}

TEXT.update({
    # 战时
    "war_usage": "格式：/战时 开启 原因（例如「/战时 开启 防汛红色预警」），/战时 结束，/战时（查看状态）。",
    "war_already": "社区已经处于战时状态；结束请发「/战时 结束」。",
    "war_not_on": "社区现在不是战时状态。",
    "war_on_notice": "【战时状态】{at} 起本社区进入战时状态：{reason}。请党员志愿者保持手机畅通、随时待命；"
                     "群里反映的问题一律按紧急处理。",
    "war_on_ok": "已进入战时状态（{reason}），已通知各群。\n新诉求一律按紧急派发，免打扰已关闭，"
                 "等待中的任务 {t1} 分钟、{t2} 分钟内逐级上报；每小时向您汇总一次。\n待命党员（{count}）：{standby}",
    "war_off_notice": "【战时状态解除】{at} 起本社区恢复日常状态（{reason}）。感谢大家的坚守！",
    "war_off_ok": "已解除战时状态（{reason}），已通知各群。{start} 至 {end}，共 {hours} 小时 {minutes} 分；"
                  "期间新诉求 {opened} 件，未认领 {waiting} 件，办理中 {working} 件，进行中的集结 {calls} 个。",
    "war_status_on": "战时状态中：{reason}（{at} 开始）。结束请发「/战时 结束」。",
    "war_status_off": "现在是日常状态。遇到紧急情况可发「/战时 开启 原因」。",
    "war_summary": "【战时汇总】第 {hours} 小时（{reason}）：近一小时新诉求 {opened} 件，未认领 {waiting} 件，"
                   "办理中 {working} 件，进行中的集结 {calls} 个。{calls_detail}",
})

TEXT.update({
    # 服务时长
    "hours_kind_rollcall": "集结",
    "hours_kind_activity": "活动",
    "hours_title_rollcall": "集结 {number}号（{place}）",
    "hours_passbook": "累计服务 {hours} 小时",
    "xlsx_hours_sheet": "服务时长",
    "xlsx_hours_headers": "类型|名称|社区|开始|结束|小时",
    "xlsx_half_title": "{name}（{id}）{period} 服务时长与积分",
    "xlsx_half_points_headers": "记录号|时间|社区|分值|规则|事由",
    "xlsx_half_summary_headers": "姓名|账号|期间|服务次数|服务小时|获得积分|使用积分",
    "xlsx_ledger_hours_headers": "姓名|账号|类型|名称|开始|结束|小时",
    "act_checkout_ok": "已签退：活动 {number}「{title}」，本次服务 {hours} 小时，已记入爱心存折。",
    "act_checkout_again": "活动 {number} 已经签退过了，服务时长只记一次。",
    "act_checkout_not_in": "活动 {number} 您还没有签到，签到后才能签退。",
})

TEXT.update({
    # 社区自己的积分规则
    "crule_add_usage": "/积分规则 新增 完成实事承诺 2 说明（每小时计分写 3/小时）",
    "crule_rename_usage": "/积分规则 改名 旧名称 新名称",
    "crule_retire_usage": "/积分规则 停用 名称",
    "crule_history_usage": "/积分规则 历史 名称",
    "crule_bad_points": "分值请写 0 到 {limit} 的整数，每小时计分写「3/小时」。",
    "crule_bad_name": "规则名称请写 1 到 {limit} 个字，不要以数字或 @ 开头。",
    "crule_exists": "已经有叫「{name}」的积分规则了，换个名称，或用「/积分规则 设置 {name} 分值」调整。",
    "crule_changed": "「{name}」刚被别人改过，请发「/积分规则」看最新的再改。",
    "crule_needs_hours": "「{name}」按小时计分（每小时 {points} 分），请写上时长，例如「/加分 @张三 {name} 3小时」。",
    "crule_reason_hours": "{name}（{hours} 小时 × {points} 分）",
    "crule_unit_time": "每次",
    "crule_unit_hour": "每小时",
    "crule_status_active": "在用",
    "crule_status_retired": "停用",
    "crule_custom_mark": "［本社区新增］",
    "crule_added_ok": "已新增积分规则「{name}」：{points} 分（{unit}）。加分：/加分 @张三 {name}",
    "crule_renamed_ok": "已把「{old}」改名为「{name}」（第 {version} 版），以前的记录仍按原名称和分值保留。",
    "crule_retired_ok": "已停用「{name}」（第 {version} 版），以前的记录不变。",
    "crule_set_ok": "已把「{name}」从 {old} 分调整为 {points} 分（{unit}，第 {version} 版），之后的记录按新分值计。",
    "crule_history_header": "「{name}」的版本：",
    "crule_history_item": "第 {version} 版（{code}）{date}：{name} {points} 分（{unit}）{status}",
    "crule_import_unreadable": "读不出这个文件，请用导出的积分规则表格（.xlsx）修改后再导入。",
    "crule_import_bad": "第 {row} 行：{why}",
    "xlsx_rules_sheet": "积分规则",
    "xlsx_rules_headers": "名称|代码|分值|计分方式|说明|状态",
})

TEXT.update({
    # 队伍
    "team_none": "还没有队伍。新建：/队伍 新建 防汛突击队 @李师傅",
    "team_list_header": "队伍：",
    "team_list_item": "· {name}（队长 {leader}，{count} 人）：{members}",
    "team_created_ok": "已新建队伍「{name}」，队长 {leader}。加队员：/队伍 {name} 加入 @张三",
    "team_joined_ok": "「{name}」加入：{added}；已在队里：{again}",
    "team_exists": "已经有叫「{name}」的队伍了。",
    "team_not_found": "没有叫「{name}」的队伍，发「/队伍」查看。",
    "team_bad_name": "队名请写 1 到 {limit} 个字，不要以数字开头。",
})
