"""``nhanrong status`` and ``nhanrong gaps``: the engine's figures for scripts and meetings.

JSON output is the stable machine form (documented in the README): numbers stay
numbers (coverage in 0..1), dates are ISO. The table form is for people: Vietnamese
(or English with --lang en) percentages and dd/mm/yyyy dates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from pathlib import Path

from ..cli import _add_format, _add_root, _lang, write_rows

STATUS_JSON = ["model", "scope", "scope_name", "structure", "level", "as_of", "eligible",
               "not_started", "assess", "pilot", "evaluate", "scale", "coverage", "history", "parts", "parts_scale"]
# The same tuple as nhanrong.gaps.GAP_KINDS (a test checks), kept here so that building the
# parser does not import pandas for every command.
GAP_KINDS = ("not-started", "stalled", "gate-skipped", "prerequisite", "stale", "definition")
GAPS_JSON = ["unit", "unit_name", "commune_name", "model", "kind", "since", "severity", "message_code", "message", "message_en",
             "action", "action_en"]
GAPS_TABLE = ["unit", "unit_name", "commune_name", "model", "kind", "since", "severity", "message", "action"]


def _date(text: str) -> dt.date:
    """A date as the app and `nhanrong record` read it (31/12/2022 or 2022-12-31), refused in the same words."""
    from ..cli import parse_lang
    from ..formats import DateParseError, parse_date

    try:
        return parse_date(text)
    except DateParseError as exc:
        raise argparse.ArgumentTypeError(exc.render(parse_lang())) from None


def _graph(root: str, lang: str = "vi"):
    from ..cache import load_programme_cached
    from ..graph import build_graph
    from ..i18n import t

    prog = load_programme_cached(Path(root))
    if prog.errors:
        print(t("engine.data_errors", lang, n=len(prog.errors)), file=sys.stderr)
    return build_graph(prog)


def _plain(v):
    """JSON-safe value: NaN -> None, numpy scalars -> Python, dates -> ISO strings."""
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "isoformat"):
        try:
            import pandas as pd

            if pd.isna(v):
                return None
        except (TypeError, ValueError):
            pass
        return v.date().isoformat() if isinstance(v, dt.datetime) else v.isoformat()
    return v


def _rows(frame, columns: list[str]) -> list[dict]:
    cols = [c for c in columns if c in frame.columns]
    return [{c: _plain(v) for c, v in zip(cols, rec)} for rec in frame[cols].itertuples(index=False, name=None)]


def cmd_status(args: argparse.Namespace) -> int:
    from ..formats import fmt_date, fmt_percent
    from ..status import status

    pg = _graph(args.root, _lang(args))
    frame = status(pg, args.as_of, structure=_structure(args), scope=args.scope, level=args.level,
                   models=[args.model] if args.model else None)
    rows = _rows(frame, STATUS_JSON)
    if args.format == "table":
        lang = _lang(args)
        for r in rows:
            r["coverage"] = fmt_percent(r["coverage"], lang)
            r["as_of"] = fmt_date(r["as_of"], lang)
    write_rows(rows, args.format, columns=STATUS_JSON)
    return 0


def cmd_gaps(args: argparse.Namespace) -> int:
    from ..formats import fmt_date
    from ..gaps import find_gaps, gap_params, render_gaps, with_texts

    lang = _lang(args)
    pg = _graph(args.root, lang)
    frame = find_gaps(pg, args.as_of, structure=_structure(args), model=args.model, scope=args.scope, kinds=args.kind)
    if args.limit:
        frame = frame.head(args.limit)
    if args.format == "table":  # for people: the sentences in the reader's language
        said = render_gaps(frame, lang)
        rows = _rows(frame.assign(message=said["message"], action=said["action"]), GAPS_TABLE)
        for r in rows:
            r["since"] = fmt_date(r["since"], lang)
        write_rows(rows, "table", columns=GAPS_TABLE)
    else:  # the stable machine form: the message code and the texts in both languages
        rows = _rows(with_texts(frame).assign(message_code=frame["code"].astype(str)), GAPS_JSON)
        if args.format == "json":  # the parameters too: a nested object has no place in a CSV cell
            for r, params in zip(rows, gap_params(frame)):
                r["params"] = params
        write_rows(rows, args.format, columns=GAPS_JSON)
    return 0


def _structure(args: argparse.Namespace) -> str:
    """--structure, else the structure in force at --as-of (the same rule as the app)."""
    from ..registry import structure_at

    return args.structure or structure_at(args.as_of)


def _common(p: argparse.ArgumentParser) -> None:
    _add_root(p)
    p.add_argument("--as-of", type=_date, default=dt.date.today(), metavar="DATE",
                   help="date of the status, 2022-12-31 or 31/12/2022 (default: today)")
    p.add_argument("--scope", metavar="CODE", help="unit code (province, district or commune) in --structure; default: every province with data")
    p.add_argument("--structure", choices=("old", "new"), default=None,
                   help="administrative structure: old (before 1/7/2025: province/district/commune) or new (province/commune); "
                        "default: the one in force at --as-of")
    p.add_argument("--model", metavar="ID", help="only this model (file name under models/, e.g. community-team)")


def register(subparsers) -> None:
    """Add ``status`` and ``gaps`` to the ``nhanrong`` command."""
    p = subparsers.add_parser(
        "status", help="rollout status per model and scope: eligible units, units per stage, coverage",
        description="For every model and scope (the scope unit, and with --level each unit of that level under it): "
        "eligible units, how many are at each stage (not_started, assess, pilot, evaluate, scale) as of --as-of, "
        "and coverage = share of eligible units at scale (0..1 in JSON; NaN/null when no unit is eligible). "
        "JSON rows keep these keys: model, scope, scope_name, structure, level, as_of, eligible, not_started, "
        "assess, pilot, evaluate, scale, coverage.")
    _common(p)
    p.add_argument("--level", choices=("province", "district", "commune"),
                   help="also one row per unit of this level under the scope (district: old structure only)")
    _add_format(p)
    p.set_defaults(func=cmd_status)

    p = subparsers.add_parser(
        "gaps", help="what is behind: not started, stalled, gate skipped, prerequisite, stale data, model definition",
        description="List gaps as of --as-of, most severe first: each row has unit, model, kind, since, severity "
        "(high|medium|low), a Vietnamese message and the action to take (message_en/action_en in English; "
        "message_code and params: the message's code in the catalogue and its parameters, JSON only). "
        f"Kinds: {', '.join(GAP_KINDS)}.")
    _common(p)
    p.add_argument("--kind", action="append", choices=GAP_KINDS, metavar="KIND",
                   help=f"only this kind (repeatable): {', '.join(GAP_KINDS)}")
    p.add_argument("--limit", type=int, default=0, metavar="N", help="show at most N rows (default: all)")
    _add_format(p)
    p.set_defaults(func=cmd_gaps)


__all__ = ["register", "cmd_status", "cmd_gaps", "STATUS_JSON", "GAPS_JSON"]
