"""``nhanrong indicators``: the province's own indicators and target sets as of a date (the top-down track).

JSON is the stable machine form: numbers stay numbers (shares in 0..1, ranks as ranks), dates are
ISO, ``change`` is value - previous (a rank that rose 13 places: -13). The table is for people:
Vietnamese figures (5.277 sản phẩm, 27/63, 30,77%) and dates, the verdict's label, then one line per
target set ("11/22 chỉ tiêu đạt"). CSV has the JSON's indicator columns, formula-safe.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from ..cli import _add_format, _add_root, _lang, write_rows
from .engine import _date, _plain, _rows

INDICATORS_JSON = ["indicator", "name", "name_en", "pillar", "unit", "direction", "level", "scope", "structure",
                   "from_model", "from_metric", "value", "date", "source", "reading_note", "previous", "previous_date", "change",
                   "target", "target_date", "projected", "verdict", "note"]
TABLE = ["indicator", "pillar", "name", "value", "date", "change", "target", "target_date", "verdict"]
PILLARS = ("government", "economy", "society", "overall")


def _programme(root: str, lang: str):
    """The programme; problems of the indicator files printed (located), others counted."""
    from ..cache import load_programme_cached
    from ..i18n import t
    from ..indicators import INDICATORS_DIR

    prog = load_programme_cached(Path(root))
    own = [p for p in prog.problems if p.path.startswith(INDICATORS_DIR + "/")]
    for p in own:
        print(p.format(lang), file=sys.stderr)
    others = len([p for p in prog.errors if p not in own])
    if others:
        print(t("indicator.cli.other_errors", lang, n=others), file=sys.stderr)
    return prog


def _set_row(s) -> dict:
    return {"target_set": s.id, "name": s.name, "name_en": s.name_en, "deadline": s.deadline.isoformat(),
            "scope": s.scope, "structure": s.structure, "total": s.total, "met": s.met, "unknown": s.unknown,
            "reported": _plain(s.reported),
            "by_pillar": {p or "overall": {"met": m, "total": n} for p, (m, n) in s.by_pillar.items()},
            "sources": list(s.sources)}


def cmd_indicators(args: argparse.Namespace) -> int:
    from ..brief import fmt_indicator, fmt_indicator_change, fmt_indicator_target, indicator_name, pillar_label, set_headline
    from ..formats import fmt_date
    from ..graph import build_graph
    from ..i18n import label
    from ..indicators import evaluate_indicators, evaluate_target_sets

    lang = _lang(args)
    pg = build_graph(_programme(args.root, lang))
    frame = evaluate_indicators(pg, args.as_of, pillar=args.pillar)
    sets = evaluate_target_sets(pg, args.as_of)
    rows = _rows(frame, INDICATORS_JSON)
    if args.format == "json":
        json.dump({"as_of": args.as_of.isoformat(), "indicators": rows, "target_sets": [_set_row(s) for s in sets]},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if args.format == "csv":
        write_rows(rows, "csv", columns=INDICATORS_JSON)
        return 0
    shown = [{
        "indicator": r["indicator"], "pillar": pillar_label(r["pillar"], lang), "name": indicator_name(r, lang),
        "value": fmt_indicator(r["value"], r["unit"], lang), "date": fmt_date(r["date"], lang),
        "change": fmt_indicator_change(r["change"], r["unit"], lang) or "–",
        "target": fmt_indicator_target(r["target"], r["unit"], r["direction"], lang),
        "target_date": fmt_date(r["target_date"], lang),
        "verdict": label("verdict", r["verdict"], lang) if isinstance(r["verdict"], str) else "–",
    } for _, r in frame.iterrows()]
    write_rows(shown, "table", columns=TABLE)
    for s in sets:
        headline, caption = set_headline(s, lang)
        print(f"{s.id}: {headline}. {caption}")
    return 0


def register(subparsers) -> None:
    """Add ``indicators`` to the ``nhanrong`` command."""
    p = subparsers.add_parser(
        "indicators", help="the province's indicators (DTI rank, e-commerce, cashless payments...) and target sets",
        description="For every indicator under ROOT/indicators/: its latest value at --as-of and the date and source of "
        "that reading (or the roll-up of the model metric it is taken from), the change since the reading before, the "
        "target that matters now (the next due, else the last) and its verdict (met, on-track, behind, overdue); then "
        "each target set with how many of its targets are met. JSON: {as_of, indicators: [rows with the keys "
        f"{', '.join(INDICATORS_JSON)}], target_sets: [...]}}; CSV: the indicator rows.")
    _add_root(p)
    p.add_argument("--as-of", type=_date, default=dt.date.today(), metavar="DATE",
                   help="date of the figures, 2022-12-31 or 31/12/2022 (default: today)")
    p.add_argument("--pillar", choices=PILLARS, help="only this DTI pillar (overall: the programme as a whole, e.g. the DTI rank)")
    _add_format(p)
    p.set_defaults(func=cmd_indicators)


__all__ = ["register", "cmd_indicators", "INDICATORS_JSON"]
