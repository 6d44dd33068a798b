"""Replies about learning from corrections (/改) and the nlp command line (issue 11)."""
from __future__ import annotations

FIELD_NAMES = {"category": "分类", "urgency": "紧急程度", "location": "位置"}
URGENCY_NAMES = {"urgent": "紧急", "normal": "一般"}

TEXT: dict[str, str] = {
    "correct_ok": "已把 #{number} 的{field}由「{old}」改为「{new}」。这次更正已记下，本社区以后类似的消息会参照它分类。",
    "correct_place_none": "未填",
    "err_correct_empty": "要改成什么？例如「/改 {number} 纠纷」「/改 {number} 紧急」「/改 {number} 3号楼2单元」。",
    "err_correct_unknown": ("没看懂「{words}」。可以改分类（如「/改 {number} 纠纷」「/改 {number} 类别 物业」）、"
                            "紧急程度（「/改 {number} 紧急」「/改 {number} 不紧急」）或位置（「/改 {number} 3号楼2单元」）。"),
    "err_correct_category": "没有「{words}」这个分类。可用的分类：{categories}。",
    "err_correct_same": "#{number} 已经是这样了，不用改。",
    # gridbot nlp …
    "cli_nlp": "文本理解：按各社区的更正重新学习，导出更正样本",
    "cli_nlp_commands_help": "要做的事（如 gridbot nlp retrain）：",
    "cli_nlp_retrain": "把各社区书记的更正（/改）编成本社区的更正层，下一条消息起生效",
    "cli_nlp_min": "某一类更正至少有几条才学（默认 {default}）",
    "cli_metavar_count": "条数",
    "cli_nlp_export": "把全部更正导出为带标注的 JSONL 样本（与 tests/nlp/corpus 同一格式），供训练通用模型",
    "cli_nlp_export_file": "写入的文件，如 更正样本.jsonl",
    "cli_nlp_retrained": "社区「{community}」：更正 {examples} 条，学到：{learnt}",
    "cli_nlp_learnt_nothing": "还不够（每一类至少 {min} 条）",
    "cli_nlp_learnt_category": "归为{category}",
    "cli_nlp_learnt_urgent": "标为紧急",
    "cli_nlp_learnt_place": "「{place}」在{location}",
    "cli_nlp_model": "先用标注样本加上全部更正重新训练通用模型，写入这个文件（默认 NLP_MODEL 设置的文件），网格通下次启动时读取",
    "cli_nlp_no_tune": "不重新调整判断阈值（快一半，用现有阈值）",
    "cli_nlp_need_train": "重新训练通用模型需要训练依赖：pip install '.[train]'（或 make install）。",
    "cli_nlp_no_corpus": "找不到训练用的标注样本 {path}：请在网格通的代码目录里运行。",
    "cli_nlp_model_where": "没有指定模型文件：在 .env 里设置 NLP_MODEL，或写 --model 文件名。",
    "cli_nlp_model_written": "已重新训练通用模型：{rows} 条样本（其中更正 {corrections} 条），写入 {path}；重启网格通后生效。",
    "cli_nlp_nothing": "还没有任何更正，没有可学的。",
    "cli_nlp_exported": "已导出 {count} 条更正样本到 {path}。",
}


def shown(field: str, value: str | None) -> str:
    """A corrected field's value as people read it (category name, 紧急/一般, 3号楼2单元502)."""
    from bot.replies import category_name, say
    from nlp.correction_words import read_location

    if field == "category":
        return category_name(value)
    if field == "urgency":
        return URGENCY_NAMES.get(value or "normal", value or "")
    where = read_location(value)
    parts = [f"{where['building']}号楼" if where["building"] else "", f"{where['unit']}单元" if where["unit"] else "",
             where["room"] or "", where["place"] or ""]
    return "".join(parts) or say("correct_place_none")
