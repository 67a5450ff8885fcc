"""Mô hình / Model: one model's "3 được" (targets, method and resources, metrics), its
stage gates and prerequisites, coverage by district or commune, and its pilots' spread.
The page draws :func:`nhanrong.views.model.model_view`."""

from __future__ import annotations

import streamlit as st

from nhanrong_app.common import CachedFrames, context, graph, illustrative_banner, ordered, select
from nhanrong.views.model import model_view

ctx = context()
pg = graph()
if not pg.programme.models:
    st.info(ctx.t("no_data"))
    st.stop()

mid = select(ctx.t("model.select"), list(ordered(pg)), key="model_id",
             format_func=lambda m: pg.programme.model_name(m, ctx.lang), lang=ctx.lang)
with st.spinner(ctx.t("computing")):
    view = model_view(pg, mid, ctx.choices, CachedFrames(ctx.fp))

st.header(view.header)
st.caption(view.caption)
if view.summary:
    st.markdown(view.summary)
illustrative_banner(ctx, pg)

# --- the "3 được" ------------------------------------------------------------------------------
st.subheader(ctx.t("model.three"))
seen = st.container()
touched, grasped = st.columns(2)
with seen:
    st.markdown(f"**{ctx.t('model.seen')}**")
    if view.targets is not None:
        st.dataframe(view.targets, hide_index=True, width="stretch", key="model_targets",
                     column_config={view.scope_column: st.column_config.TextColumn(width="medium")})
    else:
        st.warning(view.missing)
with touched:
    st.markdown(f"**{ctx.t('model.touched')}**")
    if view.method:
        st.markdown(view.method)
    else:
        st.warning(view.missing)
    if view.resources is not None:
        st.dataframe(view.resources, hide_index=True, width="stretch", key="model_resources")
    else:
        st.caption(ctx.t("model.resources_none"))
with grasped:
    st.markdown(f"**{ctx.t('model.grasped')}**")
    if view.metrics is not None:
        st.dataframe(view.metrics, hide_index=True, width="stretch", key="model_metrics")
    else:
        st.warning(view.missing)

# --- stages, gates and prerequisites ---------------------------------------------------------
st.subheader(ctx.t("model.gates"))
st.dataframe(view.gates, hide_index=True, width="stretch", key="model_stages")
st.markdown(f"**{ctx.t('model.requires')}**")
if view.requires:
    st.markdown(view.requires)
else:
    st.caption(ctx.t("model.requires_none"))

# --- coverage by district (old) or commune ---------------------------------------------------
st.subheader(view.coverage_header)
if view.history:
    st.info(view.history)
if view.coverage_table is not None:
    if view.parts_rule:
        st.caption(view.parts_rule)
    st.altair_chart(view.coverage_chart, width="stretch", key="model_coverage_chart")
    with st.expander(view.coverage_title, expanded=False):
        st.dataframe(view.coverage_table, hide_index=True, width="stretch", key="model_coverage_table")
elif view.no_rows:
    st.info(ctx.t("no_rows"))

# --- pilots and their spread -------------------------------------------------------------------
st.subheader(ctx.t("model.spread"))
if view.spread_table is not None:
    if view.spread_chart is not None:
        st.altair_chart(view.spread_chart, width="stretch", key="model_spread_chart")
    st.dataframe(view.spread_table, hide_index=True, width="stretch", key="model_spread_table")
else:
    st.info(ctx.t("model.no_spread"))
