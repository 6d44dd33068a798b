"""Errors of the HTTP edge (simulator API, read API, spreadsheets): JSON ``{"error": ...}`` bodies."""
from __future__ import annotations

TEXT: dict[str, str] = {
    # Access (bot/web/auth.py)
    "web_host_refused": "拒绝访问：Host「{host}」不是本服务的地址（防止 DNS 重绑定；对外域名请写入 HTTP_ALLOWED_HOSTS）",
    "web_origin_refused": "拒绝访问：不接受来自其他网站的请求（Origin「{origin}」）",
    "web_json_only": "请求体须为 JSON：请把 Content-Type 设为 application/json",
    "web_token_required": "需要 API_TOKEN：请在请求头加上 Authorization: Bearer <token>",
    "web_local_only": "未设置 API_TOKEN：/api/ 只供本机的模拟器页面使用，其他机器和经反向代理转发的请求一律拒绝",
    "web_metrics_token": "需要 METRICS_TOKEN：请在请求头加上 Authorization: Bearer <METRICS_TOKEN>",
    "web_metrics_local_only": "未设置 METRICS_TOKEN：/metrics 只对本机（未经反向代理）的请求开放",
    "web_platform_needs_token": "未设置 API_TOKEN：TRANSPORT={transport} 时 /api/ 不开放",
    # Generic HTTP statuses turned into JSON (bot/web/app.py)
    "web_not_found": "没有这个地址：{path}",
    "web_method": "这个地址不支持 {method} 请求",
    "web_too_large": "请求体过大",
    "web_http_error": "请求无法处理（HTTP {status}）",
    "web_internal": "服务器内部错误，已记录日志",
    # Input bounds (bot/bounds.py)
    "web_json_invalid": "请求体不是合法的 JSON（须为 UTF-8 编码）",
    "web_json_object": "请求体应为 JSON 对象",
    "web_json_too_deep": "请求体 JSON 嵌套过深（最多 {limit} 层）",
    "web_missing": "缺少 {field}",
    "web_msg_id_empty": "msg_id 不能为空（不需要去重时请省略 msg_id，系统会自动生成）",
    "web_not_string": "{field} 应为字符串",
    "web_too_long": "{field} 过长（最多 {limit} 个字符）",
    "web_control_chars": "{field} 含有不允许的控制字符",
    "web_bad_unicode": "{field} 含有无效的 Unicode 字符",
    "web_whole_number": "{field} 应为 {low} 到 {high} 之间的整数",
    "web_year": "year 应为 {low}–{high} 之间的四位年份",
    "web_month": "月份应形如 2026-11（年份 {low}–{high}，月份 01–12）",
    # Simulator and read API
    "web_unknown_room": "未知的群：{room}",
    "web_ticket_not_found": "没有找到诉求 #{number}",
    "web_file_not_found": "没有找到这个文件",
    "web_not_number": "{field} 必须是数字",
    "web_attachments_list": "attachments（附件）必须是列表，最多 {limit} 个",
    "web_attachment_kind": "每个附件要写明 kind（种类）：{kinds}",
    "web_attachment_data": "附件的 data 必须是 base64 编码的文件内容",
    "web_file_link_invalid": "这个文件链接无效或已过期，请重新获取",
    "web_ticket_ambiguous": "多个社区都有诉求 #{number}：请加上 ?community=社区编号",
    "web_person_not_found": "没有找到人员：{person}",
    "web_bad_half": "半年度写法不对：{half}（例如 2026H1、2026上半年）",
    "web_community_not_found": "没有找到社区：{community}",
}
