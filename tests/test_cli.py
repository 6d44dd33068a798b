"""`gridbot`: Chinese help and errors, unworkable settings refused with one clear line (never a
traceback), and the README's commands working on a fresh database with the sample files."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main


@pytest.mark.parametrize("env, expected", [
    ({"HTTP_PORT": "abc"}, "HTTP_PORT"),
    ({"TRANSPORT": "carrier-pigeon"}, "carrier-pigeon"),
    ({"TRANSPORT": "wechaty"}, "WECHATY_PUPPET_SERVICE_TOKEN"),
    ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"),
])
def test_bad_settings_are_reported_plainly(monkeypatch, tmp_path, capsys, env, expected):
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/gb.db")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "配置错误" in err and expected in err and "Traceback" not in err


def test_load_rejects_a_bad_file(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/gb.db")
    bad = tmp_path / "bad.yaml"
    bad.write_text("communities: [{id: x}]", encoding="utf-8")
    assert main(["load", str(bad)]) == 2
    assert "导入失败：社区「x」缺少 name" in capsys.readouterr().err


# --- The command line speaks Chinese (issue 10) ---------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SUBCOMMANDS = ["run", "migrate", "load", "import-members", "export-ledger", "export-statement", "export-rules",
               "import-rules", "nlp", "import-lists", "web", "accounts"]
ENGLISH = ("usage:", "positional arguments", "options:", "show this help", "error:", "Traceback")


def run_cli(argv, capsys) -> tuple[int, str, str]:
    """main(argv) as the shell sees it: the exit code, stdout and stderr."""
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse exits for --help and for usage errors
        code = exit_.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("argv", [[], *([name] for name in SUBCOMMANDS)])
def test_every_help_is_chinese(capsys, argv):
    code, out, err = run_cli([*argv, "--help"], capsys)
    assert code == 0 and err == ""
    assert out.startswith("用法：gridbot") and "选项：" in out and "-h, --help  " in out and "显示本帮助并退出" in out
    for word in ENGLISH:
        assert word not in out, word
    # Each option and sub-command line carries a Chinese explanation, not just its name.
    for line in out.splitlines():
        if line.startswith("  ") and line.strip() and not line.strip().startswith(("export-statement", "export-corrections")):
            assert re.search(r"[\u4e00-\u9fff]", line), line
    if argv and argv[0] not in ("run", "migrate", "web"):
        assert "位置参数：" in out


def test_top_level_help_lists_every_sub_command(capsys):
    _, out, _ = run_cli(["--help"], capsys)
    for name in SUBCOMMANDS:
        assert re.search(rf"^    {name}\b", out, re.M), name
    assert "积分台账" in out and "名册" in out


@pytest.mark.parametrize("argv, expected", [
    ([], "缺少参数：子命令"),
    (["frobnicate"], "没有「frobnicate」这个子命令，可以用：run、migrate、load"),
    (["load"], "缺少参数：文件"),
    (["export-ledger", "xingfuli"], "缺少参数：文件"),
    (["export-ledger", "xingfuli", "x.xlsx", "--year", "今年"], "--year 应为整数，收到「今年」"),
    (["export-ledger", "xingfuli", "x.xlsx", "--year"], "--year 后面要跟一个值"),
    (["run", "--port", "9"], "不认识的参数：--port 9"),
])
def test_usage_errors_are_chinese_on_stderr(capsys, argv, expected):
    code, out, err = run_cli(argv, capsys)
    assert code == 2 and out == ""
    assert err.startswith("用法：gridbot") and "：错误：" in err and expected in err and "--help" in err
    for word in ENGLISH:
        assert word not in err, word


@pytest.fixture
def fresh_db(monkeypatch, tmp_path):
    """An empty SQLite file, and the working directory a copy of examples/ (the README's paths)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/fresh.db")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    return tmp_path


def readme_commands() -> list[list[str]]:
    """Every `.venv/bin/gridbot …` line in the README's shell blocks, as written (comments dropped)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line.split("#", 1)[0].split() for block in re.findall(r"```bash\n(.*?)```", readme, re.S)
             for line in block.splitlines() if line.startswith(".venv/bin/gridbot ")]
    return [words[1:] for words in lines if words[1] not in ("run", "migrate")]


def test_readme_commands_work_in_order_on_a_fresh_database(fresh_db, capsys):
    commands = readme_commands()
    assert [c[0] for c in commands] == ["load", "import-members", "export-ledger", "export-statement"]
    outputs = []
    for argv in commands:
        code, out, err = run_cli(argv, capsys)
        assert (code, err) == (0, ""), (argv, err)
        outputs.append(out)
    assert outputs[0].startswith("已导入：社区 1 个") and outputs[1] == "已导入 5 人。\n"
    assert outputs[2].startswith("已写入 积分台账.xlsx")
    ledger = load_workbook(fresh_db / "积分台账.xlsx")
    assert ledger.active.title == "积分台账"
    assert load_workbook(fresh_db / "李师傅积分.xlsx").active["A1"].value == "李师傅（mem-li）积分明细"


def test_the_roster_sample_only_names_what_the_community_file_defines():
    """The two sample files are made for each other: every 社区 and 网格 the roster names exists."""
    import yaml

    data = yaml.safe_load((ROOT / "examples/community.yaml").read_text(encoding="utf-8"))

    def names(grids):
        for g in grids or []:
            yield g["name"]
            yield from names(g.get("children"))

    known = {(c["id"], name) for c in data["communities"] for name in names(c.get("grids"))}
    rows = list(load_workbook(ROOT / "examples/roster_sample.xlsx").active.iter_rows(values_only=True))
    header = rows[0]
    named = {(row[header.index("社区")], row[header.index("网格")]) for row in rows[1:]}
    assert named and named <= known, named - known


@pytest.mark.parametrize("argv, expected", [
    (["export-ledger", "nowhere", "out.xlsx"], "没有找到社区「nowhere」"),
    (["export-statement", "nobody", "out.xlsx"], "没有找到账号为「nobody」的人"),
    (["import-members", "missing.xlsx"], "找不到文件「missing.xlsx」"),
    (["load", "missing.yaml"], "找不到文件「missing.yaml」"),
])
def test_cli_errors_are_cli_messages_not_chat_replies(fresh_db, capsys, argv, expected):
    code, out, err = run_cli(argv, capsys)
    assert code == 2 and out == "" and expected in err
    assert "群里" not in err and "@" not in err and "Traceback" not in err
    assert not (fresh_db / "out.xlsx").exists()


def test_export_to_an_unwritable_place_says_so(fresh_db, capsys):
    assert run_cli(["load", "examples/community.yaml"], capsys)[0] == 0
    code, out, err = run_cli(["export-ledger", "xingfuli", "no-such-dir/out.xlsx"], capsys)
    assert code == 1 and out == "" and err.startswith("无法写入「no-such-dir/out.xlsx」")


def test_rule_table_goes_out_and_comes_back(fresh_db, capsys):
    """The community's rule table as .xlsx (issue 17): exported, edited, imported, with versions."""
    assert run_cli(["load", "examples/community.yaml"], capsys)[0] == 0
    assert run_cli(["export-rules", "xingfuli", "规则.xlsx"], capsys)[0] == 0
    book = load_workbook(fresh_db / "规则.xlsx")
    book.active.append(["完成实事承诺", "", 2, "每次", "兑现一项承诺", "在用"])
    book.save(fresh_db / "规则.xlsx")
    code, out, err = run_cli(["import-rules", "xingfuli", "规则.xlsx"], capsys)
    assert (code, err, out) == (0, "", "已导入积分规则：新增 1 条，调整 0 条，停用 0 条。\n")
    assert run_cli(["import-rules", "xingfuli", "规则.xlsx"], capsys)[2] == ""  # the same file again: nothing new
    (fresh_db / "坏.xlsx").write_text("not a spreadsheet", encoding="utf-8")
    code, _, err = run_cli(["import-rules", "xingfuli", "坏.xlsx"], capsys)
    assert code == 2 and "读不出这个文件" in err


@pytest.mark.parametrize("argv", [["nlp", "retrain"], ["nlp", "export-corrections"]])
def test_nlp_sub_commands_have_chinese_help(capsys, argv):
    code, out, err = run_cli([*argv, "--help"], capsys)
    assert code == 0 and out.startswith("用法：gridbot nlp") and "选项：" in out
    for word in ENGLISH:
        assert word not in out, word


def test_nlp_retrain_and_export_on_a_fresh_database(fresh_db, capsys):
    """Issue 11: with no corrections there is nothing to learn, and the export is empty but written."""
    assert run_cli(["nlp", "retrain"], capsys)[:2] == (0, "还没有任何更正，没有可学的。\n")
    code, out, err = run_cli(["nlp", "export-corrections", "更正样本.jsonl"], capsys)
    assert (code, err) == (0, "") and out.startswith("已导出 0 条")
    assert (fresh_db / "更正样本.jsonl").read_text(encoding="utf-8") == ""
    code, out, err = run_cli(["nlp"], capsys)
    assert code == 2 and "缺少参数" in err
