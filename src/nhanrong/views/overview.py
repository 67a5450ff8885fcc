"""The overview page's view: every model's card (coverage, change, target and verdict), the stage
funnel and coverage charts, the first decisions, the verdicts one level down, the targets, the
headline figures by DTI pillar, and what the brief is built from.

Texts are rendered in ``choices.lang`` and ready for markdown (data escaped with :func:`md_escape`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..brief import (HISTORY_AS_OF, BriefData, brief_stem, build_brief, fmt_delta, fmt_indicator, fmt_indicator_change,
                     fmt_indicator_target, format_indicators, format_targets, indicator_name, indicator_source,
                     metric_label, pdf_support, reform_lines, reform_notes, set_headline, set_pillar_line, status_table,
                     summarise, target_origin, template_path)
from ..charts import coverage_chart, funnel_chart, rank_chart
from ..decisions import child_verdicts, counts_text, kind_counts, structure_notes
from ..formats import fmt_date, fmt_number, fmt_percent, fmt_value
from ..i18n import PILLAR_LABELS, data_name, label
from ..indicators import is_rank, rank_trend
from ..registry import unit_key
from . import Choices, Frames, ordered
from .text import md_escape


def targets_in_scope(targets: pd.DataFrame, choices: Choices) -> pd.DataFrame:
    """Targets that apply to the selected scope: those set for it, or for the whole data set.

    A target set for the province applies when the scope is that province; when the
    scope is a district, only district targets and whole-data targets apply.
    """
    if targets is None or not len(targets):
        return targets
    scope = targets["scope"].astype("string")
    same = (scope == choices.scope) & (targets["structure"] == choices.structure)
    whole = scope.isna() | (scope == "")
    return targets[(same | whole).fillna(False)]


def targets_within(targets: pd.DataFrame, choices: Choices, units: pd.DataFrame) -> pd.DataFrame:
    """Targets set for units inside the selected scope (not the scope itself), in the chosen structure.

    Old units carry their old ancestors (``province``, ``district``, ``commune``) and the new
    ones they roll up into (``new_province``, ``new_commune``); new units only the latter. So in
    the old structure a district's target is within its province; in the new one an old
    province's or district's target is within the new province it was merged into. A target of a
    new unit never lies within an old one (a new commune may straddle old districts).
    """
    if targets is None or not len(targets):
        return targets
    code = targets["scope"].astype("string").fillna("")
    structure = targets["structure"].astype(str)
    keys = pd.Series([unit_key(s, c) if c else "" for s, c in zip(structure, code)], index=targets.index)
    if not choices.scope_key:
        return targets[(code != "").to_numpy()]
    col = choices.scope_kind if choices.structure == "old" else f"new_{choices.scope_kind}"
    if col not in units.columns:
        return targets.iloc[0:0]
    anc = units[col].reindex(keys.to_numpy()).to_numpy(dtype=object)
    inside = (anc == choices.scope_key) & (keys.to_numpy() != choices.scope_key)
    if choices.structure == "old":
        inside &= (structure == "old").to_numpy()
    return targets[inside]


@dataclass(frozen=True)
class Metric:
    """One figure as ``st.metric`` shows it, with what goes above (``title``) and below (``captions``)."""

    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"  # normal, inverse, off
    flat: bool = False  # no arrow
    help: str | None = None
    title: str | None = None  # markdown above the figure (the full name wraps; a metric label is cut)
    title_help: str | None = None
    captions: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionLine:
    title: str
    why: str
    units: str


@dataclass(frozen=True)
class ModelGroup:
    """A model's headline metrics under its main pillar."""

    name: str
    metrics: tuple[Metric, ...]


@dataclass(frozen=True)
class PillarColumn:
    title: str
    set_lines: tuple[str, ...]
    scope_heading: str | None
    indicators: tuple[Metric, ...]
    also: str | None
    models: tuple[ModelGroup, ...]


@dataclass
class OverviewView:
    """Everything the overview page draws, in the order it draws it."""

    choices: Choices
    header: str
    no_data: bool
    models_header: str
    trend_caption: str
    structure_notes: list[str]
    cards: list[Metric]
    summary: pd.DataFrame
    funnel: object | None = None  # altair charts
    coverage: object | None = None
    table_title: str = ""
    status_table: pd.DataFrame | None = None
    reform_lines: list[str] = field(default_factory=list)
    decisions_header: str = ""
    decisions: list[DecisionLine] = field(default_factory=list)
    decisions_none: str | None = None
    decisions_more: str | None = None
    found: list = field(default_factory=list)
    child_title: str | None = None
    child_caption: str | None = None
    child_verdicts: pd.DataFrame | None = None
    targets_header: str = ""
    targets_caption: str = ""
    targets_table: pd.DataFrame | None = None
    targets_wide: str = ""
    shown_targets: pd.DataFrame | None = None
    pillars_header: str = ""
    pillars_caption: str = ""
    indicators_caption: str | None = None
    set_cards: list[Metric] = field(default_factory=list)
    indicator_cards: list[Metric] = field(default_factory=list)
    ranks: object | None = None
    pillars: list[PillarColumn] = field(default_factory=list)
    indicators_title: str = ""
    indicators: pd.DataFrame | None = None
    indicators_table: pd.DataFrame | None = None
    target_sets: list = field(default_factory=list)


def _card(row, models, kinds, stages, pg, c: Choices) -> Metric:
    flat = pd.isna(row["delta"]) or abs(row["delta"]) < 0.05
    notes = reform_notes(row, models.get(row["model"]), c.lang, kinds)
    help_text = f'{c.t("metric.eligible")}: {fmt_number(row["eligible"], c.lang)}'
    if notes:
        help_text += "\n\n" + c.t("overview.reform_help", date=c.d(HISTORY_AS_OF))
    captions = []
    if pd.isna(row["target"]):
        captions.append(c.t("no_target"))
    else:
        captions.append(c.t("target_line", target=fmt_percent(row["target"], c.lang),
                            date=fmt_date(row["target_date"], c.lang), verdict=label("verdict", row["verdict"], c.lang)))
        captions.append(md_escape(target_origin(row, c.scope_name, c.lang)))
    by_kind = kind_counts(stages, row["model"]) if len(stages) else []
    if len(by_kind) > 1:  # 1.356 villages and 173 communes, not 1.529 units
        captions.append(md_escape(c.t("cascade.kinds", counts=counts_text(pg, by_kind, c.lang, scale=True))))
    captions += [md_escape(note) for note in notes]  # the new structure: why the figure differs from the old one's
    return Metric(row["name"], fmt_percent(row["coverage"], c.lang), delta=fmt_delta(row["delta"], c.lang),
                  delta_color="off" if flat else "normal", flat=flat, help=help_text,
                  title=f"**{md_escape(row['name'])}**", captions=tuple(captions))


def indicator_card(r, models, c: Choices) -> Metric:
    """One indicator: its figure, the change since the report before, its source (help), its target and verdict."""
    unit = r["unit"]
    missing = pd.isna(r["value"])
    change = fmt_indicator_change(r["change"], unit, c.lang)
    delta = c.t("indicators.change", change=change, date=c.d(r["previous_date"])) if change else None
    flat = change is None or r["change"] == 0
    source = indicator_source(r, models, c.lang)
    help_text = (c.t("indicators.source", date=c.d(r["date"]), source=source) if source and not isinstance(r["from_model"], str)
                 else source) or None
    inverse = r["direction"] == "lower" and not is_rank(unit)  # a rank's change is already written as places gained
    name = indicator_name(r, c.lang)
    captions = ()
    if not pd.isna(r["target"]):
        verdict = label("verdict", r["verdict"], c.lang) if isinstance(r["verdict"], str) else c.t("indicators.no_verdict")
        captions = (md_escape(c.t("target_line", target=fmt_indicator_target(r["target"], unit, r["direction"], c.lang),
                                  date=c.d(r["target_date"]), verdict=verdict)),)
    return Metric(name, c.t("indicators.no_value") if missing else fmt_indicator(r["value"], unit, c.lang), delta=delta,
                  delta_color="off" if flat else ("inverse" if inverse else "normal"), flat=flat,
                  title=md_escape(name), title_help=md_escape(help_text) if help_text else None, captions=captions)


def overview_view(pg, c: Choices, frames: Frames | None = None) -> OverviewView:
    """The overview of ``pg`` for the sidebar's choices ``c``."""
    frames = frames or Frames()
    models = ordered(pg)
    kinds = pg.programme.settings.kinds
    scope = c.scope or None
    now = frames.status(pg, c.as_of, c.structure, scope)
    prev = frames.status(pg, c.prev, c.structure, scope)
    all_targets = frames.targets(pg, c.as_of)
    # the targets that apply to the scope: its own, or passed down from the unit above (nhanrong.targets.scope_targets)
    targets = frames.scope_targets(pg, c.as_of, c.structure, scope) if scope else targets_in_scope(all_targets, c)
    stages = frames.unit_stages(pg, c.as_of, c.structure, scope)
    within = targets_within(all_targets, c, pg.units)  # those of units inside the scope: listed below
    summary = summarise(now, prev, targets, models, c.scope, c.as_of, c.lang)

    v = OverviewView(
        choices=c, header=c.t("overview.header", scope=c.scope_name, as_of=c.d(c.as_of)),
        no_data=not len(pg.programme.adoptions),
        models_header=c.t("overview.models", n=fmt_number(len(models), c.lang)),
        trend_caption=c.t("overview.trend_caption", prev=c.d(c.prev)),
        structure_notes=[md_escape(n) for n in structure_notes(pg, c.structure, c.scope, c.lang)],
        cards=[_card(row, models, kinds, stages, pg, c) for _, row in summary.iterrows()],
        summary=summary,
    )
    if not len(summary):
        return v
    v.funnel = funnel_chart(now[now["scope"].astype(str) == c.scope] if scope else now,
                            dict(zip(summary["model"], summary["name"])), c.lang)
    v.coverage = coverage_chart(summary.rename(columns={"name": "model_name"}), c.lang)
    v.table_title = c.t("overview.table")
    v.status_table = status_table(summary, c.lang)
    v.reform_lines = [md_escape(line) for line in reform_lines(summary, models, c.lang, kinds)]

    # the decisions the data calls for (the Decisions page has them all)
    v.decisions_header = c.t("decisions.overview")
    v.found = found = list(frames.decisions(pg, c))
    v.decisions_none = None if found else c.t("decisions.none")
    v.decisions = [DecisionLine(f"**{i}. {md_escape(d.title)}**", md_escape(d.why),
                                md_escape(f"{c.t('decisions.units')}: {d.units_line(c.lang)}"))
                   for i, d in enumerate(found[:3], start=1)]
    if len(found) > 3:
        v.decisions_more = c.t("decisions.overview_more", n=fmt_number(len(found), c.lang))

    # verdicts one level down: every district (or commune) against the target that applies to it
    if scope and len(targets):
        rows = child_verdicts(pg, c.as_of, c.structure, c.scope, targets, c.lang)
        if len(rows):
            level = pg.programme.kind_label("district" if c.structure == "old" and c.scope_kind == "province"
                                            else "commune", c.lang)
            v.child_title = c.t("cascade.sub_header", level=level)
            v.child_caption = c.t("cascade.sub_caption", level=level)
            v.child_verdicts = pd.DataFrame({
                c.t("col.model"): rows["model"].map(lambda m: pg.programme.model_name(m, c.lang)),
                c.t("col.unit"): rows["name"],
                c.t("col.coverage"): [f"{fmt_percent(x, c.lang)} ({fmt_number(s, c.lang)}/{fmt_number(e, c.lang)})"
                                      for x, s, e in zip(rows["coverage"], rows["scale"], rows["eligible"])],
                c.t("col.target"): [f"{fmt_percent(x, c.lang)} · {fmt_date(d, c.lang)}"
                                    for x, d in zip(rows["target"], rows["target_date"])],
                c.t("col.verdict"): rows["verdict"].map(lambda x: label("verdict", x, c.lang)),
                c.t("cascade.col_origin"): rows["source"],
            })

    # targets: the scope's own, the whole data's, and those of the units within the scope
    v.targets_header = c.t("overview.targets")
    listed = [x for x in (targets, within) if x is not None and len(x)]
    shown = pd.concat(listed) if listed else targets
    if listed:
        v.targets_caption = c.t("overview.targets_caption", scope=c.scope_name)
        rank = {m: i for i, m in enumerate(models)}
        shown = shown.assign(_m=shown["model"].map(rank)).sort_values(["_m", "target_date"], kind="stable").drop(columns="_m")
        v.targets_table = format_targets(shown, models, c.lang, c.structure)
        v.targets_wide = c.t("col.scope")
    else:
        v.targets_caption = c.t("overview.no_targets")
    v.shown_targets = shown

    # headline figures by DTI pillar: the scope's indicators and target sets, then the models' metrics.
    # Each model sits under its main pillar (the first in its file), so no figure shows twice; totals
    # that only serve as a ratio's denominator (all households, all party members) are left out.
    v.pillars_header = c.t("overview.pillars")
    v.pillars_caption = c.t("overview.pillars_caption")
    indicators = frames.indicators(pg, c.as_of, c.structure, c.scope)
    target_sets = list(frames.target_sets(pg, c.as_of, c.structure, c.scope))
    v.indicators, v.target_sets = indicators, target_sets
    overall = indicators[indicators["pillar"].isna()] if len(indicators) else indicators
    if target_sets or len(overall):
        v.indicators_caption = c.t("indicators.caption")
        for s in target_sets:
            headline, caption = set_headline(s, c.lang)
            name = data_name(s.name, s.name_en, c.lang)
            v.set_cards.append(Metric(name, headline, title=f"**{md_escape(name)}**", captions=(md_escape(caption),)))
        v.indicator_cards = [indicator_card(r, models, c) for _, r in overall.iterrows()]

    trend = rank_trend(pg.programme, c.as_of, scope=(c.structure, c.scope))
    if len(trend):
        v.ranks = rank_chart(trend, c.lang)

    values = frames.metric_values(pg, c.as_of, c.structure, scope)
    before = frames.metric_values(pg, c.prev, c.structure, scope)
    if len(values) and scope:
        values = values[values["scope"].astype(str) == c.scope]
        before = before[before["scope"].astype(str) == c.scope]
    now_by = {(r.model, r.metric): r.value for r in values.itertuples()} if len(values) else {}
    prev_by = {(r.model, r.metric): r.value for r in before.itertuples()} if len(before) else {}
    for pillar in PILLAR_LABELS:
        lines = tuple(md_escape(line) for line in (set_pillar_line(s, pillar, c.lang) for s in target_sets) if line)
        own = indicators[indicators["pillar"] == pillar] if len(indicators) else indicators
        also = [pg.programme.model_name(x, c.lang) for x, m in models.items() if pillar in m.pillars[1:]]
        groups = []
        for mid, m in models.items():
            if m.pillars[0] != pillar:
                continue
            denominators = {x.denominator for x in m.metrics if x.rollup == "ratio"}
            shown_metrics = [x for x in m.metrics
                             if x.id not in denominators and not pd.isna(now_by.get((mid, x.id), float("nan")))]
            if not shown_metrics:
                continue
            cards = []
            for x in shown_metrics:
                name, unit = metric_label(models, mid, x.id, c.lang)
                value, old = now_by[(mid, x.id)], prev_by.get((mid, x.id))
                delta = None
                if old is not None and not pd.isna(old) and old != value:
                    diff = value - old
                    delta = (fmt_delta(diff * 100, c.lang) if unit.strip() == "%"
                             else ("+" if diff > 0 else "-") + fmt_value(abs(diff), unit, c.lang))
                cards.append(Metric(name, fmt_value(value, unit, c.lang), delta=delta,
                                    help=pg.programme.model_name(mid, c.lang)))
            groups.append(ModelGroup(f"**{md_escape(pg.programme.model_name(mid, c.lang))}**", tuple(cards)))
        v.pillars.append(PillarColumn(
            title=f"#### {label('pillar', pillar, c.lang)}", set_lines=lines,
            scope_heading=f"**{md_escape(c.t('indicators.of_scope', scope=c.scope_name))}**" if len(own) else None,
            indicators=tuple(indicator_card(r, models, c) for _, r in own.iterrows()),
            also=c.t("overview.pillar_also", models="; ".join(also)) if also else None, models=tuple(groups)))

    if len(indicators):
        v.indicators_title = c.t("indicators.table")
        v.indicators_table = format_indicators(indicators, models, c.lang)
    return v


# --- the brief -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefButtons:
    """The brief's download buttons: the file stem, and why there is no PDF (None when there is one)."""

    stem: str
    no_pdf: str | None
    template: str | None  # the data repository's own template, when it has one


def brief_buttons(c: Choices, root: Path | None) -> BriefButtons:
    no_pdf = pdf_support()
    custom = root is not None and template_path(root) != template_path(None)
    return BriefButtons(
        stem=brief_stem(c.scope_name if c.scope else "", c.as_of),
        no_pdf=md_escape(c.t("overview.brief_no_pdf", reason=no_pdf.text(c.lang))) if no_pdf is not None else None,
        template=md_escape(c.t("overview.brief_template", path=template_path(root).relative_to(root).as_posix()))
        if custom else None)


def brief_document(pg, view: OverviewView, root: Path | None, frames: Frames | None = None) -> str:
    """The steering committee's brief (HTML) for the overview ``view``: built when the planner asks (not
    on every rerun): gaps, decisions, the HTML from the template (the data repository's own
    templates/brief.html.j2 when it has one)."""
    frames = frames or Frames()
    c = view.choices
    gaps = frames.gaps(pg, c.as_of, c.structure, c.scope or None)
    settings = pg.programme.settings
    return build_brief(BriefData(c.scope_name, c.as_of, view.summary, view.shown_targets, gaps, ordered(pg),
                                 bool(pg.programme.illustrative_files), scope=c.scope, structure=c.structure,
                                 kinds=settings.kinds, programme=data_name(settings.name, settings.name_en, c.lang),
                                 indicators=view.indicators, target_sets=tuple(view.target_sets), ranked=tuple(view.found)),
                       c.lang, root=root)


__all__ = ["OverviewView", "Metric", "overview_view", "brief_document", "brief_buttons", "targets_in_scope",
           "targets_within", "indicator_card"]
