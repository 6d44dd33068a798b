"""`gridbot nlp retrain [--min N]` and `gridbot nlp export-corrections FILE` (issue 11).

retrain compiles each community's corrections (/改) into its correction layer
(bot.services.corrections); export-corrections writes them as labelled rows in the format of
tests/nlp/corpus/*.jsonl, for the global model's training.

``retrain --model [FILE]`` first retrains the global model (nlp/train.py, the ``train`` extra) on
the labelled sets of the repo plus every community's corrections, writes it to FILE (default
NLP_MODEL, which the bot reads at start-up), and compiles the layers against it, so that a
community's layer corrects the combined rules-and-model result intake gets from ``classify()``."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from bot.config import Settings
from bot.replies import category_name, say
from bot.replies.learning import shown


def add_parsers(sub) -> dict:
    """Add ``nlp`` and its own sub-commands; returns its runner by name for bot/cli.py."""
    nlp = sub.add_parser("nlp", help=say("cli_nlp"), description=say("cli_nlp"))
    inner = nlp.add_subparsers(dest="nlp_command", required=True, metavar=say("cli_commands_metavar"),
                               help=say("cli_nlp_commands_help"))
    retrain = inner.add_parser("retrain", help=say("cli_nlp_retrain"), description=say("cli_nlp_retrain"))
    retrain.add_argument("--min", type=int, default=None, metavar=say("cli_metavar_count"),
                         help=say("cli_nlp_min", default=Settings.model_fields["corrections_min_examples"].default))
    retrain.add_argument("--model", nargs="?", const="", default=None, metavar=say("cli_metavar_file"),
                         help=say("cli_nlp_model"))
    retrain.add_argument("--no-tune", action="store_true", help=say("cli_nlp_no_tune"))
    export = inner.add_parser("export-corrections", help=say("cli_nlp_export"), description=say("cli_nlp_export"))
    export.add_argument("file", metavar=say("cli_metavar_file"), help=say("cli_nlp_export_file"))
    return {"nlp": run}


async def run(settings: Settings, args) -> int:
    if args.nlp_command == "retrain":
        return await retrain(settings, args.min or settings.corrections_min_examples,
                             model_to=args.model, tune=not args.no_tune)
    return await export_corrections(settings, args.file)


def _learnt(label: str) -> str:
    field, _, value = label.partition(":")
    if field == "category":
        return say("cli_nlp_learnt_category", category=category_name(value))
    if field == "urgency":
        return say("cli_nlp_learnt_urgent")
    place, _, where = value.partition("=")
    return say("cli_nlp_learnt_place", place=place, location=shown("location", where))


def train_model(rows: list[dict], path: Path, tune: bool) -> int:
    """Fit the global model on the repo's labelled sets plus ``rows``; write it to ``path`` whole
    (a bot starting meanwhile reads the old file or the new one, never half of one)."""
    try:
        import sklearn  # noqa: F401 - only to say clearly that the train extra is missing

        from nlp import train
    except ImportError:
        print(say("cli_nlp_need_train"), file=sys.stderr)
        return 2
    files = train.training_files()
    if not all(p.is_file() for p in files):
        print(say("cli_nlp_no_corpus", path=train.CORPUS), file=sys.stderr)
        return 2
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        extra = Path(tmp) / "corrections.jsonl"
        extra.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        raw = train.build(files + [extra], tune=tune)
    partial = path.with_name(path.name + ".tmp")
    train.write(raw, partial)
    os.replace(partial, path)
    print(say("cli_nlp_model_written", path=path, rows=raw["meta"]["rows"], corrections=len(rows)))
    return 0


async def retrain(settings: Settings, min_examples: int, *, model_to: str | None = None, tune: bool = True) -> int:
    import nlp
    from bot.cli_members import _database
    from bot.services import corrections

    target = (model_to or settings.nlp_model) if model_to is not None else None
    if model_to is not None and not target:
        print(say("cli_nlp_model_where"), file=sys.stderr)
        return 2
    db = await _database(settings)
    try:
        if target:
            async with db.sessions() as session:
                rows = await corrections.export_rows(session=session)
            code = train_model(rows, Path(target), tune)
            if code:
                return code
            nlp.use_model(target)  # the layers below correct what the retrained model says
        async with db.transaction() as session:
            done = await corrections.retrain(session=session, min_examples=min_examples)
    finally:
        await db.dispose()
    if not done:
        print(say("cli_nlp_nothing"))
    for row in done:
        learnt = "、".join(_learnt(label) for label in row.labels)
        print(say("cli_nlp_retrained", community=row.community_id, examples=row.examples,
                  learnt=learnt or say("cli_nlp_learnt_nothing", min=min_examples)))
    return 0


async def export_corrections(settings: Settings, path: str) -> int:
    from bot.cli_members import _database
    from bot.services import corrections

    db = await _database(settings)
    try:
        async with db.sessions() as session:
            found = await corrections.export_rows(session=session)
    finally:
        await db.dispose()
    data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in found)
    try:
        Path(path).write_text(data, encoding="utf-8")
    except OSError as exc:
        print(say("cli_cannot_write", path=path, error=exc.strerror or exc), file=sys.stderr)
        return 1
    print(say("cli_nlp_exported", count=len(found), path=path))
    return 0
