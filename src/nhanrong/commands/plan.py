"""``nhanrong plan``: run a scale-out plan, say which targets it meets and why not, and
write the schedule next to the plan file (plans/<name>.schedule.csv: one row per unit and model,
naming the commune of a village, school, agency or party cell).

The table form is for people (Vietnamese, or English with --lang en); ``--format csv``
prints the schedule; ``--format json`` is the stable machine form (targets, coverage,
resource use and schedule; dates ISO, shares 0..1). ``--out FILE.xlsx`` writes a workbook;
``--out FILE.csv`` / ``FILE.json`` that format. Every CSV and workbook goes through
:mod:`nhanrong.exports` (names and notes never run as formulas in a spreadsheet); JSON is data.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..cli import _lang, write_rows

# --out FILE without --format: the format its suffix names (.xlsx is always the workbook).
OUT_FORMATS = {".csv": "csv", ".json": "json"}
TARGET_JSON = ["model", "scope", "target", "date", "eligible", "covered", "coverage", "met", "earliest", "binding",
               "message", "message_en"]


def _load_plan(path: Path, prog):
    """The plan as validated by the loader when it lives under ROOT/plans, else validated here."""
    from ..i18n import msg
    from ..loader import Report, parse_file, validate_file
    from ..planning.adapter import PlanError
    from ..schema import PlanFile

    if not path.is_file():
        raise PlanError("plan.no_plan_file", path=str(path))
    for name, rel in prog.plan_paths.items():
        if (prog.root / rel).resolve() == path.resolve():
            return prog.plans[name]
    report = Report()
    src = parse_file(path, path.parent, report)
    plan = validate_file(src, PlanFile, None, report) if src is not None else None
    problems = [p for p in report.problems if p.severity == "error"]
    if plan is None or problems:
        detail = [msg("plan.problem_at", line=p.line, column=p.column, problem=p.msg) for p in problems]
        raise PlanError("plan.plan_file_errors", path=str(path), problems=detail or msg("plan.unreadable"))
    return plan


def _root_for(plan_path: Path, root: str | None) -> Path:
    if root:
        return Path(root)
    parent = plan_path.resolve().parent
    return parent.parent if parent.name == "plans" else Path(".")


def cmd_plan(args: argparse.Namespace) -> int:
    from ..cache import load_programme_cached
    from ..graph import build_graph
    from ..planning.adapter import build_instance
    from ..planning.export import (cost_by_pool, resource_use, schedule_frame, write_excel, write_schedule)
    from ..planning.forecast import coverage_curves, evaluate_targets, run_plan, targets_frame
    from ..planning.variants import compare_variants, parse_variant

    lang = _lang(args)
    plan_path = Path(args.plan)
    root = _root_for(plan_path, args.root)
    prog = load_programme_cached(root)
    plan = _load_plan(plan_path, prog)
    pg = build_graph(prog)
    inst, notes = build_instance(pg, plan)
    variants = [parse_variant(v) for v in args.what_if or []]
    sched = run_plan(inst)
    if getattr(args, "optimise", False):
        from ..planning.optimise import optimise_plan

        from ..planning.optimise import DEFAULT_TIME_LIMIT

        sched = optimise_plan(inst, time_limit=args.time_limit or DEFAULT_TIME_LIMIT, greedy=sched)
    results = evaluate_targets(sched, search=not args.no_search, lang=lang)
    written = None
    if not args.no_schedule:
        written = write_schedule(sched, plan_path)

    comparison = compare_variants(inst, variants, lang=lang).summary if variants else None
    suffix = Path(args.out).suffix.lower() if args.out else ""
    if suffix == ".xlsx":
        write_excel(sched, results, Path(args.out), lang=lang)
        fmt, target = "table", sys.stdout  # the table still goes to stdout
    else:
        fmt = args.format or OUT_FORMATS.get(suffix, "table")
        target = open(args.out, "w", encoding="utf-8", newline="") if args.out else sys.stdout
    try:
        if fmt == "csv":
            write_rows(schedule_frame(sched, lang=lang).to_dict("records"), "csv", target)
        elif fmt == "json":
            tf = targets_frame(results, inst, lang)
            doc: dict = {
                "plan": plan.name, "scope": plan.scope, "structure": plan.structure, "start": plan.start.isoformat(),
                "period": plan.period, "horizon": plan.horizon, "objective": round(sched.objective, 6),
                "targets": [{k: _plain(r.get(k)) for k in TARGET_JSON} | _message_json(res.msg)
                            | {"extra": res.extra, "extra_from": res.extra_from}
                            for r, res in zip(tf.to_dict("records"), results)],
                "cost": cost_by_pool(sched),
                "resources": [{k: _plain(v) for k, v in r.items()} for r in resource_use(sched, lang=lang).to_dict("records")],
                "coverage": [{k: _plain(v) for k, v in r.items()} for r in coverage_curves(sched, lang=lang).to_dict("records")],
                "schedule": schedule_frame(sched, lang=lang).to_dict("records"),
                "notes": [n.as_dict() for n in notes],
            }
            if sched.proof is not None:
                doc["optimise"] = {k: _plain(v) for k, v in sched.proof.as_dict().items()} | _message_json(sched.proof.msg)
            if comparison is not None:
                doc["variants"] = [{k: _plain(v) for k, v in r.items()} for r in comparison.to_dict("records")]
            json.dump(doc, target, ensure_ascii=False, indent=2)
            target.write("\n")
        else:
            _table(target, lang, plan, inst, sched, results, notes, written, cost_by_pool, resource_use)
            if sched.proof is not None:
                target.write("\n" + sched.proof.msg.text(lang) + "\n")
            if comparison is not None:
                _variants_table(target, lang, comparison)
    finally:
        if target is not sys.stdout:
            target.close()
    return 0


def _plain(v):
    from .engine import _plain as plain

    return plain(v)


def _message_json(m) -> dict:
    """A message's code and params (JSON-ready), next to the texts the rows already carry."""
    d = m.as_dict()
    return {"message_code": d["code"], "params": d["params"]}


def _table(out, lang, plan, inst, sched, results, notes, written, cost_by_pool, resource_use) -> None:
    from ..formats import fmt_date, fmt_number, fmt_percent
    from ..i18n import t
    from ..planning.labels import PERIOD_COUNTS, POOLS

    def col(name: str) -> str:
        return t(f"plan.cli.col.{name}", lang)

    j = sched.jobs
    within = int(((j["period"] >= 0) & (j["period"] < inst.horizon)).sum())
    out.write(t("plan.cli.header", lang, plan=plan.name, structure=plan.structure, scope=plan.scope, start=plan.start,
                horizon=plan.horizon, periods=PERIOD_COUNTS.msg(plan.period)) + "\n")
    out.write(t("plan.cli.scheduled", lang, within=within, total=len(j)) + "\n\n")
    rows = []
    for r in results:
        tg = r.target
        rows.append({
            col("model"): tg.model,
            col("scope"): tg.label,
            col("target"): t("plan.cli.target", lang, share=tg.coverage, day=tg.date),
            col("forecast"): fmt_percent(r.coverage, lang),
            col("verdict"): t("plan.cli.met" if r.met else "plan.cli.not_met", lang),
            col("earliest"): fmt_date(r.earliest, lang),
            col("why"): r.msg.text(lang),
        })
    if rows:
        write_rows(rows, "table", out)
    else:
        out.write(t("planner.no_targets", lang) + "\n")
    use = resource_use(sched, lang=lang)
    cost = cost_by_pool(sched)
    out.write("\n" + t("plan.cli.resources", lang) + "\n")
    res_rows = []
    for pool, total in cost.items():
        cap = use[use["pool"] == pool]["capacity"].sum() if pool in inst.capacity else None
        res_rows.append({
            col("pool"): t("plan.cli.pool", lang, pool=pool, word=POOLS.msg(pool)),
            col("used"): fmt_number(total, lang),
            col("available"): fmt_number(cap, lang) if cap is not None else t("planner.unlimited", lang),
        })
    if res_rows:
        write_rows(res_rows, "table", out)
    for n in notes:
        out.write(t("plan.cli.note", lang, note=n) + "\n")
    if written is not None:
        out.write("\n" + t("plan.cli.written", lang, path=str(written)) + "\n")


def _variants_table(out, lang, comparison) -> None:
    from ..formats import fmt_number
    from ..i18n import t

    def col(name: str) -> str:
        return t(f"plan.cli.col.{name}", lang)

    out.write("\n" + t("plan.cli.variants", lang) + "\n")
    rows = []
    for r in comparison.to_dict("records"):
        row = {
            col("variant"): r["variant"],
            col("targets_met"): f"{r['targets_met']}/{r['targets']}",
            col("starts"): f"{fmt_number(r['units_planned'], lang)}/{fmt_number(r['units_total'], lang)}",
            col("mean_wave"): fmt_number(r["mean_wave"], lang, 2),
        }
        for k, v in r.items():
            if k.startswith("cost_"):
                row[k[5:]] = fmt_number(v, lang)
        rows.append(row)
    write_rows(rows, "table", out)


def register(subparsers) -> None:
    """Add ``plan`` to the ``nhanrong`` command."""
    p = subparsers.add_parser(
        "plan", help="run a scale-out plan: schedule, targets met or not and why",
        description="Plan which units start which model in which period under the plan's resources, prerequisites "
        "and the pilot-first rule; report for every target whether it is met, the earliest date it can be, the "
        "binding constraint and how much more of which resource would meet it. Writes the schedule next to the "
        "plan (plans/<name>.schedule.csv, one row per unit and model with the commune of units below one, stable "
        "order). --format csv prints the "
        "schedule; --format json prints targets, coverage, resource use and schedule; --out FILE writes the "
        "output to FILE instead (FILE.xlsx: a workbook with schedule, coverage, targets, resources; FILE.csv or "
        "FILE.json: that format unless --format says otherwise). In CSV and Excel output, text that would start a "
        "spreadsheet formula (=, +, -, @, tab, line break) gets a leading apostrophe.")
    p.add_argument("plan", metavar="PLAN.toml", help="the plan file, e.g. plans/lao-cai-2026.toml")
    p.add_argument("root", nargs="?", default=None, metavar="ROOT",
                   help="data folder (default: the folder above plans/ holding the plan, else the current folder)")
    p.add_argument("--format", choices=("table", "csv", "json"), default=None,
                   help="output format (default: as the suffix of --out names it, .csv or .json, else table)")
    p.add_argument("--out", metavar="FILE", help="write the output to FILE (.xlsx: Excel workbook; .csv, .json: that format)")
    p.add_argument("--no-schedule", action="store_true", help="do not write plans/<name>.schedule.csv")
    p.add_argument("--what-if", action="append", metavar="SPEC",
                   help="also run a variant and compare (repeatable); SPEC parts separated by commas: "
                   "trainer_hours+200 (more per period), *1.5 (every pool times 1.5), delay=90 (targets 90 days "
                   "later), periods+2 (longer horizon), rule=every-area, pilot_first=false")
    p.add_argument("--no-search", action="store_true",
                   help="do not search how much more of each resource would meet a missed target (faster)")
    p.add_argument("--optimise", "--optimize", action="store_true",
                   help="improve the greedy plan with OR-Tools CP-SAT (optional extra: pip install nhanrong[optimise]), "
                   "warm-started from it and time-limited; report the objective, CP-SAT's best bound and the gap "
                   "(table: one line; JSON: \"optimise\"). The greedy plan is kept when OR-Tools is missing, the "
                   "plan is too big for the exact model, or no better plan is found in time")
    p.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                   help="with --optimise: seconds CP-SAT may search (default 30)")
    p.set_defaults(func=cmd_plan)


__all__ = ["register", "cmd_plan"]
