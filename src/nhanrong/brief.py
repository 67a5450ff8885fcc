"""The steering committee's view: a per-model summary, the decisions it needs, and a
print-ready HTML brief of both for one scope.

The committee reads it in a meeting or on paper, so the document is plain HTML with
an A4 print stylesheet, no scripts and no external files. Every piece of text that
comes from data (names, notes, messages) goes through ``html.escape``.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

import pandas as pd

from .formats import fmt_date, fmt_number, fmt_percent, fmt_value
from .i18n import label, t
from .schema import ModelFile

STAGE_COLUMNS = ["not_started", "assess", "pilot", "evaluate", "scale"]
DECISION_KINDS = ("definition", "prerequisite", "stalled", "gate-skipped", "not-started", "stale")
DECISION_KEYS = {"prerequisite": "decision.prerequisite", "stalled": "decision.stalled",
                 "gate-skipped": "decision.gate", "not-started": "decision.not_started", "stale": "decision.stale"}
MAX_GAPS = 25


def _scope_rows(status: pd.DataFrame, scope: str | None) -> pd.DataFrame:
    """The rows of ``status`` for the scope itself (not its sub-units)."""
    if status is None or not len(status):
        return pd.DataFrame(columns=["model", "scope", "eligible", *STAGE_COLUMNS, "coverage"])
    rows = status[status["scope"].astype(str) == str(scope)] if scope else status
    return rows.drop_duplicates("model")


def coverage_target(targets: pd.DataFrame, model: str, as_of: dt.date) -> pd.Series | None:
    """The model's coverage target that matters now: the next one due, else the last one."""
    if targets is None or not len(targets):
        return None
    rows = targets[(targets["model"] == model) & (targets["metric"] == "coverage")]
    if not len(rows):
        return None
    due = pd.to_datetime(rows["target_date"])
    upcoming = rows[due >= pd.Timestamp(as_of)]
    pick = upcoming.loc[pd.to_datetime(upcoming["target_date"]).idxmin()] if len(upcoming) else rows.loc[due.idxmax()]
    return pick


def summarise(status: pd.DataFrame, prev: pd.DataFrame | None, targets: pd.DataFrame,
              models: dict[str, ModelFile], scope: str | None, as_of: dt.date) -> pd.DataFrame:
    """One row per model: stage counts, coverage now and six months before, its coverage target.

    Columns: model, name, pillars, eligible, not_started..scale, coverage, prev_coverage,
    delta (points, 0..100), target, target_date, verdict.
    """
    now = _scope_rows(status, scope).set_index("model")
    before = _scope_rows(prev, scope).set_index("model") if prev is not None else pd.DataFrame()
    out = []
    for mid, m in models.items():
        row: dict = {"model": mid, "name": m.name, "pillars": list(m.pillars)}
        if mid in now.index:
            r = now.loc[mid]
            row.update({c: int(r[c]) for c in ["eligible", *STAGE_COLUMNS]})
            row["coverage"] = float(r["coverage"]) if not pd.isna(r["coverage"]) else float("nan")
        else:
            row.update({c: 0 for c in ["eligible", *STAGE_COLUMNS]})
            row["coverage"] = float("nan")
        prev_cov = before.loc[mid, "coverage"] if mid in before.index else float("nan")
        row["prev_coverage"] = float(prev_cov) if not pd.isna(prev_cov) else float("nan")
        row["delta"] = (row["coverage"] - row["prev_coverage"]) * 100
        tgt = coverage_target(targets, mid, as_of)
        row["target"] = float(tgt["target"]) if tgt is not None else float("nan")
        row["target_date"] = tgt["target_date"] if tgt is not None else None
        row["verdict"] = tgt["verdict"] if tgt is not None else None
        out.append(row)
    return pd.DataFrame(out)


def fmt_delta(points: float, lang: str) -> str | None:
    """'+12,3 điểm %' / '+12.3 pts'; None when there is nothing to compare with."""
    if pd.isna(points):
        return None
    sign = "+" if points > 0 else ("-" if points < 0 else "±")
    return t("delta.points", lang, sign=sign, value=fmt_number(abs(points), lang, 1))


def metric_label(models: dict[str, ModelFile], model: str, metric: str, lang: str) -> tuple[str, str]:
    """(label, unit of measure) of a target's metric: coverage or one of the model's metrics."""
    if metric == "coverage":
        return t("col.coverage", lang), "%"
    m = models.get(model)
    spec = next((x for x in m.metrics if x.id == metric), None) if m else None
    if spec is None:
        return metric, ""
    return (spec.name_en or spec.name) if lang == "en" else spec.name, spec.unit


def format_targets(targets: pd.DataFrame, models: dict[str, ModelFile], lang: str) -> pd.DataFrame:
    """Targets as planners read them: names, formatted values and dates, verdict label."""
    cols = ["col.model", "col.metric", "col.target", "col.target_date", "col.actual", "col.projected", "col.verdict"]
    if targets is None or not len(targets):
        return pd.DataFrame(columns=[t(c, lang) for c in cols])
    rows = []
    for _, r in targets.iterrows():
        name, unit = metric_label(models, r["model"], r["metric"], lang)
        rows.append([
            models[r["model"]].name if r["model"] in models else r["model"],
            name,
            fmt_value(r["target"], unit, lang),
            fmt_date(r["target_date"], lang),
            fmt_value(r["actual"], unit, lang),
            fmt_value(r.get("projected"), unit, lang),
            label("verdict", r["verdict"], lang),
        ])
    return pd.DataFrame(rows, columns=[t(c, lang) for c in cols])


def format_gaps(gaps: pd.DataFrame, models: dict[str, ModelFile], lang: str) -> pd.DataFrame:
    """Gaps with translated labels, in the engine's order (severity, then date)."""
    cols = ["col.severity", "col.model", "col.unit", "col.code", "col.gap_kind", "col.since", "col.message", "col.action"]
    if gaps is None or not len(gaps):
        return pd.DataFrame(columns=[t(c, lang) for c in cols])
    en = lang == "en"
    out = pd.DataFrame({
        t("col.severity", lang): gaps["severity"].map(lambda s: label("severity", s, lang)),
        t("col.model", lang): gaps["model"].map(lambda m: models[m].name if m in models else m),
        t("col.unit", lang): gaps["unit_name"].astype(str),
        t("col.code", lang): gaps["unit"].astype(str),
        t("col.gap_kind", lang): gaps["kind"].map(lambda k: label("gap_kind", k, lang)),
        t("col.since", lang): gaps["since"].map(lambda d: fmt_date(d, lang)),
        t("col.message", lang): gaps["message_en" if en else "message"].astype(str),
        t("col.action", lang): gaps["action_en" if en else "action"].astype(str),
    })
    return out.reset_index(drop=True)


def decisions(targets: pd.DataFrame, gaps: pd.DataFrame, models: dict[str, ModelFile], lang: str) -> list[str]:
    """What the committee must decide: targets behind or overdue, then gaps grouped by model and kind.

    Grouped so a meeting sees one line per (model, problem), most severe first,
    not one line per village.
    """
    out: list[tuple[int, str]] = []
    if targets is not None and len(targets):
        for _, r in targets[targets["verdict"].isin(["behind", "overdue"])].iterrows():
            name, unit = metric_label(models, r["model"], r["metric"], lang)
            out.append((4 if r["verdict"] == "overdue" else 3, t(
                "decision.behind", lang, model=models[r["model"]].name if r["model"] in models else r["model"],
                metric=name, target=fmt_value(r["target"], unit, lang), date=fmt_date(r["target_date"], lang),
                verdict_l=label("verdict", r["verdict"], lang).lower(), actual=fmt_value(r["actual"], unit, lang))))
    if gaps is not None and len(gaps):
        grouped = gaps.groupby(["model", "kind"], observed=True, sort=False)
        for (mid, kind), g in grouped:
            name = models[mid].name if mid in models else str(mid)
            rank = int(g["severity_rank"].max())
            if kind == "definition":
                parts = "; ".join(dict.fromkeys(g["message_en" if lang == "en" else "message"].astype(str)))
                out.append((rank, t("decision.definition", lang, model=name, parts=parts)))
            elif kind in DECISION_KEYS:
                n = g["unit_key"].nunique() if "unit_key" in g else len(g)
                out.append((rank, t(DECISION_KEYS[kind], lang, model=name, n=fmt_number(n, lang))))
    out.sort(key=lambda x: -x[0])
    return [text for _, text in out]


# --- HTML ---------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "Noto Sans", "Segoe UI", Arial, sans-serif; color: #111; font-size: 11pt; line-height: 1.35; max-width: 190mm; margin: auto; }
h1 { font-size: 17pt; margin: 0 0 4pt; }
h2 { font-size: 13pt; margin: 16pt 0 6pt; border-bottom: 1.5pt solid #111; padding-bottom: 2pt; }
p.meta { color: #333; margin: 0 0 8pt; }
p.note { border: 1pt solid #666; padding: 4pt 6pt; font-size: 9.5pt; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 0.75pt solid #777; padding: 3pt 4pt; text-align: left; vertical-align: top; }
th { background: #e6e6e6; }
td.num { text-align: right; white-space: nowrap; }
ol li { margin-bottom: 4pt; }
.verdict-behind, .verdict-overdue, .sev-high { font-weight: bold; }
"""


def _table(frame: pd.DataFrame, numeric: set[str] = frozenset()) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = "".join(
            f'<td class="num">{html.escape(str(v))}</td>' if c in numeric else f"<td>{html.escape(str(v))}</td>"
            for c, v in zip(frame.columns, row))
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


@dataclass(frozen=True)
class BriefData:
    """Everything the brief shows, already computed for one scope and date."""

    scope_name: str
    as_of: dt.date
    summary: pd.DataFrame  # from summarise()
    targets: pd.DataFrame  # evaluate_targets rows in scope
    gaps: pd.DataFrame  # find_gaps rows in scope
    models: dict[str, ModelFile]
    illustrative: bool = False
    today: dt.date = field(default_factory=dt.date.today)


def status_table(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The per-model status table shown on the overview and in the brief."""
    cols = {
        t("col.model", lang): summary["name"],
        t("col.eligible", lang): summary["eligible"].map(lambda v: fmt_number(v, lang)),
    }
    for s in STAGE_COLUMNS:
        cols[label("stage", s, lang)] = summary[s].map(lambda v: fmt_number(v, lang))
    cols[t("col.coverage", lang)] = summary["coverage"].map(lambda v: fmt_percent(v, lang))
    cols[t("col.trend", lang)] = summary["delta"].map(lambda v: fmt_delta(v, lang) or "–")
    cols[t("col.target", lang)] = [
        f"{fmt_percent(v, lang)} · {fmt_date(d, lang)}" if not pd.isna(v) else "–"
        for v, d in zip(summary["target"], summary["target_date"])]
    cols[t("col.verdict", lang)] = summary["verdict"].map(lambda v: label("verdict", v, lang) if isinstance(v, str) else "–")
    return pd.DataFrame(cols)


def build_brief(data: BriefData, lang: str = "vi") -> str:
    """A complete, print-ready HTML document (A4) for the steering committee."""
    e = html.escape
    st_table = status_table(data.summary, lang)
    numeric = set(st_table.columns[1:-2])
    targets = format_targets(data.targets, data.models, lang)
    n_gaps = 0 if data.gaps is None else len(data.gaps)
    top = data.gaps.head(MAX_GAPS) if n_gaps else data.gaps
    gaps = format_gaps(top, data.models, lang).drop(columns=[t("col.code", lang)])
    todo = decisions(data.targets, data.gaps, data.models, lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
        f"<title>{e(t('brief.title', lang))} · {e(data.scope_name)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{e(t('brief.title', lang))}</h1>",
        f'<p class="meta">{e(t("brief.scope", lang, scope=data.scope_name, as_of=fmt_date(data.as_of, lang), today=fmt_date(data.today, lang)))}</p>',
    ]
    if data.illustrative:
        parts.append(f'<p class="note">{e(t("brief.illustrative", lang))}</p>')
    parts += [f"<h2>{e(t('brief.status', lang))}</h2>", _table(st_table, numeric)]
    parts.append(f"<h2>{e(t('brief.targets', lang))}</h2>")
    parts.append(_table(targets) if len(targets) else f"<p>{e(t('brief.no_targets', lang))}</p>")
    parts.append(f"<h2>{e(t('brief.gaps', lang))}</h2>")
    if len(gaps):
        parts.append(_table(gaps))
        if n_gaps > MAX_GAPS:
            parts.append(f"<p>{e(t('brief.gaps_more', lang, n=fmt_number(n_gaps - MAX_GAPS, lang)))}</p>")
    else:
        parts.append(f"<p>{e(t('brief.no_gaps', lang))}</p>")
    parts.append(f"<h2>{e(t('brief.decisions', lang))}</h2>")
    if todo:
        parts.append("<ol>" + "".join(f"<li>{e(x)}</li>" for x in todo) + "</ol>")
    else:
        parts.append(f"<p>{e(t('brief.no_decisions', lang))}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
