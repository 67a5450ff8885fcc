"""Lập kế hoạch / Planner: edit a plan's numbers, run it with a progress bar, see the wave
calendar, the coverage curves against the targets and the resources used per wave; download
the schedule; save the plan file (comments kept, refused if someone changed it meanwhile)."""

from __future__ import annotations


import altair as alt
import pandas as pd
import streamlit as st

from nhanrong_app.common import context, current_user, graph, may_edit_plans, select
from nhanrong.editing.plans import save_plan_text
from nhanrong.charts import date_axis, date_tooltip, localise
from nhanrong.editing.safewrite import read_snapshot
from nhanrong.errors import NhanRongError
from nhanrong.formats import date_format_hint, fmt_date, fmt_number, fmt_percent, parse_number_text
from nhanrong.i18n import label, t
from nhanrong.planning.adapter import build_instance
from nhanrong.exports import CSV_MIME, XLSX_MIME
from nhanrong.planning.export import cost_by_pool, excel_bytes, resource_use, schedule_csv_bytes, schedule_frame
from nhanrong.planning.forecast import coverage_curves, evaluate_targets, run_plan
from nhanrong.planning.labels import PERIODS, POOLS, RULES, pick, ui
from nhanrong.planning.planfile import edited_plan, plan_toml
from nhanrong.planning.variants import compare_variants, parse_variant

POOL_ORDER = ["trainer_hours", "trainers", "devices", "budget_vnd", "people"]


# --- pure transforms ---------------------------------------------------------------------------


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
    x = float(x)
    decimals = 0 if x.is_integer() else len(repr(x).split(".")[1]) if "e" not in repr(x) else 6
    return fmt_number(x, lang, decimals)


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
    return pd.DataFrame({
        "model": [t.model for t in plan.targets],
        "coverage": [t.coverage * 100 for t in plan.targets],
        "date": [t.date for t in plan.targets],
        "scope": [t.scope or "" for t in plan.targets],
    }, columns=["model", "coverage", "date", "scope"])


def plan_from_widgets(plan, start, period, horizon, rule, pilot_first, resources: pd.DataFrame, targets: pd.DataFrame,
                      lang: str = "vi"):
    amounts = [(str(r.pool), parse_amount(r.amount, lang)) for r in resources.itertuples()
               if pd.notna(r.pool) and str(r.pool).strip()]
    res = {pool: x for pool, x in amounts if x is not None}
    tgts = [{"model": r.model, "coverage": float(r.coverage) / 100, "date": pd.Timestamp(r.date).date(),
             "scope": (str(r.scope).strip() or None) if pd.notna(r.scope) else None}
            for r in targets.itertuples() if pd.notna(r.model) and pd.notna(r.coverage) and pd.notna(r.date)]
    return edited_plan(plan, start=start, period=period, horizon=int(horizon), resources=res, targets=tgts,
                       priorities={"rule": rule, "units_first": list(plan.priorities.units_first)},
                       pilot_first=bool(pilot_first))


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


# --- layout ------------------------------------------------------------------------------------

ctx = context()
pg = graph()
L = ctx.lang
prog = pg.programme
st.header(ui("page", L))
if not prog.plans:
    st.info(ui("no_plans", L))
    st.stop()

name = select(ui("plan", L), sorted(prog.plans), key="planner_plan", format_func=lambda n: prog.plans[n].name,
                    filter_mode=None)
plan = prog.plans[name]
path = prog.root / prog.plan_paths[name]
digest_key = f"planner_digest_{name}"
if digest_key not in st.session_state:
    st.session_state[digest_key] = read_snapshot(path).digest
names = {m: prog.model_name(m, L) for m in prog.model_order}

with st.form(key=f"planner_form_{name}"):
    st.subheader(ui("numbers", L))
    c1, c2, c3, c4 = st.columns([1.2, 1, 1, 1.6])
    start = c1.date_input(ui("start", L), value=plan.start, key=f"planner_start_{name}", format=date_format_hint(L))
    period = select(ui("period", L), list(PERIODS), where=c2, index=list(PERIODS).index(plan.period),
                          key=f"planner_period_{name}", filter_mode=None, format_func=lambda p: pick(PERIODS, p, L))
    horizon = c3.number_input(ui("horizon", L), min_value=1, max_value=260, value=plan.horizon, step=1,
                              key=f"planner_horizon_{name}")
    rule = select(ui("rule", L), list(RULES), where=c4, index=list(RULES).index(plan.priorities.rule),
                        key=f"planner_rule_{name}", filter_mode=None, format_func=lambda r: pick(RULES, r, L))
    pilot_first = st.checkbox(ui("pilot_first", L), value=plan.pilot_first, key=f"planner_pilot_first_{name}")
    c5, c6 = st.columns([1, 1.6])
    res_frame = resources_frame(plan, prog.models, L)
    resources = c5.data_editor(
        res_frame, key=f"planner_resources_{name}_{L}", hide_index=True, width="stretch",
        num_rows="dynamic",
        column_config={"pool": st.column_config.SelectboxColumn(
                           ui("pool", L), options=list(dict.fromkeys([*POOL_ORDER, *res_frame["pool"]])),
                           format_func=lambda p: f"{pick(POOLS, p, L)} ({p})" if p in POOLS else p),
                       "amount": st.column_config.TextColumn(ui("amount", L), help=ui("amount_help", L),
                                                             default=ui("unlimited", L))})
    targets = c6.data_editor(
        targets_frame_in(plan), key=f"planner_targets_{name}", hide_index=True, width="stretch", num_rows="dynamic",
        column_config={"model": st.column_config.SelectboxColumn(ui("model", L), options=list(prog.model_order),
                                                                  format_func=lambda m: names.get(m, m)),
                       "coverage": st.column_config.NumberColumn(ui("coverage", L), min_value=0, max_value=100),
                       "date": st.column_config.DateColumn(ui("date", L), format=date_format_hint(L)),
                       "scope": st.column_config.TextColumn(ui("scope", L))})
    run = st.form_submit_button(ui("run", L), type="primary")

try:
    edited = plan_from_widgets(plan, start, period, horizon, rule, pilot_first, resources, targets, L)
except NhanRongError as exc:
    st.error(ui("invalid", L, error=exc.text(L)))
    st.stop()

signature = (ctx.fp, edited.model_dump_json(), L)
result = st.session_state.get("planner_result")
if run or result is None or result[0] != signature:
    try:
        inst, notes = build_instance(pg, edited)
        bar = st.progress(0.0, text=ui("running", L))
        sched = run_plan(inst, progress=lambda x: bar.progress(min(float(x), 1.0), text=ui("running", L)))
        with st.spinner(ui("searching", L)):
            results = evaluate_targets(sched, lang=L)
        bar.empty()
    except NhanRongError as exc:
        st.error(ui("error", L, error=exc.text(L)))
        st.stop()
    result = (signature, sched, results, notes)
    st.session_state["planner_result"] = result
_, sched, results, notes = result
inst = sched.instance

schedule = schedule_frame(sched, lang=L)
curves = coverage_curves(sched, lang=L)
use = resource_use(sched, lang=L)
labels = list(dict.fromkeys(curves["label"]))
cost = cost_by_pool(sched)
m1, m2, m3 = st.columns(3)
m1.metric(ui("met", L), f"{sum(r.met for r in results)} / {len(results)}")
m2.metric(ui("scheduled", L), f"{fmt_number((schedule['period'] != '').sum(), L)} / {fmt_number(len(schedule), L)}")
m3.metric(ui("cost", L), f"{fmt_number(cost.get('budget_vnd', 0), L)} đ")

st.subheader(ui("targets", L))
if results:
    st.dataframe(pd.DataFrame({
        ui("model", L): [names.get(r.target.model, r.target.model) for r in results],
        ui("scope", L).split(" (")[0]: [r.target.label for r in results],
        ui("targets", L): [f"{fmt_percent(r.target.coverage, L, 0)} · {fmt_date(r.target.date, L)}" for r in results],
        ui("forecast", L): [fmt_percent(r.coverage, L) for r in results],
        ui("verdict", L): [ui("verdict_met" if r.met else "verdict_not", L) for r in results],
        ui("earliest", L): [fmt_date(r.earliest, L) for r in results],
        ui("why", L): [r.msg.text(L) for r in results],
    }), hide_index=True, width="stretch", key="planner_targets_table")
    for r in results:
        if not r.met and r.msg.key:
            st.warning(f"**{names.get(r.target.model, r.target.model)}** ({r.target.label}): {r.msg.text(L)}")
else:
    st.info(ui("no_targets", L))
for note in notes:
    st.caption(f"{ui('notes', L)}: {note.text(L)}")

c7, c8 = st.columns(2)
# Every chart in the language on screen: numbers 1.000 and 43,8%, months "thg 1 2023" (charts.localise).
c7.altair_chart(localise(curves_chart(curves, names, L), L), width="stretch", key="planner_curves")
c8.altair_chart(localise(calendar_chart(schedule, names, labels, L), L), width="stretch", key="planner_calendar")
if len(use):
    st.altair_chart(localise(use_chart(use, labels, L), L), width="stretch", key="planner_use")

with st.expander(ui("whatif", L)):
    specs = st.text_area(ui("whatif_help", L), value="*1.5\ndelay=180\nrule=every-area", key=f"planner_whatif_{name}")
    if st.button(ui("compare", L), key="planner_compare"):
        try:
            cmp = compare_variants(inst, [parse_variant(x) for x in specs.splitlines() if x.strip()], lang=L)
        except NhanRongError as exc:
            st.error(exc.text(L))
        else:
            st.session_state["planner_comparison"] = (signature, cmp)
    kept = st.session_state.get("planner_comparison")
    if kept and kept[0] == signature:
        cmp = kept[1]
        summary = pd.DataFrame({
            ui("variant", L): cmp.summary["variant"],
            ui("met", L): [f"{a}/{b}" for a, b in zip(cmp.summary["targets_met"], cmp.summary["targets"])],
            ui("scheduled", L): [f"{fmt_number(a, L)}/{fmt_number(b, L)}"
                                 for a, b in zip(cmp.summary["units_planned"], cmp.summary["units_total"])],
            ui("mean_wave", L): [fmt_number(x, L, 2) for x in cmp.summary["mean_wave"]],
            **{f"{c[5:]} ({pick(POOLS, c[5:], L)})": [fmt_number(x, L) for x in cmp.summary[c]]
               for c in cmp.summary.columns if c.startswith("cost_")},
        })
        st.dataframe(summary, hide_index=True, width="stretch", key="planner_variants_table")
        planned = [m for m in prog.model_order if m in inst.planned_models] + [
            m for m in inst.planned_models if m not in prog.model_order]
        pick_model = select(ui("model", L), planned, key="planner_variant_model", filter_mode=None,
                                  format_func=lambda m: names.get(m, m))
        st.altair_chart(localise(variants_chart(cmp.curves, pick_model,
                                                ui("variant_curves", L, model=names.get(pick_model, pick_model)), L), L),
                        width="stretch", key="planner_variants_chart")

st.subheader(ui("schedule", L))
st.dataframe(schedule_display(schedule, names, L, prog.kind_label), hide_index=True, width="stretch", key="planner_schedule")
d1, d2, d3 = st.columns(3)
# Built on click, through the one export path (formula-safe text, BOM and CRLF for Excel).
d1.download_button(ui("download_csv", L), lambda: schedule_csv_bytes(sched), f"{name}.schedule.csv", CSV_MIME,
                   key="planner_csv", on_click="ignore")
d2.download_button(ui("download_xlsx", L), lambda: excel_bytes(sched, results, lang=L), f"{name}.xlsx", XLSX_MIME,
                   key="planner_xlsx", on_click="ignore")
# Saving needs a logged-in user with plans = true in rights.toml (issue 11); running what-ifs does not.
# The save goes through nhanrong.editing like the Record page: validated, written all or nothing and
# committed with the logged-in user as author (on their review branch when rights.toml asks for review).
if d3.button(ui("save", L), key="planner_save", disabled=not may_edit_plans(ctx.root)):
    rel = str(prog.plan_paths[name])
    try:
        text = plan_toml(path.read_text(encoding="utf-8") if path.exists() else "", edited)
        saved = save_plan_text(ctx.root, rel, text, expected=st.session_state[digest_key], user=current_user())
    except NhanRongError as exc:  # EditError (refused, stale, no right) and PlanWriteError alike
        st.error(exc.text(L))
    else:
        st.session_state[digest_key] = read_snapshot(path).digest
        if saved.commit and saved.branch:
            st.success(t("record.saved_branch", L, files=rel, commit=saved.commit[:10], branch=saved.branch))
        elif saved.commit:
            st.success(t("record.saved", L, files=rel, commit=saved.commit[:10]))
        else:
            st.success(ui("saved", L, path=rel))
