"""Tổng quan / Overview: every model's stage funnel, coverage against target with the
verdict, the trend since the previous period, headline figures by DTI pillar, and
the steering-committee brief."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nhanrong_app.common import (context, decisions_list, gaps_frame, graph, illustrative_banner, indicator_frame, md_escape,
                              metric_frame, ordered, scope_targets_frame, status_frame, target_sets_frame, targets_frame,
                              targets_in_scope, targets_within, unit_stages_frame)
from nhanrong.brief import (HISTORY_AS_OF, BriefData, brief_pdf, build_brief, fmt_delta, fmt_indicator, fmt_indicator_change,
                            fmt_indicator_target, format_indicators, format_targets, indicator_name, indicator_source,
                            metric_label, pdf_support, reform_lines, reform_notes, set_headline, set_pillar_line,
                            status_table, summarise, target_origin, template_path, brief_stem)
from nhanrong.charts import coverage_chart, funnel_chart, rank_chart
from nhanrong.decisions import child_verdicts, counts_text, kind_counts, structure_notes
from nhanrong.formats import fmt_date, fmt_number, fmt_percent, fmt_value
from nhanrong.i18n import PILLAR_LABELS, label
from nhanrong.indicators import is_rank, rank_trend

ctx = context()
pg = graph()
models = ordered(pg)
kinds = pg.programme.settings.kinds
scope = ctx.scope or None


def kinds_word(kind: str) -> str:
    return pg.programme.kind_label(kind, ctx.lang)


st.header(ctx.t("overview.header", scope=ctx.scope_name, as_of=ctx.d(ctx.as_of)))
illustrative_banner(ctx, pg)
if not len(pg.programme.adoptions):
    st.info(ctx.t("no_data"))

with st.spinner(ctx.t("computing")):
    now = status_frame(pg, ctx.fp, ctx.as_of, ctx.structure, scope)
    prev = status_frame(pg, ctx.fp, ctx.prev, ctx.structure, scope)
    all_targets = targets_frame(pg, ctx.fp, ctx.as_of)
    # the targets that apply to the scope: its own, or passed down from the unit above (nhanrong.targets.scope_targets)
    targets = scope_targets_frame(pg, ctx.fp, ctx.as_of, ctx.structure, scope) if scope else targets_in_scope(all_targets, ctx)
    stages = unit_stages_frame(pg, ctx.fp, ctx.as_of, ctx.structure, scope)
    within = targets_within(all_targets, ctx, pg.units)  # those of units inside the scope: listed below
    summary = summarise(now, prev, targets, models, ctx.scope, ctx.as_of, ctx.lang)

# --- one card per model: coverage, change since the previous period, target and verdict --
st.subheader(ctx.t("overview.models", n=fmt_number(len(models), ctx.lang)))
st.caption(ctx.t("overview.trend_caption", prev=ctx.d(ctx.prev)))
for note in structure_notes(pg, ctx.structure, ctx.scope, ctx.lang):  # the new structure: what merged, what has no record
    st.info(md_escape(note), icon=":material/merge:")
cols = st.columns(4)
for i, row in summary.iterrows():
    with cols[i % 4].container(border=True):
        flat = pd.isna(row["delta"]) or abs(row["delta"]) < 0.05
        notes = reform_notes(row, models.get(row["model"]), ctx.lang, kinds)
        st.markdown(f"**{md_escape(row['name'])}**")  # the full name wraps; a metric label would be cut
        help_text = f'{ctx.t("metric.eligible")}: {fmt_number(row["eligible"], ctx.lang)}'
        if notes:
            help_text += "\n\n" + ctx.t("overview.reform_help", date=ctx.d(HISTORY_AS_OF))
        st.metric(row["name"], fmt_percent(row["coverage"], ctx.lang), delta=fmt_delta(row["delta"], ctx.lang),
                  delta_color="off" if flat else "normal", delta_arrow="off" if flat else "auto",
                  label_visibility="collapsed", help=help_text)
        if pd.isna(row["target"]):
            st.caption(ctx.t("no_target"))
        else:
            st.caption(ctx.t("target_line", target=fmt_percent(row["target"], ctx.lang),
                             date=fmt_date(row["target_date"], ctx.lang), verdict=label("verdict", row["verdict"], ctx.lang)))
            st.caption(md_escape(target_origin(row, ctx.scope_name, ctx.lang)))
        by_kind = kind_counts(stages, row["model"]) if len(stages) else []
        if len(by_kind) > 1:  # 1.356 villages and 173 communes, not 1.529 units
            st.caption(md_escape(ctx.t("cascade.kinds", counts=counts_text(pg, by_kind, ctx.lang, scale=True))))
        for note in notes:  # the new structure: why the figure differs from the old structure's
            st.caption(md_escape(note))

if not len(summary):
    st.stop()
st.altair_chart(funnel_chart(now[now["scope"].astype(str) == ctx.scope] if scope else now,
                             dict(zip(summary["model"], summary["name"])), ctx.lang), width="stretch",
                key="overview_funnel")
st.altair_chart(coverage_chart(summary.rename(columns={"name": "model_name"}), ctx.lang), width="stretch",
                key="overview_coverage")

with st.expander(ctx.t("overview.table"), expanded=False):
    st.dataframe(status_table(summary, ctx.lang), hide_index=True, width="stretch", key="overview_table")
    for line in reform_lines(summary, models, ctx.lang, kinds):
        st.caption(md_escape(line))

# --- the decisions the data calls for (the Decisions page has them all) -----------------------------
st.subheader(ctx.t("decisions.overview"))
found = decisions_list(pg, ctx)
if not found:
    st.caption(ctx.t("decisions.none"))
for i, d in enumerate(found[:3], start=1):
    with st.container(border=True):
        st.markdown(f"**{i}. {md_escape(d.title)}**")
        st.caption(md_escape(d.why))
        st.caption(md_escape(f"{ctx.t('decisions.units')}: {d.units_line(ctx.lang)}"))
if len(found) > 3:
    st.page_link("decisions.py", label=ctx.t("decisions.overview_more", n=fmt_number(len(found), ctx.lang)),
                 icon=":material/gavel:")

# --- verdicts one level down: every district (or commune) against the target that applies to it ------
if scope and len(targets):
    rows = child_verdicts(pg, ctx.as_of, ctx.structure, ctx.scope, targets, ctx.lang)
    if len(rows):
        level = "district" if ctx.structure == "old" and ctx.scope_kind == "province" else "commune"
        with st.expander(ctx.t("cascade.sub_header", level=kinds_word(level)), expanded=False):
            st.caption(ctx.t("cascade.sub_caption", level=kinds_word(level)))
            st.dataframe(pd.DataFrame({
                ctx.t("col.model"): rows["model"].map(lambda m: pg.programme.model_name(m, ctx.lang)),
                ctx.t("col.unit"): rows["name"],
                ctx.t("col.coverage"): [f"{fmt_percent(c, ctx.lang)} ({fmt_number(s, ctx.lang)}/{fmt_number(e, ctx.lang)})"
                                        for c, s, e in zip(rows["coverage"], rows["scale"], rows["eligible"])],
                ctx.t("col.target"): [f"{fmt_percent(v, ctx.lang)} · {fmt_date(d, ctx.lang)}"
                                      for v, d in zip(rows["target"], rows["target_date"])],
                ctx.t("col.verdict"): rows["verdict"].map(lambda v: label("verdict", v, ctx.lang)),
                ctx.t("cascade.col_origin"): rows["source"],
            }), hide_index=True, width="stretch", key="overview_child_verdicts")

# --- targets: the scope's own, the whole data's, and those of the units within the scope -------------
st.subheader(ctx.t("overview.targets"))
listed = [x for x in (targets, within) if x is not None and len(x)]
shown_targets = pd.concat(listed) if listed else targets
if listed:
    st.caption(ctx.t("overview.targets_caption", scope=ctx.scope_name))
    rank = {m: i for i, m in enumerate(models)}
    shown_targets = shown_targets.assign(_m=shown_targets["model"].map(rank)).sort_values(
        ["_m", "target_date"], kind="stable").drop(columns="_m")
    st.dataframe(format_targets(shown_targets, models, ctx.lang, ctx.structure), hide_index=True, width="stretch",
                 key="overview_targets", column_config={ctx.t("col.scope"): st.column_config.TextColumn(width="medium")})
else:
    st.caption(ctx.t("overview.no_targets"))

# --- headline figures by DTI pillar: the province's indicators and target sets, then the models' metrics --
# Each model sits under its main pillar (the first in its file), so no figure shows twice;
# totals that only serve as a ratio's denominator (all households, all party members) are left out.
st.subheader(ctx.t("overview.pillars"))
st.caption(ctx.t("overview.pillars_caption"))
indicators = indicator_frame(pg, ctx.fp, ctx.as_of, ctx.structure, ctx.scope)
target_sets = list(target_sets_frame(pg, ctx.fp, ctx.as_of, ctx.structure, ctx.scope))


def show_indicator(r) -> None:
    """One indicator: its figure, the change since the report before, its source (help), its target and verdict."""
    unit = r["unit"]
    missing = pd.isna(r["value"])
    change = fmt_indicator_change(r["change"], unit, ctx.lang)
    delta = ctx.t("indicators.change", change=change, date=ctx.d(r["previous_date"])) if change else None
    flat = change is None or r["change"] == 0
    source = indicator_source(r, models, ctx.lang)
    help_text = (ctx.t("indicators.source", date=ctx.d(r["date"]), source=source) if source and not isinstance(r["from_model"], str)
                 else source) or None
    inverse = r["direction"] == "lower" and not is_rank(unit)  # a rank's change is already written as places gained
    name = indicator_name(r, ctx.lang)
    # The full name wraps (a metric's label would be cut), with the source behind its "?".
    st.markdown(md_escape(name), help=md_escape(help_text) if help_text else None)
    st.metric(name, ctx.t("indicators.no_value") if missing else fmt_indicator(r["value"], unit, ctx.lang),
              delta=delta, delta_color="off" if flat else ("inverse" if inverse else "normal"),
              delta_arrow="off" if flat else "auto", label_visibility="collapsed")
    if not pd.isna(r["target"]):
        verdict = label("verdict", r["verdict"], ctx.lang) if isinstance(r["verdict"], str) else ctx.t("indicators.no_verdict")
        st.caption(md_escape(ctx.t("target_line", target=fmt_indicator_target(r["target"], unit, r["direction"], ctx.lang),
                                   date=ctx.d(r["target_date"]), verdict=verdict)))


overall = indicators[indicators["pillar"].isna()] if len(indicators) else indicators
if target_sets or len(overall):
    st.caption(ctx.t("indicators.caption"))
    widths = [2] * len(target_sets) + [1] * len(overall)  # a set's headline ("11/22 chỉ tiêu đạt") needs room
    cells = iter(st.columns(widths + [1] * max(3 - len(widths), 0)))
    for status in target_sets:
        headline, caption = set_headline(status, ctx.lang)
        with next(cells).container(border=True):
            name = (status.name_en or status.name) if ctx.lang == "en" else status.name
            st.markdown(f"**{md_escape(name)}**")
            st.metric(name, headline, label_visibility="collapsed")
            st.caption(md_escape(caption))
    for _, r in overall.iterrows():
        with next(cells).container(border=True):
            show_indicator(r)

trend = rank_trend(pg.programme, ctx.as_of, scope=(ctx.structure, ctx.scope))
if len(trend):
    st.altair_chart(rank_chart(trend, ctx.lang), width="stretch", key="overview_ranks")

values = metric_frame(pg, ctx.fp, ctx.as_of, ctx.structure, scope)
before = metric_frame(pg, ctx.fp, ctx.prev, ctx.structure, scope)
if len(values) and scope:
    values = values[values["scope"].astype(str) == ctx.scope]
    before = before[before["scope"].astype(str) == ctx.scope]
now_by = {(r.model, r.metric): r.value for r in values.itertuples()} if len(values) else {}
prev_by = {(r.model, r.metric): r.value for r in before.itertuples()} if len(before) else {}
pillar_cols = st.columns(len(PILLAR_LABELS))
for col, pillar in zip(pillar_cols, PILLAR_LABELS):
    with col:
        st.markdown(f"#### {label('pillar', pillar, ctx.lang)}")
        for status in target_sets:
            line = set_pillar_line(status, pillar, ctx.lang)
            if line:
                st.caption(md_escape(line))
        own = indicators[indicators["pillar"] == pillar] if len(indicators) else indicators
        if len(own):
            st.markdown(f"**{md_escape(ctx.t('indicators.of_scope', scope=ctx.scope_name))}**")
            for _, r in own.iterrows():
                show_indicator(r)
        also = [pg.programme.model_name(x, ctx.lang) for x, m in models.items() if pillar in m.pillars[1:]]
        if also:
            st.caption(ctx.t("overview.pillar_also", models="; ".join(also)))
        for mid, m in models.items():
            if m.pillars[0] != pillar:
                continue
            denominators = {x.denominator for x in m.metrics if x.rollup == "ratio"}
            shown = [x for x in m.metrics if x.id not in denominators and not pd.isna(now_by.get((mid, x.id), float("nan")))]
            if not shown:
                continue
            st.markdown(f"**{md_escape(pg.programme.model_name(mid, ctx.lang))}**")
            for x in shown:
                name, unit = metric_label(models, mid, x.id, ctx.lang)
                value, old = now_by[(mid, x.id)], prev_by.get((mid, x.id))
                delta = None
                if old is not None and not pd.isna(old) and old != value:
                    diff = value - old
                    delta = (fmt_delta(diff * 100, ctx.lang) if unit.strip() == "%"
                             else ("+" if diff > 0 else "-") + fmt_value(abs(diff), unit, ctx.lang))
                st.metric(name, fmt_value(value, unit, ctx.lang), delta=delta, help=pg.programme.model_name(mid, ctx.lang))

if len(indicators):
    with st.expander(ctx.t("indicators.table"), expanded=False):
        st.dataframe(format_indicators(indicators, models, ctx.lang), hide_index=True, width="stretch",
                     key="overview_indicators")

# --- the brief -----------------------------------------------------------------------------------
st.divider()


def brief_document() -> str:
    """Built when the planner clicks (not on every rerun): gaps, decisions, the HTML from the template
    (the data repository's own templates/brief.html.j2 when it has one)."""
    gaps = gaps_frame(pg, ctx.fp, ctx.as_of, ctx.structure, scope)
    settings = pg.programme.settings
    return build_brief(BriefData(ctx.scope_name, ctx.as_of, summary, shown_targets, gaps, models,
                                 bool(pg.programme.illustrative_files), scope=ctx.scope, structure=ctx.structure,
                                 kinds=kinds, programme=(settings.name_en if ctx.lang == "en" else "") or settings.name,
                                 indicators=indicators, target_sets=tuple(target_sets), ranked=tuple(found)),
                       ctx.lang, root=ctx.root)


stem = brief_stem(ctx.scope_name if ctx.scope else "", ctx.as_of)
no_pdf = pdf_support()
b1, b2 = st.columns([1, 1])
if no_pdf is None:
    b1.download_button(ctx.t("overview.brief_pdf"), data=lambda: brief_pdf(brief_document()), file_name=f"{stem}.pdf",
                       mime="application/pdf", key="brief_pdf", help=ctx.t("overview.brief_pdf_help"), on_click="ignore",
                       type="primary", icon=":material/picture_as_pdf:")
    b2.download_button(ctx.t("overview.brief_html"), data=lambda: brief_document().encode("utf-8"),
                       file_name=f"{stem}.html", mime="text/html", key="brief_download", help=ctx.t("overview.brief_help"),
                       on_click="ignore", icon=":material/print:")
else:  # no WeasyPrint or no Pango here: the printable HTML, and why there is no PDF
    b1.download_button(ctx.t("overview.brief"), data=lambda: brief_document().encode("utf-8"), file_name=f"{stem}.html",
                       mime="text/html", key="brief_download", help=ctx.t("overview.brief_help"), on_click="ignore",
                       type="primary", icon=":material/print:")
    st.caption(md_escape(ctx.t("overview.brief_no_pdf", reason=no_pdf.text(ctx.lang))))
if template_path(ctx.root) != template_path(None):
    st.caption(md_escape(ctx.t("overview.brief_template", path=template_path(ctx.root).relative_to(ctx.root).as_posix())))
