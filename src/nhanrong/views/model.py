"""The model page's view: one model's "3 được" (targets; method and resources; metrics), its stage
gates and prerequisites, its coverage by district or commune, and its pilots' spread.

Texts are rendered in ``choices.lang`` and ready for markdown (data escaped with :func:`md_escape`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..brief import HISTORY_AS_OF, format_targets
from ..charts import coverage_by_chart, spread_chart
from ..formats import fmt_number, fmt_percent, fmt_value, natural_rank
from ..i18n import data_name, label
from ..registry import REFORM_DATE
from ..schema import ABOLISHED_KINDS, STAGES
from . import Choices, Frames
from .text import md_escape


@dataclass
class ModelView:
    """Everything the model page draws below its model picker, in the order it draws it."""

    header: str
    caption: str
    summary: str | None
    missing: str  # what a missing part of the "3 được" says
    targets: pd.DataFrame | None  # None: the model sets no target
    scope_column: str
    method: str | None  # a numbered markdown list
    resources: pd.DataFrame | None
    metrics: pd.DataFrame | None
    gates: pd.DataFrame
    requires: str | None  # a markdown list
    level: str
    coverage_header: str
    history: str | None
    parts_rule: str | None
    coverage_chart: object | None
    coverage_title: str
    coverage_table: pd.DataFrame | None
    no_rows: bool
    spread_chart: object | None
    spread_table: pd.DataFrame | None


def _gate(g, metric_names: dict, lang: str) -> str:
    return (f"{metric_names.get(g.metric, g.metric)} {'≥ ' + fmt_number(g.min, lang) if g.min is not None else ''}"
            f"{' ' if g.min is not None and g.max is not None else ''}{'≤ ' + fmt_number(g.max, lang) if g.max is not None else ''}")


def model_view(pg, mid: str, c: Choices, frames: Frames | None = None) -> ModelView:
    """The page of model ``mid`` for the sidebar's choices ``c``."""
    frames = frames or Frames()
    prog = pg.programme
    models = prog.models
    m = models[mid]
    path = prog.model_paths.get(mid, f"models/{mid}.toml")
    name = lambda x: data_name(x.name, x.name_en, c.lang)  # noqa: E731 - a metric's name

    targets = frames.targets(pg, c.as_of)
    mine = targets[targets["model"] == mid] if len(targets) else targets
    metrics = None
    if m.metrics:
        values = frames.metric_values(pg, c.as_of, c.structure, c.scope or None)
        here = values[(values["model"] == mid) & (values["scope"].astype(str) == c.scope)] if len(values) else values
        by_metric = dict(zip(here["metric"], here["value"])) if len(here) else {}
        metrics = pd.DataFrame({
            c.t("col.metric"): [name(x) for x in m.metrics],
            c.t("col.value"): [fmt_value(by_metric.get(x.id), x.unit, c.lang) for x in m.metrics],
            c.t("col.measure"): [x.unit for x in m.metrics],
            c.t("col.rollup"): [label("rollup", x.rollup, c.lang) for x in m.metrics],
        })

    metric_names = {x.id: name(x) for x in m.metrics}
    gates = pd.DataFrame([{
        c.t("col.stage"): label("stage", s, c.lang), c.t("col.expected_days"): spec.expected_days,
        c.t("col.min_days"): spec.min_days, c.t("col.gate"): "; ".join(_gate(g, metric_names, c.lang) for g in spec.gate) or "–",
        c.t("col.description"): spec.description} for s in STAGES for spec in [getattr(m.stages, s)]])
    requires = "\n".join(
        "- " + md_escape(c.t("model.requires_line", model=prog.model_name(r.model, c.lang),
                               stage=label("stage", r.stage, c.lang), where=label("where", r.where, c.lang)))
        for r in m.requires) or None

    # coverage by district (old) or commune
    level = "district" if c.structure == "old" and c.scope_kind == "province" else "commune"
    level_label = prog.kind_label(level, c.lang)
    by_level = frames.status(pg, c.as_of, c.structure, c.scope or None, level)
    mine_rows = by_level[by_level["model"] == mid] if len(by_level) else by_level
    head = mine_rows[mine_rows["level"] == c.scope_kind] if len(mine_rows) else mine_rows
    history = int(head["history"].sum()) if len(head) and "history" in head else 0
    history_note = None
    if history:  # a model of an abolished level: in the new structure its units are frozen at 30/06/2025
        abolished = [k for k in m.adopted_by if k in ABOLISHED_KINDS] or list(ABOLISHED_KINDS)
        history_note = c.t("model.history", kind=prog.kind_label(abolished[0], c.lang, plural=True),
                           n=fmt_number(history, c.lang), reform=c.d(REFORM_DATE), date=c.d(HISTORY_AS_OF))
    sub = mine_rows[mine_rows["level"] == level] if len(mine_rows) else mine_rows
    sub = sub[sub["eligible"] > 0] if len(sub) else sub
    merged = c.structure == "new" and len(sub) and "parts" in sub and bool((sub["parts"] > sub["eligible"]).any())
    chart = table = parts_rule = None
    if len(sub):
        if merged:  # the new structure: a merged commune is at scale only when all its parts are
            parts_rule = c.t("units.parts_rule", kind=level_label)
        chart = coverage_by_chart(sub.rename(columns={"scope_name": "name"}), level_label, c.lang, parts=bool(merged))
        rows = sub.sort_values("scope", key=natural_rank)
        figures = {
            c.t("col.unit"): rows["scope_name"].astype(str), c.t("col.code"): rows["scope"].astype(str),
            c.t("col.eligible"): rows["eligible"].map(lambda v: fmt_number(v, c.lang)),
            label("stage", "scale", c.lang): rows["scale"].map(lambda v: fmt_number(v, c.lang)),
            c.t("col.coverage"): rows["coverage"].map(lambda v: fmt_percent(v, c.lang)),
        }
        if merged:
            figures[c.t("col.parts_scale")] = [f"{fmt_number(a, c.lang)}/{fmt_number(b, c.lang)}"
                                               for a, b in zip(rows["parts_scale"], rows["parts"])]
        table = pd.DataFrame(figures)

    # pilots and their spread, within the scope
    sp = frames.spread(pg, mid)
    if len(sp) and c.scope_key and c.scope_key in pg.units.index:
        keys = sp["pilot"].astype(str)
        anc = pg.units.reindex(keys)
        col = c.scope_kind if c.structure == "old" else ("new_" + c.scope_kind)
        if col in anc:
            sp = sp[(anc[col].to_numpy() == c.scope_key) | (keys.to_numpy() == c.scope_key)]
    spread = spread_table = None
    if len(sp):
        if (sp["reach"] > 0).any():
            spread = spread_chart(sp[sp["reach"] > 0], c.lang)
        spread_table = pd.DataFrame({
            c.t("col.pilot"): sp["pilot_name"].astype(str), c.t("col.code"): sp["pilot_code"].astype(str),
            c.t("col.depth"): sp["depth"].astype(int), c.t("col.reach"): sp["reach"].astype(int),
        }).sort_values(c.t("col.reach"), ascending=False)

    return ModelView(
        header=prog.model_name(mid, c.lang),
        caption=" · ".join([*(label("pillar", p, c.lang) for p in m.pillars), c.t("model.file", path=path)]),
        summary=md_escape(m.summary) if m.summary else None,
        missing=c.t("model.missing_part", path=path),
        targets=format_targets(mine, models, c.lang, c.structure).drop(columns=[c.t("col.model")]) if len(mine) else None,
        scope_column=c.t("col.scope"),
        method="\n".join(f"{i}. {md_escape(step)}" for i, step in enumerate(m.method.steps, start=1)) if m.method else None,
        resources=pd.DataFrame({c.t("col.resource"): [label("resource", r, c.lang) for r in m.resources],
                                c.t("col.amount"): [fmt_number(v, c.lang) for v in m.resources.values()]})
        if m.resources else None,
        metrics=metrics, gates=gates, requires=requires, level=level_label,
        coverage_header=c.t("model.coverage_by", level=level_label), history=history_note, parts_rule=parts_rule,
        coverage_chart=chart, coverage_title=c.t("model.coverage_table", level=level_label), coverage_table=table,
        no_rows=not len(sub) and not history,  # an abolished level's model has no communes: the note says why
        spread_chart=spread, spread_table=spread_table)


__all__ = ["ModelView", "model_view"]
