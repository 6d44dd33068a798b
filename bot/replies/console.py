"""The office console (issue 14): the /后台 replies and the console pages' messages."""
from __future__ import annotations

TEXT: dict[str, str] = {
    "console_link": "网格通后台登录链接（{minutes} 分钟内有效，只能打开一次，请勿转发）：\n{url}\n"
                    "用完可发「/后台 退出」让所有已登录的浏览器退出。",
    "console_private_only": "后台登录链接只在私聊里发：请私聊我发送「/后台」",
    "console_logged_out": "已退出后台：{count} 个浏览器的登录已失效，未使用的登录链接也已作废",
    "err_console_off": "后台未开启：管理员需要在设置里填写 CONSOLE_SECRET",
    "err_console_rate": "登录链接申请太频繁（每小时最多 {limit} 个），请稍后再试",
    "err_console_usage": "用法：/后台  或  /后台 退出",
    # Pages (bot/web/console)
    "console_link_invalid": "登录链接无效、已过期或已经用过，请在私聊里重新发送「/后台」获取新链接",
    "console_login_needed": "请先登录：在私聊里给网格通发送「/后台」，打开收到的链接",
    "console_forbidden": "没有权限：这不在您负责的范围内",
    "console_csrf": "表单已过期，请刷新页面后重试",
    "console_logged_out_page": "已退出后台。需要时请在私聊里重新发送「/后台」",
    "err_console_category": "没有这个类别，可选：{categories}",
    "console_done": "已完成：{what}",
    "err_console_field": "请填写「{field}」",
    "err_console_number": "「{field}」要填一个整数",
    "console_roster_other_community": "社区「{value}」不是当前社区，只能导入本社区的成员",
    "console_roster_role": "身份「{value}」不能在后台导入，请联系区里",
    "console_roster_clean": "表格检查通过：共 {rows} 行，没有错误。确认无误后点「导入」。",
    "console_roster_done": "已导入 {count} 人。",
    "console_roster_errors": "表格有 {count} 处错误，没有导入任何人，请改好后重新上传：",
    "console_roster_no_file": "请选择要上传的 .xlsx 表格",
    "console_not_a_member": "这个人不是本社区的党员/志愿者",
    "console_whole_community_only": "只有书记和街道干部可以修改人员",
    "console_board_invalid": "大屏链接无效，请在后台「大屏」页复制新的链接",
}
