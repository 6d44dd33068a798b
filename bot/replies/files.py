"""Photos, voice, video, files and locations (issue 12)."""
from __future__ import annotations

TEXT: dict[str, str] = {
    # refusals: nothing was kept
    "file_empty": "收到的文件是空的，没有保存。请重新发送一次。",
    "file_too_big": "这个{what}太大了（超过 {limit} MB），没有保存。请拍一张照片或发一段短一点的{what}。",
    "file_wrong_type": "这个{what}的格式认不出来，没有保存。请发手机拍的照片、语音，或 PDF、Word、Excel 文件。",
    "file_not_image": "这张「图片」其实不是图片（可能是压缩包或别的文件），没有保存。请从相册里直接发照片。",
    "file_image_corrupt": "这张图片已经损坏，打不开，没有保存。请重新拍一张发过来。",
    "file_image_too_large": "这张图片尺寸太大（{width}×{height}），没有保存。请发普通的手机照片。",
    "file_download_failed": "这个文件没能收下来（下载失败），请稍后再发一次。",
    "location_bad": "这个位置的经纬度不对，没有保存。请在微信里重新「发送位置」。",
    "attachment_unsupported": "这种消息网格通还看不懂，请用文字、照片、语音或位置说明。",
    # what the bot cannot read, in a private chat (in a group it stays quiet)
    "link_unread": "收到您分享{what}。网格通打不开链接和小程序，如果是要反映问题，请用一句话说说，"
                   "比如「3号楼门口路灯坏了」。",
    "chat_history_unread": "收到转发的聊天记录。网格通看不了聊天记录，请用一句话说说要反映什么问题，"
                           "比如「3号楼电梯坏了」。",
    "money_refused": "谢谢您的心意！网格通不收红包和转账，也领不了，请不要再发了。有事直接说就好。",
    "location_no_place": "收到位置，但看不到具体地点。请用文字说说是哪栋楼、哪个门口，比如「3号楼2单元门口」。",
    # intake
    "photo_joined": "照片已加到您的诉求 #{number}（现有照片 {count} 张）。",
    "attachment_joined": "{what}已加到您的诉求 #{number}。",
    "location_joined": "已记下诉求 #{number} 的位置：{where}。",
    "photo_ask": "收到照片。这张照片是要反映什么问题？请用一句话说说，比如「3号楼门口路灯坏了」。",
    "location_ask": "收到位置。这里有什么问题？请用一句话说说，比如「这里的消防通道被堵了」。",
    "file_ask": "收到{what}。请问是要反映什么问题？请用一句话说说。",
    "voice_ask_text": "收到您的语音，已经保存好了。麻烦您再打一句文字说说是什么问题（比如「3号楼电梯坏了」），"
                      "我们好尽快安排人来看。打字不方便的话，请家里人帮忙发一句也行，谢谢您！",
    "voice_no_text": "收到您的语音，但没能转成文字。麻烦您打一句文字说说是什么问题（比如「3号楼电梯坏了」），"
                     "打字不方便的话，请家里人帮忙发一句也行，谢谢您！",
    "attachment_filed": "（{what}已附在诉求 #{number} 上）",
    # completion with proof
    "result_photo_ok": "已收到 #{number} 处理后的照片（共 {count} 张），书记验收时能看到。",
    "result_photo_pending": "已收到 #{number} 处理后的照片。处理好了请发「完成 {number}」。",
    "result_photo_which": "您有 {count} 个任务在办，不知道这张照片是哪一个的。请发「完成 N」时带上照片一起发。",
    "done_photo_required": "#{number}（{category}）按社区规定要先发一张处理后的照片才能报完成。"
                           "请拍一张发过来，再发「完成 {number}」（也可以照片和「完成 {number}」一起发）。",
    "done_photos_note": "\n处理前照片 {before} 张，处理后照片 {after} 张（见下图）。",
    "photo_caption_before": "#{number} 处理前（居民拍的照片）",
    "photo_caption_after": "#{number} 处理后（{claimer} 拍的照片）",
    "ticket_status_photos": "\n照片：处理前 {report} 张，处理后 {result} 张",
    "photo_rule_set": "已设置：「{category}」类诉求{required}。",
    "photo_rule_required": "报完成前必须先发处理后的照片",
    "photo_rule_optional": "报完成时不要求照片",
}
