"""The planner page's view: the plan's numbers as the editors show them and back, the results of a
run (targets met, units scheduled, cost, the targets table, warnings and notes), the four charts,
the schedule as planners read it and the what-if comparison.

The page keeps the widgets, the run with its progress bar and the save; everything it shows is
computed here, texts in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from ..charts import date_axis, date_tooltip, localise
from ..errors import NhanRongError
from ..formats import fmt_date, fmt_number, fmt_percent, parse_number_text
from ..i18n import format_value, label, t
from ..planning.labels import POOLS, pick, ui
from ..planning.planfile import edited_plan

POOL_ORDER = ["trainer_hours", "trainers", "devices", "budget_vnd", "people"]


# --- the editors' numbers ----------------------------------------------------------------------


def resources_frame(plan, models, lang: str = "vi") -> pd.DataFrame:
    """The plan's pools, plus every pool a planned model names. The amount is text the way the
    language writes it ("2.500.000.000"; "không giới hạn" / "unlimited" for a pool with no limit):
    Streamlit's number column can only group with commas and shows an empty cell as "None"."""
    pools = list(plan.resources)
    for mid in plan.models or list(models):
        pools += [p for p in models[mid].resources if p not in pools]
    pools.sort(key=lambda p: (POOL_ORDER.index(p) if p in POOL_ORDER else len(POOL_ORDER), p))
    return pd.DataFrame({"pool": pools, "amount": [amount_text(plan.resources.get(p), lang) for p in pools]})


def amount_text(x, lang: str = "vi") -> str:
    """A pool's amount as shown in the editor: grouped digits, every decimal kept; unlimited in words."""
    if x is None or pd.isna(x):
        return ui("unlimited", lang)
    return format_value(float(x), "exact", lang)


UNLIMITED_WORDS = {"", "-", "–", "∞", "none", "nan", "không giới hạn", "khong gioi han", "unlimited"}


def parse_amount(x, lang: str = "vi") -> float | None:
    """The editor's text back to a number (None: unlimited); either language's words for unlimited work."""
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return None
    if isinstance(x, str) and x.strip().casefold() in UNLIMITED_WORDS | {ui("unlimited", lg).casefold() for lg in ("vi", "en")}:
        return None
    try:
        return parse_number_text(x, lang)
    except ValueError:
        raise NhanRongError("planner.bad_amount", text=str(x)) from None


def targets_frame_in(plan) -> pd.DataFrame:
    """The plan's targets as the targets editor shows them (coverage in percent)."""
    return pd.DataFrame({
        "model": [t.model for t in plan.targets],
        "coverage": [t.coverage * 100 for t in plan.targets],
        "date": [t.date for t in plan.targets],
        "scope": [t.scope or "" for t in plan.targets],
    }, columns=["model", "coverage", "date", "scope"])


def plan_from_widgets(plan, start, period, horizon, rule, pilot_first, resources: pd.DataFrame, targets: pd.DataFrame,
                      lang: str = "vi"):
    """The plan with the widgets' numbers (raises NhanRongError for an amount that is no number)."""
    amounts = [(str(r.pool), parse_amount(r.amount, lang)) for r in resources.itertuples()
               if pd.notna(r.pool) and str(r.pool).strip()]
    res = {pool: x for pool, x in amounts if x is not None}
    tgts = [{"model": r.model, "coverage": float(r.coverage) / 100, "date": pd.Timestamp(r.date).date(),
             "scope": (str(r.scope).strip() or None) if pd.notna(r.scope) else None}
            for r in targets.itertuples() if pd.notna(r.model) and pd.notna(r.coverage) and pd.notna(r.date)]
    return edited_plan(plan, start=start, period=period, horizon=int(horizon), resources=res, targets=tgts,
                       priorities={"rule": rule, "units_first": list(plan.priorities.units_first)},
                       pilot_first=bool(pilot_first))


def pool_option(p: str, lang: str) -> str:
    """A pool as the resources editor's list shows it: "Giờ giảng viên (trainer_hours)"; unknown pools by id."""
    return f"{pick(POOLS, p, lang)} ({p})" if p in POOLS else p


def pool_options(resources: pd.DataFrame) -> list[str]:
    """The pools the resources editor offers: the usual ones, then the plan's others."""
    return list(dict.fromkeys([*POOL_ORDER, *resources["pool"]]))


def model_names(prog, lang: str) -> dict[str, str]:
    """model id -> its name in ``lang``, in the repository's order."""
    return {m: prog.model_name(m, lang) for m in prog.model_order}


def schedule_display(schedule: pd.DataFrame, names: dict[str, str], lang: str, kind_word=None) -> pd.DataFrame:
    """The schedule as planners read it: model names, kinds (in the repository's words when
    ``kind_word(kind, lang)`` is given) and dates in their language, titled columns."""
    kind_word = kind_word or (lambda k, lg: label("kind", k, lg))
    out = schedule.assign(
        model=schedule["model"].map(lambda m: names.get(m, m)),
        kind=schedule["kind"].map(lambda k: kind_word(k, lang)),
        start=[fmt_date(pd.Timestamp(d).date(), lang) if d else "" for d in schedule["start"]],
        scale=[fmt_date(pd.Timestamp(d).date(), lang) if d else "" for d in schedule["scale"]],
    )
    return out.rename(columns={c: ui(f"col.{c}", lang) for c in out.columns})


# --- charts ------------------------------------------------------------------------------------


def calendar_chart(schedule: pd.DataFrame, names: dict[str, str], order: list[str], lang: str) -> alt.Chart:
    rows = schedule[schedule["period"] != ""].groupby(["period", "model"], as_index=False).size()
    rows["model_name"] = rows["model"].map(names)
    return alt.Chart(rows, title=ui("calendar", lang)).mark_bar().encode(
        x=alt.X("period:N", sort=order, title=ui("wave", lang)),
        y=alt.Y("size:Q", title=ui("units_label", lang)),
        color=alt.Color("model_name:N", title=ui("model", lang), legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=[alt.Tooltip("period:N", title=ui("wave", lang)), alt.Tooltip("model_name:N", title=ui("model", lang)),
                 alt.Tooltip("size:Q", title=ui("units_label", lang))],
    )


def curves_chart(curves: pd.DataFrame, names: dict[str, str], lang: str) -> alt.Chart:
    whole = curves[curves["target"].isna()].assign(model_name=lambda f: f["model"].map(names))
    whole["date"] = pd.to_datetime(whole["date"])
    color = alt.Color("model_name:N", title=ui("model", lang), legend=alt.Legend(orient="bottom", columns=2))
    lines = alt.Chart(whole, title=ui("curves", lang)).mark_line(point=True).encode(
        x=alt.X("date:T", title=ui("date", lang), axis=date_axis(lang)),
        y=alt.Y("coverage:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]), title=ui("share", lang)),
        color=color,
        tooltip=[alt.Tooltip("model_name:N", title=ui("model", lang)), alt.Tooltip("label:N", title=ui("wave", lang)),
                 alt.Tooltip("coverage:Q", format=".1%", title=ui("share", lang))],
    )
    goals = curves[curves["target"].notna()].drop_duplicates(["model", "scope", "target", "target_date"])
    if not len(goals):
        return lines
    goals = goals.assign(model_name=lambda f: f["model"].map(names), target_date=lambda f: pd.to_datetime(f["target_date"]))
    marks = alt.Chart(goals).mark_point(shape="diamond", size=140, filled=True).encode(
        x="target_date:T", y="target:Q", color=color,
        tooltip=[alt.Tooltip("model_name:N", title=ui("model", lang)), alt.Tooltip("scope:N", title=ui("col.scope", lang)),
                 alt.Tooltip("target:Q", format=".0%", title=ui("targets", lang)),
                 date_tooltip("target_date:T", ui("date", lang), lang)],
    )
    return lines + marks


def use_chart(use: pd.DataFrame, order: list[str], lang: str) -> alt.Chart:
    rows = use.assign(pool_name=use["pool"].map(lambda p: f"{p} ({pick(POOLS, p, lang)})"))
    return alt.Chart(rows, title=ui("use", lang)).mark_bar().encode(
        x=alt.X("label:N", sort=order, title=ui("wave", lang)),
        xOffset="pool_name:N",
        y=alt.Y("share:Q", axis=alt.Axis(format="%"), title=ui("share", lang)),
        color=alt.Color("pool_name:N", title=ui("pool", lang), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("label:N", title=ui("wave", lang)), alt.Tooltip("pool_name:N", title=ui("pool", lang)),
                 alt.Tooltip("used:Q", format=",.0f", title=ui("used", lang)),
                 alt.Tooltip("capacity:Q", format=",.0f", title=ui("capacity", lang)),
                 alt.Tooltip("share:Q", format=".0%", title=ui("share", lang))],
    )


def variants_chart(curves: pd.DataFrame, model: str, title: str, lang: str) -> alt.Chart:
    rows = curves[(curves["model"] == model) & curves["target"].isna()].copy()
    rows["date"] = pd.to_datetime(rows["date"])
    return alt.Chart(rows, title=title).mark_line(point=True).encode(
        x=alt.X("date:T", title=ui("date", lang), axis=date_axis(lang)),
        y=alt.Y("coverage:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]), title=ui("share", lang)),
        color=alt.Color("variant:N", title=ui("variant", lang), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("variant:N", title=ui("variant", lang)), alt.Tooltip("label:N", title=ui("wave", lang)),
                 alt.Tooltip("coverage:Q", format=".1%", title=ui("share", lang))],
    )


# --- the results of a run ----------------------------------------------------------------------


@dataclass
class PlannerView:
    """What the planner page draws below its form for one run, in the order it draws it."""

    met: str  # "0 / 1": targets met
    scheduled: str  # units given a wave / all units
    cost: str  # the budget spent, "… đ"
    targets: pd.DataFrame | None  # None: the plan sets no target
    warnings: list[str]  # one markdown line per target not met, with its reason
    notes: list[str]  # the instance's notes, "Ghi chú: …"
    curves_chart: object
    calendar_chart: object
    use_chart: object | None  # None: no pool is limited
    schedule: pd.DataFrame  # the schedule as planners read it


def targets_table(results, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Each target with its forecast, verdict, earliest date and the reason it is missed and how to fix it."""
    L = lang
    return pd.DataFrame({
        ui("model", L): [names.get(r.target.model, r.target.model) for r in results],
        ui("scope", L).split(" (")[0]: [r.target.label for r in results],
        ui("targets", L): [f"{fmt_percent(r.target.coverage, L, 0)} · {fmt_date(r.target.date, L)}" for r in results],
        ui("forecast", L): [fmt_percent(r.coverage, L) for r in results],
        ui("verdict", L): [ui("verdict_met" if r.met else "verdict_not", L) for r in results],
        ui("earliest", L): [fmt_date(r.earliest, L) for r in results],
        ui("why", L): [r.msg.text(L) for r in results],
    })


def planner_view(prog, sched, results, notes, lang: str) -> PlannerView:
    """The results of running a plan: ``sched`` from run_plan, ``results`` from evaluate_targets and the
    ``notes`` build_instance gave."""
    from ..planning.export import cost_by_pool, resource_use, schedule_frame
    from ..planning.forecast import coverage_curves

    L = lang
    names = model_names(prog, L)
    schedule = schedule_frame(sched, lang=L)
    curves = coverage_curves(sched, lang=L)
    use = resource_use(sched, lang=L)
    labels = list(dict.fromkeys(curves["label"]))
    cost = cost_by_pool(sched)
    return PlannerView(
        met=f"{sum(r.met for r in results)} / {len(results)}",
        scheduled=f"{fmt_number((schedule['period'] != '').sum(), L)} / {fmt_number(len(schedule), L)}",
        cost=f"{fmt_number(cost.get('budget_vnd', 0), L)} đ",
        targets=targets_table(results, names, L) if results else None,
        warnings=[f"**{names.get(r.target.model, r.target.model)}** ({r.target.label}): {r.msg.text(L)}"
                  for r in results if not r.met and r.msg.key],
        notes=[f"{ui('notes', L)}: {note.text(L)}" for note in notes],
        # Every chart in the language on screen: numbers 1.000 and 43,8%, months "thg 1 2023" (charts.localise).
        curves_chart=localise(curves_chart(curves, names, L), L),
        calendar_chart=localise(calendar_chart(schedule, names, labels, L), L),
        use_chart=localise(use_chart(use, labels, L), L) if len(use) else None,
        schedule=schedule_display(schedule, names, L, prog.kind_label),
    )


# --- what-ifs ----------------------------------------------------------------------------------


def variants_table(cmp, lang: str) -> pd.DataFrame:
    """The variants side by side: targets met, units scheduled, mean wave and cost per pool."""
    L = lang
    return pd.DataFrame({
        ui("variant", L): cmp.summary["variant"],
        ui("met", L): [f"{a}/{b}" for a, b in zip(cmp.summary["targets_met"], cmp.summary["targets"])],
        ui("scheduled", L): [f"{fmt_number(a, L)}/{fmt_number(b, L)}"
                             for a, b in zip(cmp.summary["units_planned"], cmp.summary["units_total"])],
        ui("mean_wave", L): [fmt_number(x, L, 2) for x in cmp.summary["mean_wave"]],
        **{f"{c[5:]} ({pick(POOLS, c[5:], L)})": [fmt_number(x, L) for x in cmp.summary[c]]
           for c in cmp.summary.columns if c.startswith("cost_")},
    })


def planned_models(prog, inst) -> list[str]:
    """The instance's planned models, in the repository's order first."""
    return [m for m in prog.model_order if m in inst.planned_models] + [
        m for m in inst.planned_models if m not in prog.model_order]


def variant_curves(cmp, model: str, names: dict[str, str], lang: str):
    """One model's coverage curve under every variant, localised."""
    title = ui("variant_curves", lang, model=names.get(model, model))
    return localise(variants_chart(cmp.curves, model, title, lang), lang)


def saved_message(saved, rel: str, lang: str) -> str:
    """What the page says after saving plan file ``rel``: its commit and branch when it has them."""
    if saved.commit and saved.branch:
        return t("record.saved_branch", lang, files=rel, commit=saved.commit[:10], branch=saved.branch)
    if saved.commit:
        return t("record.saved", lang, files=rel, commit=saved.commit[:10])
    return ui("saved", lang, path=rel)


__all__ = ["POOL_ORDER", "UNLIMITED_WORDS", "PlannerView", "amount_text", "calendar_chart", "curves_chart", "model_names",
           "parse_amount", "plan_from_widgets", "planned_models", "planner_view", "pool_option", "pool_options",
           "resources_frame", "saved_message", "schedule_display", "targets_frame_in", "targets_table", "use_chart",
           "variant_curves", "variants_chart", "variants_table"]
