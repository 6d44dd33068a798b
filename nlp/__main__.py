"""Command line: python -m nlp classify | evaluate FILE.jsonl... [--errors] | bench.

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
    if cmd == "evaluate" and len(argv) >= 2:
        from nlp.evaluate import main as evaluate_main

        paths = [a for a in argv[1:] if not a.startswith("--")]
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
