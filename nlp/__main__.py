"""Command line: python -m nlp classify | evaluate FILE.jsonl [--errors] | bench."""
from __future__ import annotations

import json
import sys


def _classify_stream(stdin, stdout) -> int:
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

        return evaluate_main(argv[1], "--errors" in argv[2:])
    if cmd == "bench":
        from nlp.bench import main as bench_main

        return bench_main(argv[1:])
    sys.stderr.write("usage: python -m nlp classify | evaluate FILE.jsonl [--errors] | bench\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
