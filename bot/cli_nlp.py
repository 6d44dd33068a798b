"""`gridbot nlp retrain [--min N]` and `gridbot nlp export-corrections FILE` (issue 11).

retrain compiles each community's corrections (/改) into its correction layer
(bot.services.corrections); export-corrections writes them as labelled rows in the format of
tests/nlp/corpus/*.jsonl, for the global model's training.

For the global model (nlp/model.py, ``python -m nlp train``, not in this tree yet): ``retrain`` is
where it is wired: export the rows (``corrections.export_rows``) next to the labelled sets the
trainer reads, train, then compile the layers as here, so that a community's layer corrects the
combined rules-and-model result that intake gets from ``classify()``."""
from __future__ import annotations

import json
import sys
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
    export = inner.add_parser("export-corrections", help=say("cli_nlp_export"), description=say("cli_nlp_export"))
    export.add_argument("file", metavar=say("cli_metavar_file"), help=say("cli_nlp_export_file"))
    return {"nlp": run}


async def run(settings: Settings, args) -> int:
    if args.nlp_command == "retrain":
        return await retrain(settings, args.min or settings.corrections_min_examples)
    return await export_corrections(settings, args.file)


def _learnt(label: str) -> str:
    field, _, value = label.partition(":")
    if field == "category":
        return say("cli_nlp_learnt_category", category=category_name(value))
    if field == "urgency":
        return say("cli_nlp_learnt_urgent")
    place, _, where = value.partition("=")
    return say("cli_nlp_learnt_place", place=place, location=shown("location", where))


async def retrain(settings: Settings, min_examples: int) -> int:
    from bot.cli_members import _database
    from bot.services import corrections

    db = await _database(settings)
    try:
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
