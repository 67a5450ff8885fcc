"""What the steering committee must decide: the few decisions the data calls for, ranked by consequence.

A decision starts from a target at risk at the scope (its own or one passed down from the unit above,
:func:`nhanrong.targets.scope_targets`): which target, how far behind (in units still to bring to
scale, and in points), which units below the scope are behind on it, and what would unblock it: the
prerequisite the gaps say is missing, the units stalled, and, when a plan in ``plans/`` covers the
scope and the model, the planner's binding constraint ("thiếu 1.560.000.000 đồng và 288 giờ giảng
viên mỗi quý"). Then the problems the gaps find that no target covers (units stalled, moved past a
gate without the reading, missing their prerequisite, not reporting), each naming its units.

Nothing generic: every decision names the units it concerns, and one that concerns no unit is
dropped. Texts come from the app's catalogue (:mod:`nhanrong.i18n`) in the language asked for.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .formats import fmt_date, fmt_number, fmt_percent, fmt_value
from .gaps import find_gaps
from .graph import ProgrammeGraph
from .i18n import data_name, label, t
from .registry import unit_key
from .status import STAGE_NAMES, metric_values, status, unit_stages
from .targets import scope_targets

MAX_NAMED = 6
"""Units named in a decision's line; the rest are counted ("và 12 đơn vị khác")."""
GAP_DECISIONS = ("prerequisite", "stalled", "gate-skipped", "stale")
"""Gap kinds that make a decision of their own when no target at risk covers their model."""
CHILD_LEVEL = {("old", "province"): "district", ("old", "district"): "commune", ("new", "province"): "commune"}


@dataclass(frozen=True)
class Decision:
    """One decision: what, why (the target at risk and by how much), where (the units), how to unblock it.

    ``rank``: larger is more consequential (overdue before behind, then the shortfall). ``units``:
    (code, name, detail) of every unit concerned. ``evidence``: where the page links to: ``model``
    (id), ``gaps`` ((model, kind) pairs), ``plan`` (the plan's key in ``plans/``, or "")."""

    kind: str  # "target" or a gap kind
    model: str
    title: str
    why: str
    units: tuple[tuple[str, str, str], ...]
    rank: tuple
    unblock: tuple[str, ...] = ()
    verdict: str = ""
    shortfall: int = 0
    evidence: dict = field(default_factory=dict)

    def units_line(self, lang: str, limit: int = MAX_NAMED) -> str:
        """ "Xã A (0/3), Xã B (1/4) và 12 đơn vị khác" """
        shown = [f"{name} ({detail})" if detail else name for _, name, detail in self.units[:limit]]
        more = len(self.units) - len(shown)
        text = ", ".join(shown)
        return t("decisions.units_more", lang, units=text, n=fmt_number(more, lang)) if more > 0 else text


def _model_name(pg: ProgrammeGraph, mid: str, lang: str) -> str:
    return pg.programme.model_name(mid, lang)


def _metric(pg: ProgrammeGraph, mid: str, metric: str, lang: str) -> tuple[str, str]:
    if metric == "coverage":
        return t("col.coverage", lang), "%"
    m = pg.programme.models.get(mid)
    spec = next((x for x in m.metrics if x.id == metric), None) if m else None
    if spec is None:
        return metric, ""
    return data_name(spec.name, spec.name_en, lang), spec.unit


def kind_counts(us: pd.DataFrame, model: str) -> list[tuple[str, int, int]]:
    """(kind, eligible, at scale) of one model's adopters in ``us`` (:func:`unit_stages` rows), largest
    kind first: a model adopted by villages and communes counts each kind on its own."""
    rows = us[us["model"] == model]
    if not len(rows):
        return []
    scale = (rows["stage"].astype(str) == STAGE_NAMES[-1]).to_numpy()
    g = pd.DataFrame({"kind": rows["kind"].astype(str).to_numpy(), "scale": scale}).groupby("kind")["scale"]
    out = [(k, int(n), int(s)) for k, n, s in zip(g.size().index, g.size().tolist(), g.sum().tolist())]
    return sorted(out, key=lambda x: -x[1])


def counts_text(pg: ProgrammeGraph, counts: list[tuple[str, int, int]], lang: str, *, scale: bool = False) -> str:
    """ "1.356 thôn, bản, tổ dân phố và 173 xã" (``scale``: "1.356/1.356 thôn ... và 173/173 xã")."""
    parts = []
    for kind, n, s in counts:
        word = pg.programme.kind_label(kind, lang, plural=n != 1)
        num = f"{fmt_number(s, lang)}/{fmt_number(n, lang)}" if scale else fmt_number(n, lang)
        parts.append(f"{num} {word}")
    if len(parts) <= 1:
        return "".join(parts)
    return t("decisions.and", lang, first=", ".join(parts[:-1]), last=parts[-1])


def _plan_findings(pg: ProgrammeGraph, lang: str) -> list[dict]:
    """Every plan's targets not met, with the planner's binding constraint (memoised on the graph)."""

    def make() -> list[dict]:
        from .planning.adapter import build_instance
        from .planning.forecast import evaluate_targets as plan_targets, run_plan

        out = []
        for key, plan in sorted(pg.programme.plans.items()):
            try:
                inst, _ = build_instance(pg, plan)
                results = plan_targets(run_plan(inst), lang="vi")
            except Exception:  # noqa: BLE001 - a plan that cannot run gives no finding; the planner page says why
                continue
            for r in results:
                if r.met:
                    continue
                out.append({"plan": key, "name": plan.name, "structure": plan.structure, "scope": str(plan.scope),
                            "model": r.target.model, "binding": r.binding, "msg": r.msg,
                            "coverage": r.target.coverage,
                            "date": r.target.date})
        return out

    return pg.memo(("decisions_plans",), make)


def _related(pg: ProgrammeGraph, structure: str, a: str, b: str) -> bool:
    """Whether unit ``a`` contains ``b``, or ``b`` contains ``a`` (or they are the same), in ``structure``."""
    ka, kb = unit_key(structure, a), unit_key(structure, b)
    units = pg.units
    if ka == kb:
        return True
    if ka not in units.index or kb not in units.index:
        return False
    cols = ("province", "district", "commune")
    return any(units.at[kb, c] == ka for c in cols if c in units.columns) or \
        any(units.at[ka, c] == kb for c in cols if c in units.columns)


def _child_rows(pg: ProgrammeGraph, as_of: dt.date, structure: str, scope: str, kind: str, model: str) -> pd.DataFrame:
    level = CHILD_LEVEL.get((structure, kind))
    if level is None:
        return pd.DataFrame()
    rows = status(pg, as_of, structure=structure, scope=scope, level=level, models=[model])
    return rows[(rows["level"] == level) & (rows["eligible"] > 0)]


def find_decisions(pg: ProgrammeGraph, as_of: dt.date, structure: str, scope: str, lang: str = "vi", *,
                   gaps: pd.DataFrame | None = None, targets: pd.DataFrame | None = None,
                   plans: bool = True) -> list[Decision]:
    """The decisions at ``scope`` (a province, district or commune code of ``structure``), most
    consequential first. ``gaps`` and ``targets`` may be passed when already computed
    (:func:`nhanrong.gaps.find_gaps`, :func:`nhanrong.targets.scope_targets` at the same scope);
    ``plans=False`` skips running the plans of ``plans/``."""
    key = unit_key(structure, scope)
    kind = str(pg.units.at[key, "kind"])
    targets = scope_targets(pg, as_of, structure, scope) if targets is None else targets
    gaps = find_gaps(pg, as_of, structure=structure, scope=scope) if gaps is None else gaps
    us = unit_stages(pg, as_of, structure=structure, scope=scope)
    findings = _plan_findings(pg, lang) if plans else []
    out: list[Decision] = []
    covered: set[str] = set()
    at_risk = targets[targets["verdict"].isin(["behind", "overdue"])] if len(targets) else targets
    # the nearest target at risk per (model, metric): the one the committee can still act on
    if len(at_risk):
        at_risk = at_risk.sort_values("target_date", kind="stable").drop_duplicates(["model", "metric"])
    for _, r in at_risk.iterrows():
        mid, metric = r["model"], r["metric"]
        mname = _model_name(pg, mid, lang)
        name, unit = _metric(pg, mid, metric, lang)
        target, actual = float(r["target"]), float(r["actual"])
        units: list[tuple[str, str, str]] = []
        shortfall = 0
        if metric == "coverage":
            mine = us[us["model"] == mid]
            eligible = len(mine)
            scale = int((mine["stage"].astype(str) == STAGE_NAMES[-1]).sum())
            shortfall = max(math.ceil(target * eligible - 1e-9) - scale, 0)
            children = _child_rows(pg, as_of, structure, scope, kind, mid)
            if len(children):
                need = np.maximum(np.ceil(target * children["eligible"].to_numpy() - 1e-9) - children["scale"].to_numpy(), 0)
                children = children.assign(_need=need)[need > 0].sort_values("_need", ascending=False, kind="stable")
                units = [(str(c.scope), str(c.scope_name), f"{fmt_number(c.scale, lang)}/{fmt_number(c.eligible, lang)}")
                         for c in children.itertuples()]
            else:
                behind = mine[mine["stage"].astype(str) != STAGE_NAMES[-1]]
                units = [(str(c), str(n), label("stage", str(s), lang))
                         for c, n, s in zip(behind["code"], behind["name"], behind["stage"])]
            counts = counts_text(pg, kind_counts(mine, mid), lang, scale=True)
            why = t("decisions.why_coverage", lang, actual=fmt_percent(actual, lang), counts=counts,
                    target=fmt_percent(target, lang), date=fmt_date(r["target_date"], lang),
                    short=fmt_number(shortfall, lang), projected=fmt_percent(r["projected"], lang))
        else:
            level = CHILD_LEVEL.get((structure, kind))
            if level:
                vals = metric_values(pg, as_of, structure=structure, scope=scope, level=level)
                vals = vals[(vals["model"] == mid) & (vals["metric"] == metric) & (vals["scope"].astype(str) != scope)]
                vals = vals[vals["value"] < target - 1e-9].sort_values("value", kind="stable")
                units = [(str(v.scope), str(v.scope_name), fmt_value(v.value, unit, lang)) for v in vals.itertuples()]
            else:
                units = [(scope, str(pg.units.at[key, "name"]), fmt_value(actual, unit, lang))]
            why = t("decisions.why_metric", lang, metric=name, actual=fmt_value(actual, unit, lang),
                    target=fmt_value(target, unit, lang), date=fmt_date(r["target_date"], lang),
                    projected=fmt_value(r["projected"], unit, lang))
        if not units:
            continue
        source = t("decisions.own", lang) if r.get("origin") == "own" else \
            t("decisions.inherited", lang, source=r.get("source_name") or "")
        verdict = str(r["verdict"])
        title = t("decisions.title_target", lang, model=mname, metric=name, verdict=label("verdict", verdict, lang).lower(),
                  n=fmt_number(len(units), lang), source=source)
        unblock, evidence_gaps = _unblock(pg, gaps, mid, lang)
        plan_key = ""
        for f in findings:
            if f["model"] == mid and f["structure"] == structure and _related(pg, structure, f["scope"], scope):
                unblock.append(t("decisions.plan", lang, plan=f["name"], message=f["msg"]))
                plan_key = plan_key or f["plan"]
        if not plan_key and metric == "coverage":
            unblock.append(t("decisions.no_plan", lang, model=mname))
        covered.add(mid)
        gap_points = (target - actual) * 100 if metric == "coverage" or unit.strip() == "%" else 0.0
        out.append(Decision("target", mid, title, why, tuple(units), (1, 2 if verdict == "overdue" else 1, shortfall, gap_points),
                            tuple(unblock), verdict, shortfall,
                            {"model": mid, "gaps": evidence_gaps, "plan": plan_key, "metric": metric}))
    # problems no target covers: each gap kind of a model that has no target at risk here
    if gaps is not None and len(gaps):
        for (mid, gkind), g in gaps.groupby(["model", "kind"], observed=True, sort=False):
            if gkind not in GAP_DECISIONS or mid in covered:
                continue
            g = g.drop_duplicates("unit_key")
            units = [(str(c), str(n), "" if not isinstance(cn, str) or not cn else cn)
                     for c, n, cn in zip(g["unit"], g["unit_name"], g.get("commune_name", pd.Series("", index=g.index)))]
            if not units:
                continue
            mname = _model_name(pg, mid, lang)
            title = t(f"decisions.title_{gkind.replace('-', '_')}", lang, model=mname, n=fmt_number(len(units), lang))
            why = t(f"decisions.why_{gkind.replace('-', '_')}", lang, model=mname, requires=_requires(pg, mid, lang))
            out.append(Decision(gkind, mid, title, why, tuple(units), (0, int(g["severity_rank"].max()), len(units), 0.0),
                                (), "", 0, {"model": mid, "gaps": [(mid, gkind)], "plan": ""}))
    out.sort(key=lambda d: d.rank, reverse=True)
    return out


def child_verdicts(pg: ProgrammeGraph, as_of: dt.date, structure: str, scope: str, targets: pd.DataFrame,
                   lang: str = "vi") -> pd.DataFrame:
    """One row per (model, unit one level below ``scope``): its coverage against the coverage target that
    applies to it (its own when the data sets one, else the one ``targets``, :func:`scope_targets` at the
    scope, passes down: the next one due), with the verdict. Columns: model, code, name, eligible, scale,
    coverage, target, target_date, verdict, source."""
    from .targets import PACE_MONTHS, judge

    cols = ["model", "code", "name", "eligible", "scale", "coverage", "target", "target_date", "verdict", "source"]
    kind = str(pg.units.at[unit_key(structure, scope), "kind"])
    level = CHILD_LEVEL.get((structure, kind))
    if level is None or targets is None or not len(targets):
        return pd.DataFrame(columns=cols)
    as_of_ts = pd.Timestamp(as_of)
    before = as_of_ts - pd.DateOffset(months=PACE_MONTHS)
    now = status(pg, as_of, structure=structure, scope=scope, level=level)
    prev = status(pg, before.date(), structure=structure, scope=scope, level=level)
    now, prev = now[now["level"] == level], prev[prev["level"] == level]
    prev_cov = {(m, c): v for m, c, v in zip(prev["model"], prev["scope"].astype(str), prev["coverage"])}
    own = {(mid, t.structure, str(t.scope)): t for mid, m in pg.programme.models.items() for t in m.targets
           if t.metric == "coverage"}
    cov = targets[targets["metric"] == "coverage"]
    rows = []
    for r in now[now["eligible"] > 0].itertuples():
        mid, code = r.model, str(r.scope)
        mine = [t for (m, s, c), t in own.items() if m == mid and s == structure and c == code]
        if mine:
            due = [t for t in mine if pd.Timestamp(t.date) >= as_of_ts] or mine
            pick = min(due, key=lambda t: t.date) if due is not mine else max(mine, key=lambda t: t.date)
            value, date, source = pick.value, pick.date, t("decisions.own", lang)
        else:
            up = cov[cov["model"] == mid]
            if not len(up):
                continue
            dates = pd.to_datetime(up["target_date"])
            later = up[dates >= as_of_ts]
            pick = later.loc[pd.to_datetime(later["target_date"]).idxmin()] if len(later) else up.loc[dates.idxmax()]
            value, date = float(pick["target"]), pick["target_date"]
            source = t("decisions.inherited", lang, source=pick["source_name"] if pick["origin"] == "inherited" else r.scope_name) \
                if pick["origin"] == "inherited" else t("decisions.inherited", lang, source=pick["scope_name"])
        actual = float(r.coverage)
        _, verdict = judge(actual, float(prev_cov.get((mid, code), float("nan"))), value, date, as_of_ts, before, True)
        rows.append([mid, code, str(r.scope_name), int(r.eligible), int(r.scale), actual, value, date, verdict, source])
    return pd.DataFrame(rows, columns=cols)


def structure_notes(pg: ProgrammeGraph, structure: str, scope: str, lang: str = "vi") -> list[str]:
    """In the new structure, what a reader must know about the scope: the old units it was merged from, and
    those of them with no record at all (old Lào Cai's communes), whose new communes count as not started."""
    if structure != "new" or not scope:
        return []
    key = unit_key("new", scope)
    if key not in pg.units.index:
        return []
    # whatever the date and the language: once per scope (three passes over every unit otherwise)
    parts, empty, n = pg.memo(("merged_from", key), lambda: _merged_from(pg, key))
    if not parts:
        return []
    lines = [t("structure.merged", lang, new=str(pg.units.at[key, "name"]), parts=", ".join(parts))]
    if empty:
        lines.append(t("structure.no_records", lang, units=", ".join(empty), n=fmt_number(n, lang)))
    return lines


def _merged_from(pg: ProgrammeGraph, key: str) -> tuple[list[str], list[str], int]:
    """The names of the old units a new unit was merged from; for a province, those of them with no
    record (when some have), and how many new communes have no old commune with records."""
    from .status import _provinces_with_data

    units = pg.units
    kind = str(units.at[key, "kind"])
    col = "new_province" if kind == "province" else "new_commune"
    part_kind = "province" if kind == "province" else "commune"
    old = units[(units["structure"] == "old") & (units[col] == key) & (units["kind"] == part_kind)]
    if "dissolved" in old:
        old = old[old["dissolved"].isna()]
    if not len(old) or kind != "province":
        return old["name"].astype(str).tolist(), [], 0
    with_data = set(_provinces_with_data(pg, "old"))
    empty = old[~old.index.isin(with_data)]
    if not len(empty) or len(empty) == len(old):
        return old["name"].astype(str).tolist(), [], 0
    communes = units[(units["structure"] == "old") & (units["kind"] == "commune") & (units["new_province"] == key)]
    if "dissolved" in communes:
        communes = communes[communes["dissolved"].isna()]
    has = communes.groupby("new_commune")["province"].agg(lambda s: bool(set(s) & with_data))
    return old["name"].astype(str).tolist(), empty["name"].astype(str).tolist(), int((~has).sum())


def _requires(pg: ProgrammeGraph, mid: str, lang: str) -> str:
    m = pg.programme.models.get(mid)
    names = [f"«{_model_name(pg, r.model, lang)}»" for r in (m.requires if m else [])]
    return ", ".join(dict.fromkeys(names)) or "–"


def _unblock(pg: ProgrammeGraph, gaps: pd.DataFrame, mid: str, lang: str) -> tuple[list[str], list]:
    """What the gaps say would unblock ``mid``: the prerequisite missing, units stalled or past a gate."""
    lines: list[str] = []
    evidence: list = [(mid, "not-started")]
    if gaps is None or not len(gaps):
        return lines, evidence
    mine = gaps[gaps["model"] == mid]
    for gkind in ("prerequisite", "stalled", "gate-skipped", "stale"):
        g = mine[mine["kind"] == gkind].drop_duplicates("unit_key")
        if not len(g):
            continue
        names = ", ".join(g["unit_name"].astype(str).head(MAX_NAMED))
        more = len(g) - min(len(g), MAX_NAMED)
        if more:
            names = t("decisions.units_more", lang, units=names, n=fmt_number(more, lang))
        lines.append(t(f"decisions.unblock_{gkind.replace('-', '_')}", lang, n=fmt_number(len(g), lang), units=names,
                       requires=_requires(pg, mid, lang)))
        evidence.append((mid, gkind))
    return lines, evidence


__all__ = ["Decision", "find_decisions", "child_verdicts", "structure_notes", "kind_counts", "counts_text", "MAX_NAMED"]
