"""Command line: python -m nlp classify | evaluate [FILE.jsonl...] [--errors] | train | bench.

``evaluate`` with no file reports every labelled set in tests/nlp/corpus (rules alone and rules
+ model side by side) and the combined held-out split with its confusion table; ``train`` refits
nlp/data/model.json.gz (nlp/train.py, needs scikit-learn).

``evaluate`` scores each file: a classification file (taxonomy.md) or a file of labelled
duplicate pairs (tests/nlp/duplicates.jsonl: {"a", "b", "same"}), which prints duplicate
precision and recall."""
from __future__ import annotations

import json
import sys
from typing import IO


def _classify_stream(stdin: IO[str], stdout: IO[str]) -> int:
    from nlp.classifier import classify

    for line in stdin:
        line = line.rstrip("\r\n")
        text = line
        if line.lstrip().startswith("{"):
            try:
                obj = json.loads(line)
                if isinstance(obj, dict) and "text" in obj:
                    text = str(obj["text"])
            except ValueError:
                pass
        stdout.write(json.dumps(classify(text).as_dict(), ensure_ascii=False) + "\n")
    stdout.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    cmd = argv[0] if argv else ""
    if cmd == "classify":
        return _classify_stream(sys.stdin, sys.stdout)
    if cmd == "evaluate":
        from nlp.evaluate import main as evaluate_main
        from nlp.evaluate import main_all

        paths = [a for a in argv[1:] if not a.startswith("--")]
        if not paths:  # every labelled set in the repo, and the held-out split
            return main_all("--errors" in argv[1:])
        for i, path in enumerate(paths):
            if len(paths) > 1:
                print(("\n" if i else "") + f"== {path}")
            evaluate_main(path, "--errors" in argv[1:])
        return 0
    if cmd == "train":
        from nlp.train import main as train_main

        return train_main(argv[1:])
    if cmd == "bench":
        from nlp.bench import main as bench_main

        return bench_main(argv[1:])
    sys.stderr.write("usage: python -m nlp classify | evaluate [FILE.jsonl...] [--errors] | train | bench\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
