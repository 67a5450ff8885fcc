"""Mô hình / Model: one model's "3 được" (targets, method and resources, metrics), its
stage gates and prerequisites, coverage by district or commune, and its pilots' spread."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nhanrong_app.common import (context, graph, illustrative_banner, kind_label, md_escape, metric_frame, ordered,
                              spread_frame, status_frame, targets_frame)
from nhanrong.brief import HISTORY_AS_OF, format_targets
from nhanrong.charts import coverage_by_chart, spread_chart
from nhanrong.formats import fmt_number, fmt_percent, fmt_value, natural_rank
from nhanrong.i18n import label
from nhanrong.registry import REFORM_DATE
from nhanrong.schema import ABOLISHED_KINDS, STAGES

ctx = context()
pg = graph()
models = pg.programme.models
if not models:
    st.info(ctx.t("no_data"))
    st.stop()

mid = st.selectbox(ctx.t("model.select"), list(ordered(pg)), key="model_id", format_func=lambda m: pg.programme.model_name(m, ctx.lang),
                   filter_mode=None)
m = models[mid]
path = pg.programme.model_paths.get(mid, f"models/{mid}.toml")

st.header(pg.programme.model_name(mid, ctx.lang))
st.caption(" · ".join([*(label("pillar", p, ctx.lang) for p in m.pillars),
                       ctx.t("model.file", path=path)]))
if m.summary:
    st.markdown(md_escape(m.summary))
illustrative_banner(ctx, pg)

# --- the "3 được" ------------------------------------------------------------------------------
st.subheader(ctx.t("model.three"))
seen = st.container()
touched, grasped = st.columns(2)
with seen:
    st.markdown(f"**{ctx.t('model.seen')}**")
    targets = targets_frame(pg, ctx.fp, ctx.as_of)
    mine = targets[targets["model"] == mid] if len(targets) else targets
    if len(mine):
        st.dataframe(format_targets(mine, models, ctx.lang, ctx.structure).drop(columns=[ctx.t("col.model")]),
                     hide_index=True, width="stretch", key="model_targets",
                     column_config={ctx.t("col.scope"): st.column_config.TextColumn(width="medium")})
    else:
        st.warning(ctx.t("model.missing_part", path=path))
with touched:
    st.markdown(f"**{ctx.t('model.touched')}**")
    if m.method:
        st.markdown("\n".join(f"{i}. {md_escape(step)}" for i, step in enumerate(m.method.steps, start=1)))
    else:
        st.warning(ctx.t("model.missing_part", path=path))
    if m.resources:
        st.dataframe(pd.DataFrame({ctx.t("col.resource"): [label("resource", r, ctx.lang) for r in m.resources],
                                   ctx.t("col.amount"): [fmt_number(v, ctx.lang) for v in m.resources.values()]}),
                     hide_index=True, width="stretch", key="model_resources")
    else:
        st.caption(ctx.t("model.resources_none"))
with grasped:
    st.markdown(f"**{ctx.t('model.grasped')}**")
    if m.metrics:
        values = metric_frame(pg, ctx.fp, ctx.as_of, ctx.structure, ctx.scope or None)
        here = values[(values["model"] == mid) & (values["scope"].astype(str) == ctx.scope)] if len(values) else values
        by_metric = dict(zip(here["metric"], here["value"])) if len(here) else {}
        st.dataframe(pd.DataFrame({
            ctx.t("col.metric"): [(x.name_en or x.name) if ctx.lang == "en" else x.name for x in m.metrics],
            ctx.t("col.value"): [fmt_value(by_metric.get(x.id), x.unit, ctx.lang) for x in m.metrics],
            ctx.t("col.measure"): [x.unit for x in m.metrics],
            ctx.t("col.rollup"): [label("rollup", x.rollup, ctx.lang) for x in m.metrics],
        }), hide_index=True, width="stretch", key="model_metrics")
    else:
        st.warning(ctx.t("model.missing_part", path=path))

# --- stages, gates and prerequisites ---------------------------------------------------------
st.subheader(ctx.t("model.gates"))
metric_names = {x.id: ((x.name_en or x.name) if ctx.lang == "en" else x.name) for x in m.metrics}
rows = []
for s in STAGES:
    spec = getattr(m.stages, s)
    gate = "; ".join(
        f"{metric_names.get(g.metric, g.metric)} {'≥ ' + fmt_number(g.min, ctx.lang) if g.min is not None else ''}"
        f"{' ' if g.min is not None and g.max is not None else ''}{'≤ ' + fmt_number(g.max, ctx.lang) if g.max is not None else ''}"
        for g in spec.gate)
    rows.append({ctx.t("col.stage"): label("stage", s, ctx.lang), ctx.t("col.expected_days"): spec.expected_days,
                 ctx.t("col.min_days"): spec.min_days, ctx.t("col.gate"): gate or "–",
                 ctx.t("col.description"): spec.description})
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="model_stages")

st.markdown(f"**{ctx.t('model.requires')}**")
if m.requires:
    st.markdown("\n".join(
        "- " + md_escape(ctx.t("model.requires_line", model=pg.programme.model_name(r.model, ctx.lang),
                                  stage=label("stage", r.stage, ctx.lang), where=label("where", r.where, ctx.lang)))
        for r in m.requires))
else:
    st.caption(ctx.t("model.requires_none"))

# --- coverage by district (old) or commune ---------------------------------------------------
level = "district" if ctx.structure == "old" and ctx.scope_kind == "province" else "commune"
level_label = kind_label(pg, level, ctx.lang)
st.subheader(ctx.t("model.coverage_by", level=level_label))
with st.spinner(ctx.t("computing")):
    by_level = status_frame(pg, ctx.fp, ctx.as_of, ctx.structure, ctx.scope or None, level)
mine_rows = by_level[by_level["model"] == mid] if len(by_level) else by_level
head = mine_rows[mine_rows["level"] == ctx.scope_kind] if len(mine_rows) else mine_rows
history = int(head["history"].sum()) if len(head) and "history" in head else 0
if history:  # a model of an abolished level: in the new structure its units are frozen at 30/06/2025
    abolished = [k for k in m.adopted_by if k in ABOLISHED_KINDS] or list(ABOLISHED_KINDS)
    st.info(ctx.t("model.history", kind=kind_label(pg, abolished[0], ctx.lang, plural=True), n=fmt_number(history, ctx.lang),
                  reform=ctx.d(REFORM_DATE), date=ctx.d(HISTORY_AS_OF)))
sub = mine_rows[mine_rows["level"] == level] if len(mine_rows) else mine_rows
sub = sub[sub["eligible"] > 0] if len(sub) else sub
merged = ctx.structure == "new" and len(sub) and "parts" in sub and bool((sub["parts"] > sub["eligible"]).any())
if len(sub):
    if merged:  # the new structure: a merged commune is at scale only when all its parts are
        st.caption(ctx.t("units.parts_rule", kind=kind_label(pg, level, ctx.lang)))
    st.altair_chart(coverage_by_chart(sub.rename(columns={"scope_name": "name"}), level_label, ctx.lang, parts=bool(merged)),
                    width="stretch", key="model_coverage_chart")
    with st.expander(ctx.t("model.coverage_table", level=level_label), expanded=False):
        rows = sub.sort_values("scope", key=natural_rank)
        figures = {
            ctx.t("col.unit"): rows["scope_name"].astype(str), ctx.t("col.code"): rows["scope"].astype(str),
            ctx.t("col.eligible"): rows["eligible"].map(lambda v: fmt_number(v, ctx.lang)),
            label("stage", "scale", ctx.lang): rows["scale"].map(lambda v: fmt_number(v, ctx.lang)),
            ctx.t("col.coverage"): rows["coverage"].map(lambda v: fmt_percent(v, ctx.lang)),
        }
        if merged:
            figures[ctx.t("col.parts_scale")] = [f"{fmt_number(a, ctx.lang)}/{fmt_number(b, ctx.lang)}"
                                                 for a, b in zip(rows["parts_scale"], rows["parts"])]
        st.dataframe(pd.DataFrame(figures), hide_index=True, width="stretch", key="model_coverage_table")
elif not history:  # an abolished level's model has no communes: the note above says why
    st.info(ctx.t("no_rows"))

# --- pilots and their spread -------------------------------------------------------------------
st.subheader(ctx.t("model.spread"))
sp = spread_frame(pg, ctx.fp, mid)
if len(sp) and ctx.scope_key and ctx.scope_key in pg.units.index:
    keys = sp["pilot"].astype(str)
    anc = pg.units.reindex(keys)
    col = ctx.scope_kind if ctx.structure == "old" else ("new_" + ctx.scope_kind)
    if col in anc:
        sp = sp[(anc[col].to_numpy() == ctx.scope_key) | (keys.to_numpy() == ctx.scope_key)]
if len(sp):
    if (sp["reach"] > 0).any():
        st.altair_chart(spread_chart(sp[sp["reach"] > 0], ctx.lang), width="stretch", key="model_spread_chart")
    st.dataframe(pd.DataFrame({
        ctx.t("col.pilot"): sp["pilot_name"].astype(str), ctx.t("col.code"): sp["pilot_code"].astype(str),
        ctx.t("col.depth"): sp["depth"].astype(int), ctx.t("col.reach"): sp["reach"].astype(int),
    }).sort_values(ctx.t("col.reach"), ascending=False), hide_index=True, width="stretch", key="model_spread_table")
else:
    st.info(ctx.t("model.no_spread"))
