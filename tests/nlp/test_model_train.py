"""``python -m nlp train`` is reproducible, and the checked-in model is the one the repo's data builds."""
from __future__ import annotations

import pytest

from nlp import model, train


def test_the_checked_in_model_was_trained_on_the_data_in_the_repo() -> None:
    rows, sha = train.load_rows(train.training_files())
    meta = model.read()["meta"]
    assert meta["data_sha1"] == sha, "the training data changed: run python -m nlp train"
    assert meta["rows"] == len(rows)
    assert all("heldout" not in name for name in meta["files"])
    assert meta["min_df"] == train.MIN_DF and meta["max_features"] == train.MAX_FEATURES and meta["C"] == train.C


def test_training_never_reads_the_held_out_files() -> None:
    names = [p.name for p in train.training_files()]
    assert "dev.jsonl" in names and len(names) == 128  # dev and a hundred and twenty-seven writers' training parts
    assert not any("heldout" in n for n in names)


def test_training_is_deterministic() -> None:
    pytest.importorskip("sklearn")
    rows, _ = train.load_rows(train.training_files())
    sample = rows[::12]  # ~150 messages: seconds, not minutes
    a, b = train.fit(sample), train.fit(sample)
    assert a == b
    assert 0.0 < model.from_dict(a | {"thresholds": {}, "meta": {}}).view("楼道灯坏了").demand < 1.0


def test_the_written_file_is_byte_for_byte_the_same(tmp_path) -> None:
    pytest.importorskip("sklearn")
    rows, _ = train.load_rows(train.training_files())
    raw = train.fit(rows[::12]) | {"thresholds": {}, "meta": {}}
    one, two = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    train.write(raw, one)
    train.write(raw, two)
    assert one.read_bytes() == two.read_bytes()
    assert model.read(one) == raw
