"""Lập kế hoạch / Planner: edit a plan's numbers, run it with a progress bar, see the wave
calendar, the coverage curves against the targets and the resources used per wave; download
the schedule; save the plan file (comments kept, refused if someone changed it meanwhile).
The page draws :mod:`nhanrong.views.planner`."""

from __future__ import annotations

import streamlit as st

from nhanrong_app.common import context, current_user, graph, may_edit_plans, select
from nhanrong.editing.plans import save_plan_text
from nhanrong.editing.safewrite import read_snapshot
from nhanrong.errors import NhanRongError
from nhanrong.formats import date_format_hint
from nhanrong.planning.adapter import build_instance
from nhanrong.exports import CSV_MIME, XLSX_MIME
from nhanrong.planning.export import excel_bytes, schedule_csv_bytes
from nhanrong.planning.forecast import evaluate_targets, run_plan
from nhanrong.planning.labels import PERIODS, RULES, pick, ui
from nhanrong.planning.planfile import plan_toml
from nhanrong.planning.variants import compare_variants, parse_variant
from nhanrong.views.planner import (model_names, plan_from_widgets, planned_models, planner_view, pool_option,
                                    pool_options, resources_frame, saved_message, targets_frame_in, variant_curves,
                                    variants_table)

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
names = model_names(prog, L)

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
                           ui("pool", L), options=pool_options(res_frame), format_func=lambda p: pool_option(p, L)),
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

view = planner_view(prog, sched, results, notes, L)
m1, m2, m3 = st.columns(3)
m1.metric(ui("met", L), view.met)
m2.metric(ui("scheduled", L), view.scheduled)
m3.metric(ui("cost", L), view.cost)

st.subheader(ui("targets", L))
if view.targets is not None:
    st.dataframe(view.targets, hide_index=True, width="stretch", key="planner_targets_table")
    for warning in view.warnings:
        st.warning(warning)
else:
    st.info(ui("no_targets", L))
for note in view.notes:
    st.caption(note)

c7, c8 = st.columns(2)
c7.altair_chart(view.curves_chart, width="stretch", key="planner_curves")
c8.altair_chart(view.calendar_chart, width="stretch", key="planner_calendar")
if view.use_chart is not None:
    st.altair_chart(view.use_chart, width="stretch", key="planner_use")

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
        summary = variants_table(cmp, L)
        st.dataframe(summary, hide_index=True, width="stretch", key="planner_variants_table")
        planned = planned_models(prog, inst)
        pick_model = select(ui("model", L), planned, key="planner_variant_model", filter_mode=None,
                                  format_func=lambda m: names.get(m, m))
        st.altair_chart(variant_curves(cmp, pick_model, names, L),
                        width="stretch", key="planner_variants_chart")

st.subheader(ui("schedule", L))
st.dataframe(view.schedule, hide_index=True, width="stretch", key="planner_schedule")
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
        st.success(saved_message(saved, rel, L))
