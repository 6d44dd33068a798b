"""`gridbot` refuses unworkable settings with one clear line, not a traceback."""
from __future__ import annotations

import pytest

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
    assert "missing name" in capsys.readouterr().err
