"""``nhanrong record``, ``nhanrong reading`` and ``nhanrong import``: record progress from scripts.

The same path as the app: the change is applied in memory, the whole data root is validated
with it, the diff is shown, then the files are written safely and committed when the data
root is a git repository. Exit 0 when saved (or nothing to change), 1 when refused (every
reason is printed), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from ..cli import _add_root, _lang

_EPILOG_AUTHOR = ("Author: --author \"Họ Tên <email>\" or $NHANRONG_AUTHOR; without it git uses its own user.name/user.email. "
                  "Without git, the files are saved and nothing is committed.")


def _date(text: str) -> dt.date:
    from ..cli import parse_lang
    from ..editing.errors import BadChangeError
    from ..editing.imports import parse_date

    try:
        return parse_date(text)
    except BadChangeError as exc:
        raise argparse.ArgumentTypeError(exc.text(parse_lang())) from None


def _number(text: str) -> float:
    from ..cli import parse_lang
    from ..editing.errors import BadChangeError
    from ..editing.imports import parse_number

    try:
        return parse_number(text)
    except BadChangeError as exc:
        raise argparse.ArgumentTypeError(exc.text(parse_lang())) from None


def _run(args: argparse.Namespace, changes: list, *, source: str = "", preview=None) -> int:
    """Prepare, print the diff and every refusal, then save unless --dry-run."""
    from ..editing import prepare, save
    from ..editing.gitrepo import branch_name, parse_author
    from ..i18n import t

    lang = _lang(args)
    root = Path(args.root)
    cs = preview.changeset if preview is not None else prepare(root, changes, source=source)
    if preview is not None:
        for line, why in preview.skipped:
            print(t("edit.cli.skipped", lang, line=line, reason=why), file=sys.stderr)
    if not cs.ok:
        print(t("edit.cli.refused", lang), file=sys.stderr)
        for r in cs.refusals:
            print(f"  {r.text(lang)}", file=sys.stderr)
        return 1
    if not cs.edits:
        print(t("edit.cli.nothing", lang))
        return 0
    if not args.quiet:
        sys.stdout.write(cs.diff())
    for w in cs.warnings:
        print(t("edit.cli.warning", lang, message=w.full()), file=sys.stderr)
    if args.dry_run:
        print(t("edit.cli.dry_run", lang, n=len(cs.changes)), file=sys.stderr)
        return 0
    author = args.author or os.environ.get("NHANRONG_AUTHOR") or None
    branch = None
    if args.branch:
        if not author:
            print(t("edit.cli.branch_needs_author", lang), file=sys.stderr)
            return 2
        branch = branch_name(parse_author(author)[0])
    result = save(cs, author=author, use_git=not args.no_git, branch=branch)
    for note in result.recovered:  # an earlier save was interrupted: say what was done about it first
        print(t("edit.cli.note", lang, message=note.full()), file=sys.stderr)
    if result.merged:
        print(t("edit.cli.merged", lang), file=sys.stderr)
    files = ", ".join(result.paths)
    if result.commit and result.branch:
        print(t("edit.cli.saved_branch", lang, files=files, commit=result.commit[:10], branch=result.branch), file=sys.stderr)
    elif result.commit:
        print(t("edit.cli.saved", lang, files=files, commit=result.commit[:10]), file=sys.stderr)
    else:
        print(t("edit.cli.saved_nogit", lang, files=files), file=sys.stderr)
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    from ..editing import StageChange

    ch = StageChange(args.unit, args.model, args.stage, args.date, note=args.note, structure=args.structure,
                     replace=args.replace)
    return _run(args, [ch])


def cmd_reading(args: argparse.Namespace) -> int:
    from ..editing import ReadingChange

    ch = ReadingChange(args.unit, args.model, args.metric, args.date, args.value, note=args.note, structure=args.structure)
    return _run(args, [ch])


def cmd_import(args: argparse.Namespace) -> int:
    from ..editing.imports import preview_import

    preview = preview_import(Path(args.root), Path(args.file))
    return _run(args, [], preview=preview)


def _add_saving(p: argparse.ArgumentParser) -> None:
    p.add_argument("--author", metavar='"TÊN <EMAIL>"', help='who made the change, e.g. "Họ Tên <ten@donvi.gov.vn>" (the commit author)')
    p.add_argument("--dry-run", action="store_true", help="check and show the diff, write nothing")
    p.add_argument("--no-git", action="store_true", help="save the files but do not commit")
    p.add_argument("--branch", action="store_true", help="commit on the author's own review branch nhap/<name> (switches the data root's checkout)")
    p.add_argument("--quiet", action="store_true", help="do not print the diff")


def _add_unit(p: argparse.ArgumentParser) -> None:
    p.add_argument("--unit", required=True, metavar="CODE", help='unit code, e.g. 04252, V-04249-01, or old:15 / new:15 when a code exists in both structures')
    p.add_argument("--model", required=True, metavar="ID", help="model id (file name under models/), e.g. community-team")
    p.add_argument("--structure", choices=("old", "new"), help="structure of the unit code when it is ambiguous")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("record", help="record that a unit began a stage of a model (validated, then saved and committed)",
                       description="Record the date a unit began a stage (assess, pilot, evaluate, scale) of a model. The change is "
                       "validated with the same rules as `nhanrong validate`; if it would add an error it is refused (exit 1) and "
                       "nothing is written. Otherwise the diff is printed, the file is written atomically and, when ROOT is in a git "
                       "repository, committed with a Vietnamese message.",
                       epilog=_EPILOG_AUTHOR)
    _add_root(p)
    _add_unit(p)
    p.add_argument("--stage", required=True, help="assess | pilot | evaluate | scale")
    p.add_argument("--note", help="replaces the record's note (plain text; the diff shows the old one)")
    p.add_argument("--date", required=True, type=_date, help="start date of the stage: 2023-03-03 or 03/03/2023")
    p.add_argument("--replace", action="store_true",
                   help="the stage already has another date: replace it (without this flag such a change is refused, "
                        "naming the old and the new date)")
    _add_saving(p)
    p.set_defaults(func=cmd_record)

    p = sub.add_parser("reading", help="add or correct a metric reading of a unit (validated, then saved and committed)",
                       description="Add a reading of one of the model's metrics for a unit on a date, or correct the value "
                       "recorded on that date. Validated like `nhanrong record`; exit 1 when refused.",
                       epilog=_EPILOG_AUTHOR)
    _add_root(p)
    _add_unit(p)
    p.add_argument("--metric", required=True, help="metric id of the model, e.g. accounts")
    p.add_argument("--date", required=True, type=_date, help="date of the reading: 2022-12-31 or 31/12/2022")
    p.add_argument("--value", required=True, type=_number, help="the value, e.g. 412 or 43,8")
    p.add_argument("--note", help="a note on this reading (plain text)")
    _add_saving(p)
    p.set_defaults(func=cmd_reading)

    p = sub.add_parser("import", help="import stage changes and readings from a CSV or Excel sheet (all or nothing)",
                       description="Import a CSV (UTF-8) or .xlsx sheet in the columns of the exports: unit (or unit_key, "
                       "code), model (id or name), and either stage + since (or date), or metric + date + value; optional note, "
                       "structure. The app's Vietnamese headers work too (Mã, Mô hình, Giai đoạn, Ngày, Từ ngày, Chỉ số, Giá trị, "
                       "Ghi chú); other columns are ignored. If any row is rejected, nothing is written and every rejected row is "
                       "printed with its line (exit 1).",
                       epilog=_EPILOG_AUTHOR)
    p.add_argument("root", metavar="ROOT", help="data folder with models/, units/, pilots/, plans/")
    p.add_argument("file", metavar="FILE", help="the .csv or .xlsx sheet")
    _add_saving(p)
    p.set_defaults(func=cmd_import)
