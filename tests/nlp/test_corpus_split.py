"""The blind corpus's held-out split stays the one fixed in tests/nlp/corpus/README.md."""
import hashlib
import json
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"


def _held_out(message_id: str) -> bool:
    return int(hashlib.sha1(message_id.encode()).hexdigest(), 16) % 4 == 0


def test_every_message_is_on_its_side_of_the_split():
    seen: set[str] = set()
    for path in sorted(CORPUS.glob("writer_*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert rows, path
        held = path.stem.endswith("_heldout")
        assert all(_held_out(r["id"]) == held for r in rows), path
        ids = {r["id"] for r in rows}
        assert not ids & seen
        seen |= ids
    assert len(seen) == 50900
