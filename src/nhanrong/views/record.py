"""The record page's view: the units a picker offers, a unit's current record and stage dates, the
latest readings for the bulk table, the metrics one can record, a plan's changed numbers, and the
tables and texts of the preview, the upload, the save and a unit's history.

User text (notes, names, uploaded cells, commit subjects) is data: the page shows it only in tables,
code blocks and inputs; the texts here that go into markdown escape it. Functions that read
``st.session_state`` stay in the page and call these.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..formats import fmt_date, fmt_number, natural_rank
from ..i18n import label, t
from ..schema import ADMIN_KINDS, STAGES
from .text import md_escape


def unit_options(pg, structure: str, scope_key: str, kinds) -> dict[str, str]:
    """key -> "name (code)" of the units of ``kinds`` inside the scope, in natural code order (…-2 before …-10)."""
    from ..graph import positioned_units

    u = positioned_units(pg, structure)
    inside = (u["province"] == scope_key) | (u["district"] == scope_key) | (u["commune"] == scope_key) | (u.index == scope_key)
    if not scope_key:
        inside = pd.Series(True, index=u.index)
    sel = u[inside & u["kind"].isin(kinds) & u["dissolved"].isna()].sort_values("code", key=natural_rank, kind="stable")
    return {k: f"{n} ({c})" for k, n, c in zip(sel.index, sel["name"], sel["code"])}


def model_label(prog, mid: str) -> str:
    return f"{prog.models[mid].name} ({mid})"


def history_kinds(prog) -> tuple[str, ...]:
    """The kinds the history tab's picker offers: every kind a model adopts, and the administrative ones."""
    return tuple(sorted({k for m in prog.models.values() for k in m.adopted_by} | set(ADMIN_KINDS)))


def _record_row(prog, key: str, model: str):
    a = prog.adoptions
    rows = a[(a["unit"].astype(str) == key) & (a["model"].astype(str) == model)]
    return rows.iloc[0] if len(rows) else None


def current_record(prog, key: str, model: str, lang: str) -> pd.DataFrame:
    """The unit's record for the model: each stage with the date it reached it (empty frame: no record)."""
    r = _record_row(prog, key, model)
    if r is None:
        return pd.DataFrame()
    return pd.DataFrame({t("record.col.stage", lang): [label("stage", s, lang) for s in STAGES],
                         t("record.col.since", lang): [fmt_date(r[s], lang) if not pd.isna(r[s]) else "" for s in STAGES]})


def stage_date(prog, key: str, model: str, stage: str) -> dt.date | None:
    """The date the unit's record already holds for ``stage`` (None: not recorded yet)."""
    r = _record_row(prog, key, model)
    if r is None or stage not in r.index or pd.isna(r[stage]):
        return None
    return pd.Timestamp(r[stage]).date()


def replace_texts(stage: str, old: dt.date, new: dt.date, lang: str) -> tuple[str, str]:
    """Re-recording a stage that already has a date replaces it: the warning and the confirmation's label."""
    names = dict(stage=label("stage", stage, lang), old=fmt_date(old, lang), new=fmt_date(new, lang))
    return t("record.replace.warning", lang, **names), t("record.replace.confirm", lang, **names)


def latest_values(prog, model: str, metric: str, on: dt.date) -> pd.DataFrame:
    """Each unit's latest reading of the metric on or before ``on`` (indexed by unit: value, date, …)."""
    r = prog.readings
    r = r[(r["model"].astype(str) == model) & (r["metric"] == metric) & (r["date"] <= pd.Timestamp(on))]
    return r.sort_values("date").groupby("unit", observed=True).tail(1).set_index("unit")


def recordable_metrics(prog, model: str) -> dict[str, str]:
    """metric id -> "name (id, unit)" of the model's metrics one records (ratios are computed)."""
    return {m.id: f"{m.name} ({m.id}, {m.unit})" for m in prog.models[model].metrics if m.rollup != "ratio"}


def bulk_table(options: dict[str, str], latest: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The bulk editor's rows: each unit with its current value and date, and an empty column for the new one."""
    keys = list(options)
    return pd.DataFrame({
        "key": keys,
        "name": [options[k] for k in keys],
        "current": [latest["value"].get(k) for k in keys],
        "current_date": [fmt_date(latest["date"].get(k), lang) if k in latest.index else "" for k in keys],
        "new": pd.Series([None] * len(keys), dtype="float64"),
    })


def plan_changes(plan, horizon, resources: dict, coverages: list) -> tuple[tuple[str, float], ...]:
    """The plan's numbers the plan tab changed: ``resources`` pool -> amount and ``coverages`` (percent, one
    per target, in order) as the inputs hold them; only what differs from the plan, as (path, value)."""
    values: list[tuple[str, float]] = []
    if horizon != plan.horizon:
        values.append(("horizon", int(horizon)))
    for pool, amount in plan.resources.items():
        x = resources.get(pool, amount)
        if x != amount:
            values.append((f"resources.{pool}", x))
    for i, (target, pct) in enumerate(zip(plan.targets, coverages)):
        if abs(pct / 100 - target.coverage) > 1e-9:
            values.append((f"targets.{i}.coverage", pct / 100))
    return tuple(values)


def rejection_text(rejected) -> str:
    """A rejection's comment: its body without the trailers."""
    return "\n".join(x for x in rejected.body.splitlines() if x.strip() and not x.startswith(("Rejected-by:", "Recorded-with:")))


def when(c, lang: str) -> str:
    """A commit's date and time: "05/03/2025 14:20"."""
    return f"{fmt_date(c.date, lang)} {c.date:%H:%M}"


def history_table(history, lang: str) -> pd.DataFrame:
    """A unit's history: when, who (name and email) and what, newest first."""
    return pd.DataFrame({
        t("record.col.when", lang): [when(c, lang) for c in history],
        t("record.col.author", lang): [c.author for c in history],
        t("record.col.email", lang): [c.email for c in history],
        t("record.col.what", lang): [c.subject for c in history],
    })


def upload_counts(preview, lang: str) -> str:
    """How many rows an uploaded sheet had, and how many changes, unchanged, skipped and refused."""
    cs = preview.changeset
    return t("record.upload.counts", lang, rows=fmt_number(preview.rows, lang), changes=fmt_number(len(cs.changes), lang),
             unchanged=fmt_number(len(cs.unchanged), lang), skipped=fmt_number(len(preview.skipped), lang),
             rejected=fmt_number(len(cs.refusals), lang))


def skipped_table(skipped, lang: str) -> pd.DataFrame:
    """The uploaded rows with nothing to record: line and why."""
    return pd.DataFrame({t("record.col.line", lang): [s[0] for s in skipped],
                         t("record.col.reason", lang): [why.text(lang) for _, why in skipped]})


def refusals_table(cs, lang: str) -> pd.DataFrame:
    """Why a change set is refused: line and reason."""
    return pd.DataFrame({t("record.col.line", lang): [r.line for r in cs.refusals],
                         t("record.col.reason", lang): [r.msg.text(lang) for r in cs.refusals]})


def warnings_table(cs, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("record.col.reason", lang): [w.text(lang) for w in cs.warnings]})


def preview_summary(cs, lang: str) -> str:
    return t("record.preview.summary", lang, changes=fmt_number(len(cs.changes), lang), files=fmt_number(len(cs.edits), lang))


def saved_message(done, lang: str) -> str:
    """What the page says after a save: the files, and the commit and branch when it has them (markdown)."""
    files = md_escape(", ".join(done.paths))
    if done.commit and done.branch:
        return t("record.saved_branch", lang, files=files, commit=done.commit[:10], branch=done.branch)
    if done.commit:
        return t("record.saved", lang, files=files, commit=done.commit[:10])
    return t("record.saved_nogit", lang, files=files)


__all__ = ["bulk_table", "current_record", "history_kinds", "history_table", "latest_values", "model_label",
           "plan_changes", "preview_summary", "recordable_metrics", "refusals_table", "rejection_text", "replace_texts",
           "saved_message", "skipped_table", "stage_date", "unit_options", "upload_counts", "warnings_table", "when"]
