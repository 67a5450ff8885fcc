"""Tổng quan / Overview: every model's stage funnel, coverage against target with the
verdict, the trend since the previous period, headline figures by DTI pillar, and
the steering-committee brief. The page draws :func:`nhanrong.views.overview.overview_view`."""

from __future__ import annotations

import streamlit as st

from nhanrong_app.common import CachedFrames, context, graph, illustrative_banner
from nhanrong.brief import brief_pdf
from nhanrong.views.overview import Metric, brief_buttons, brief_document, overview_view

ctx = context()
pg = graph()
frames = CachedFrames(ctx.fp)


def metric(m: Metric) -> None:
    """One figure: its title above (the full name wraps), the figure, its captions below."""
    if m.title:
        st.markdown(m.title, help=m.title_help)
    st.metric(m.label, m.value, delta=m.delta, delta_color=m.delta_color, delta_arrow="off" if m.flat else "auto",
              label_visibility="collapsed" if m.title else "visible", help=m.help)
    for line in m.captions:
        st.caption(line)


with st.spinner(ctx.t("computing")):
    view = overview_view(pg, ctx.choices, frames)

st.header(view.header)
illustrative_banner(ctx, pg)
if view.no_data:
    st.info(ctx.t("no_data"))

# --- one card per model: coverage, change since the previous period, target and verdict --
st.subheader(view.models_header)
st.caption(view.trend_caption)
for note in view.structure_notes:  # the new structure: what merged, what has no record
    st.info(note, icon=":material/merge:")
cols = st.columns(4)
for i, card in enumerate(view.cards):
    with cols[i % 4].container(border=True):
        metric(card)

if not len(view.summary):
    st.stop()
st.altair_chart(view.funnel, width="stretch", key="overview_funnel")
st.altair_chart(view.coverage, width="stretch", key="overview_coverage")

with st.expander(view.table_title, expanded=False):
    st.dataframe(view.status_table, hide_index=True, width="stretch", key="overview_table")
    for line in view.reform_lines:
        st.caption(line)

# --- the decisions the data calls for (the Decisions page has them all) -----------------------------
st.subheader(view.decisions_header)
if view.decisions_none:
    st.caption(view.decisions_none)
for d in view.decisions:
    with st.container(border=True):
        st.markdown(d.title)
        st.caption(d.why)
        st.caption(d.units)
if view.decisions_more:
    st.page_link("decisions.py", label=view.decisions_more, icon=":material/gavel:")

# --- verdicts one level down: every district (or commune) against the target that applies to it ------
if view.child_verdicts is not None:
    with st.expander(view.child_title, expanded=False):
        st.caption(view.child_caption)
        st.dataframe(view.child_verdicts, hide_index=True, width="stretch", key="overview_child_verdicts")

# --- targets: the scope's own, the whole data's, and those of the units within the scope -------------
st.subheader(view.targets_header)
st.caption(view.targets_caption)
if view.targets_table is not None:
    st.dataframe(view.targets_table, hide_index=True, width="stretch", key="overview_targets",
                 column_config={view.targets_wide: st.column_config.TextColumn(width="medium")})

# --- headline figures by DTI pillar: the scope's indicators and target sets, then the models' metrics --
st.subheader(view.pillars_header)
st.caption(view.pillars_caption)
if view.indicators_caption:
    st.caption(view.indicators_caption)
    widths = [2] * len(view.set_cards) + [1] * len(view.indicator_cards)  # a set's headline needs room
    cells = iter(st.columns(widths + [1] * max(3 - len(widths), 0)))
    for card in [*view.set_cards, *view.indicator_cards]:
        with next(cells).container(border=True):
            metric(card)
if view.ranks is not None:
    st.altair_chart(view.ranks, width="stretch", key="overview_ranks")

for col, pillar in zip(st.columns(len(view.pillars)), view.pillars):
    with col:
        st.markdown(pillar.title)
        for line in pillar.set_lines:
            st.caption(line)
        if pillar.scope_heading:
            st.markdown(pillar.scope_heading)
            for card in pillar.indicators:
                metric(card)
        if pillar.also:
            st.caption(pillar.also)
        for group in pillar.models:
            st.markdown(group.name)
            for card in group.metrics:
                metric(card)

if view.indicators_table is not None:
    with st.expander(view.indicators_title, expanded=False):
        st.dataframe(view.indicators_table, hide_index=True, width="stretch", key="overview_indicators")

# --- the brief -----------------------------------------------------------------------------------
st.divider()


def document() -> str:
    """Built when the planner clicks, not on every rerun."""
    return brief_document(pg, view, ctx.root, frames)


buttons = brief_buttons(ctx.choices, ctx.root)
b1, b2 = st.columns([1, 1])
if buttons.no_pdf is None:
    b1.download_button(ctx.t("overview.brief_pdf"), data=lambda: brief_pdf(document()), file_name=f"{buttons.stem}.pdf",
                       mime="application/pdf", key="brief_pdf", help=ctx.t("overview.brief_pdf_help"), on_click="ignore",
                       type="primary", icon=":material/picture_as_pdf:")
    b2.download_button(ctx.t("overview.brief_html"), data=lambda: document().encode("utf-8"),
                       file_name=f"{buttons.stem}.html", mime="text/html", key="brief_download",
                       help=ctx.t("overview.brief_help"), on_click="ignore", icon=":material/print:")
else:  # no WeasyPrint or no Pango here: the printable HTML, and why there is no PDF
    b1.download_button(ctx.t("overview.brief"), data=lambda: document().encode("utf-8"),
                       file_name=f"{buttons.stem}.html", mime="text/html", key="brief_download",
                       help=ctx.t("overview.brief_help"), on_click="ignore", type="primary", icon=":material/print:")
    st.caption(buttons.no_pdf)
if buttons.template:
    st.caption(buttons.template)
