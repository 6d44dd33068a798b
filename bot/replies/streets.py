"""Streets, departments and the hierarchy above the community (issue 13)."""
from __future__ import annotations

TEXT: dict[str, str] = {
    # Scope
    "err_outside_grid_place": "「{place}」不在您负责的网格（{grids}）里，请由书记或该网格的网格员处理。",
    "err_no_street": "本社区还没有归属街道，不能转办、吹哨或上报。请在社区名录里给社区写上 street。",
    "err_department_not_found": "没有找到部门「{name}」。本街道的部门有：{known}",
    "dept_unknown_community": "您不在「{place}」任职，或没有这个社区。",
    # 转办
    "dept_bad_days": "期限写成「限3天」，1 到 {most} 天。",
    "dept_already": "#{number} 已经转给{department}，还没办结。需要催办请发「/督办 {number}」。",
    "dept_event_transfer": "转{department}，限{days}天：{note}",
    "dept_transfer_ok": "#{number} 已转{department}办理，期限 {deadline}。部门受理、回复、办结都会通知您；"
                        "到期未办结会自动督办并提醒街道。",
    "dept_transfer_notice": (
        "【转办 #{number}】{community}（{by}转来）\n{excerpt}\n说明：{note}\n办理期限：{deadline}\n"
        "请回复「受理 {number}」，进展发「回复 {number} 内容」，办好发「办结 {number} 说明」。"
    ),
    "dept_transfer_reporter": "您的诉求 #{number} 已转交{department}办理，期限 {deadline}，有进展会通知您。",
    "err_with_department": "#{number} 已转交部门办理，不需要认领。",
    # department contacts
    "dept_no_task": "没有转给您部门的 #{number}。",
    "dept_which_community": "#{number} 在您负责的几个社区都有，请在编号前写明社区，如「安平里 {number}」。",
    "dept_bad_step": "#{number}（{department}）现在是「{status}」，不能这样操作。",
    "dept_status_assigned": "待受理",
    "dept_status_accepted": "办理中",
    "dept_status_done": "已办结",
    "dept_status_summoned": "待报到",
    "dept_status_reported": "已报到",
    "dept_status_withdrawn": "已撤回",
    "dept_accept_ok": "已受理 #{number}，办理期限 {deadline}。",
    "dept_accept_notice": "#{number} 已由{department}受理。",
    "dept_reply_ok": "#{number} 的回复已转告书记和居民。",
    "dept_reply_notice": "{department}回复 #{number}：{content}",
    "dept_done_ok": "#{number} 已办结，等待社区验收。",
    "dept_done_secretary": "{department}已办结 #{number}：{note}\n验收请发「/验收 {number} 通过」或「/验收 {number} 驳回 原因」。",
    "dept_done_partial": "{department}已办完 #{number} 中自己的部分：{note}（还有部门在办）。",
    "dept_rejected": "#{number} 社区验收未通过：{reason}\n请继续办理，办好再发「办结 {number} 说明」。",
    "dept_done_reporter": "您的诉求 #{number} 已由{department}办结：{note}\n社区验收后会请您评价。",
    # 上报
    "dept_raised_ok": "#{number} 已上报街道，街道干部已收到。",
    "dept_raised_no_officer": "#{number} 已记录为上报街道，但街道还没有登记街道干部，请电话联系街道。",
    "dept_raised_officer": "【上报 #{number}】{community}（{by}上报）\n{excerpt}\n说明：{note}",
    # 吹哨
    "dept_whistle_ok": "已为 #{number} 吹哨：{departments}，请在 {by} 前报到。",
    "dept_whistle_notice": (
        "【吹哨 #{number}】{community}（{who}召集）\n{excerpt}\n请在 {by} 前回复「报到 {number}」。"
    ),
    "dept_report_ok": "已报到 #{number}。",
    "dept_report_notice": "{department}已就 #{number} 报到。",
    "dept_whistle_missed": "【未报到】{community} #{number}：{department}没有在 {by} 前报到。\n{excerpt}",
    # 督办
    "dept_nothing_to_supervise": "#{number} 没有还在办的部门。",
    "dept_supervise_ok": "已督办 #{number}：{departments}。",
    "dept_supervise_hand": "【督办 #{number}】{by}催办：{excerpt}\n期限：{deadline}。办好请发「办结 {number} 说明」。",
    "dept_supervise": "【督办 #{number}】已超过办理期限 {deadline}：{excerpt}\n请尽快办理，办好发「办结 {number} 说明」。",
    "dept_overdue_secretary": "#{number} 转{department}办理已超期（期限 {deadline}），已自动督办。",
    "dept_event_auto_supervise": "{department}超期，自动督办",
    "dept_alert_officer": (
        "【部门超期】{community} #{number}：{department}{status}，期限 {deadline} 已过且督办后仍未办结。\n"
        "{excerpt}"
    ),
    # 查询
    "dept_status_line": "\n{department}：{status}{deadline}{reply}",
    "dept_status_deadline": "，期限 {deadline}",
    "dept_status_reply": "；回复：{reply}",
    # Roll-up (/统计, the monthly reports)
    "stats_departments": "\n部门转办：{items}",
    "stats_department_item": "\n· {name} {handed} 件（办结 {finished}，按期 {on_time}，超期 {overdue}，按期率 {rate}）",
    "stats_community_item": "\n· {community}：诉求 {created} 件，已验收 {verified} 件，超时率 {overdue_rate}，"
                            "转办 {escalated} 件，平均评分 {rating}",
    "stats_communities": "\n各社区：{items}",
    "stats_title_street": "{street} {word}（{start} 至 {end}）",
    "stats_street_only": "「街道」统计仅限街道干部使用。",
    "street_report_title": "{street} {year}年{month}月",
    "xlsx_sheet_departments": "部门转办",
    "xlsx_head_departments": "部门|转办件数|已办结|按期办结|超期|按期率",
    "xlsx_sheet_communities": "各社区",
    "xlsx_head_communities": "社区|诉求总数|已认领|已验收|认领用时中位数（分钟）|办结用时中位数（小时）|超时件数|超时率|转办件数|平均评分",
    "xlsx_street": "街道",
    "xlsx_head_street_tickets": "社区|编号|分类|状态|登记时间|验收时间|办结时限|是否超时|转办部门|评分|内容",
    "web_street_not_found": "没有街道 {street}",
    # The district (/统计 区, the district's monthly report)
    "stats_district_only": "「区」统计仅限区里的干部使用。",
    "stats_title_district": "{district} {word}（{start} 至 {end}）",
    "stats_streets": "\n各街道：{items}",
    "stats_street_item": "\n· {street}（{communities} 个社区）：诉求 {created} 件，已验收 {verified} 件，超时率 {overdue_rate}，"
                         "转办 {escalated} 件（按期率 {on_time}），平均评分 {rating}",
    "district_report_title": "{district} {year}年{month}月",
    "xlsx_district": "区",
    "xlsx_sheet_streets": "各街道",
    "xlsx_head_streets": "街道|诉求总数|已认领|已验收|认领用时中位数（分钟）|办结用时中位数（小时）|超时件数|超时率|转办件数|平均评分|转办按期|转办超期|转办按期率",
    "xlsx_head_district_communities": "街道|社区|诉求总数|已认领|已验收|认领用时中位数（分钟）|办结用时中位数（小时）|超时件数|超时率|转办件数|平均评分",
    "xlsx_head_district_departments": "街道|部门|转办件数|已办结|按期办结|超期|按期率",
    "web_district_not_found": "没有区 {district}",
    # Editing the hierarchy in chat (/部门, /辖区)
    "hier_not_officer": "只有街道干部（或区里的干部）可以修改部门。",
    "hier_not_district_officer": "只有区里的干部可以管理街道和社区的归属。",
    "hier_street_not_yours": "「{street}」不是您能管理的街道。您能管理的：{streets}",
    "hier_which_street": "您管理几个街道（{streets}），请写明是哪个，如「/部门 新增 {streets} 燃气」里只写一个街道名。",
    "hier_bad_name": "名称不能为空，最多 {most} 个字。",
    "hier_departments": "【{street}的部门】{items}\n转办发「/转办 编号 部门 限3天」。",
    "hier_department_item": "\n· {name}（联系人：{contact}）",
    "hier_no_contact": "未设联系人",
    "hier_department_exists": "{street}已经有部门「{name}」了。",
    "hier_department_added": "已在{street}新增部门「{name}」，联系人：{contact}。已记录。",
    "hier_department_renamed": "部门「{before}」已改名为「{name}」，已记录。",
    "hier_contact_set": "「{name}」的联系人已改为 {contact}，已记录。",
    "hier_contact_told": "您已登记为{street}「{name}」的联系人：收到「转办」后回复「受理 编号」「回复 编号 内容」「办结 编号 说明」，"
                         "被「吹哨」时回复「报到 编号」。",
    "hier_streets": "【{district}的街道】{items}",
    "hier_street_item": "\n· {street}：{communities}",
    "hier_street_exists": "已经有「{street}」了。",
    "hier_street_added": "已在{district}新增「{street}」，已记录。把社区划过来发「/辖区 绑定 社区 {street}」。",
    "hier_street_renamed": "「{before}」已改名为「{street}」，已记录。",
    "hier_community_not_found": "没有找到社区「{community}」。",
    "hier_community_ambiguous": "「{community}」对应几个社区：{names}，请写全名。",
    "hier_community_elsewhere": "{community}属于别的区的街道，不能由您调整。",
    "hier_bound": "{community}已划入{street}（原来：{before}），已记录。街道干部和部门的权限随之调整。",
    # 三单
    "list_empty": "{name}还是空的。",
    "list_header": "【{name}】共 {count} 项：",
    "list_item": "\n{number}. {title}{who}{detail}",
    "list_item_who": "（{who}）",
    "list_item_detail": " {detail}",
    "list_service_footer": "\n预约请发「预约 编号 说明」，如「预约 1 周六上午」。",
    "list_added": "已加入{name}：{number}. {title}",
    "list_removed": "已从{name}删除第 {number} 项。",
    "list_not_found": "清单里没有第 {number} 项。发「服务」看服务清单。",
    "list_service_needs_provider": "服务要写提供人，如「/清单 服务 添加 理发 @李师傅 每周六上午」。",
    "list_own_service": "这是您自己提供的服务，不用预约。",
    "list_order_text": "预约服务：{title}{note}",
    "list_order_ok": "已预约「{title}」，登记为 #{number}，{provider} 会联系您。查进度发「查询 {number}」。",
    "list_order_provider": "【服务预约 #{number}】{who} 预约了「{title}」：{note}\n办好后发「完成 {number} 说明」。",
    # Work units (双报到)
    "unit_report": "【{unit} {title} 党员双报到情况】{served}/{total} 人参与了服务：{items}",
    "unit_report_item": "\n· {name}：服务 {services} 次，活动 {activities} 次，积分 +{points}，评分 {rating}",
    "unit_idle_header": "近 {months} 个月没有参加服务的单位党员：",
    "unit_idle_item": "\n· {unit}：{names}",
    "unit_idle_none": "近 {months} 个月，包联单位的党员都参加过服务。",
    "unit_usage": "/单位 考核 3",
    "xlsx_sheet_unit": "党员双报到",
    "xlsx_head_unit": "姓名|服务次数|活动次数|本期积分|平均评分|是否参与",
    "web_unit_not_found": "没有单位 {unit}",
    "load_unknown_unit_community": "单位「{unit}」写的社区「{community}」不存在",
    "load_unknown_unit_member": "单位「{unit}」写的党员「{person}」不存在（请先在社区里写上这个人）",
    # Loading
    "load_unknown_district": "街道「{street}」写的区「{district}」不存在",
    "load_unknown_street": "社区「{community}」写的街道「{street}」不存在",
}
