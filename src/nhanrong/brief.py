"""The steering committee's view: a per-model summary, the decisions it needs, and a
print-ready brief of both for one scope, as HTML and as PDF.

The committee reads it in a meeting or on paper (a secretary attaches the PDF to the meeting
invitation), so the document is plain HTML with an A4 print stylesheet, no scripts and no
external files, rendered from a Jinja template (``templates/brief.html.j2``, which a data
repository may override, see :func:`template_env`). The template is autoescaped and sandboxed:
every piece of text that comes from data (names, notes, messages) is escaped. The PDF comes from
WeasyPrint (the optional ``pdf`` extra, which needs Pango); without it the app offers the HTML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import pandas as pd
from markupsafe import Markup

from .errors import NhanRongError
from .formats import MISSING, fmt_date, fmt_date_long, fmt_number, fmt_percent, fmt_quarter, fmt_value
from .i18n import data_name, label, t
from .indicators import SetStatus, is_rank
from .kinds import kind_label
from .registry import REFORM_DATE
from .schema import ABOLISHED_KINDS, KindSpec, ModelFile
from .textfold import nfc

STAGE_COLUMNS = ["not_started", "assess", "pilot", "evaluate", "scale"]
DECISION_KINDS = ("definition", "prerequisite", "stalled", "gate-skipped", "not-started", "stale")
DECISION_KEYS = {"prerequisite": "decision.prerequisite", "stalled": "decision.stalled",
                 "gate-skipped": "decision.gate", "not-started": "decision.not_started", "stale": "decision.stale"}
MAX_GAPS = 25
TOP_DECISIONS = 3
"""Decisions on the brief's first page (the ranked ones of nhanrong.decisions); the rest are counted."""
REFORM_COLUMNS = ["history", "parts", "parts_scale"]
HISTORY_AS_OF = REFORM_DATE - dt.timedelta(days=1)
"""The day units of an abolished level are frozen at (the same day as nhanrong.status.HISTORY_AS_OF)."""


def model_label(models: Mapping[str, ModelFile], mid: str, lang: str) -> str:
    """A model's name in ``lang``: its ``name_en`` in English when it has one, else its name as written."""
    m = models.get(mid)
    if m is None:
        return str(mid)
    return data_name(m.name, m.name_en, lang)


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
              models: dict[str, ModelFile], scope: str | None, as_of: dt.date, lang: str = "vi") -> pd.DataFrame:
    """One row per model: stage counts, coverage now and six months before, its coverage target.

    Columns: model, name, pillars, eligible, not_started..scale, coverage, prev_coverage,
    delta (points, 0..100), target, target_date, verdict, and the new structure's history, parts
    and parts_scale (0, eligible and scale when ``status`` does not have them).
    """
    now = _scope_rows(status, scope).set_index("model")
    before = _scope_rows(prev, scope).set_index("model") if prev is not None else pd.DataFrame()
    out = []
    for mid, m in models.items():
        row: dict = {"model": mid, "name": model_label(models, mid, lang), "pillars": list(m.pillars)}
        if mid in now.index:
            r = now.loc[mid]
            row.update({c: int(r[c]) for c in ["eligible", *STAGE_COLUMNS]})
            row["coverage"] = float(r["coverage"]) if not pd.isna(r["coverage"]) else float("nan")
        else:
            row.update({c: 0 for c in ["eligible", *STAGE_COLUMNS]})
            row["coverage"] = float("nan")
        fallback = {"history": 0, "parts": row["eligible"], "parts_scale": row["scale"]}
        for c in REFORM_COLUMNS:
            v = now.loc[mid, c] if mid in now.index and c in now.columns else None
            row[c] = int(v) if v is not None and not pd.isna(v) else fallback[c]
        prev_cov = before.loc[mid, "coverage"] if mid in before.index else float("nan")
        row["prev_coverage"] = float(prev_cov) if not pd.isna(prev_cov) else float("nan")
        row["delta"] = (row["coverage"] - row["prev_coverage"]) * 100
        tgt = coverage_target(targets, mid, as_of)
        row["target"] = float(tgt["target"]) if tgt is not None else float("nan")
        row["target_date"] = tgt["target_date"] if tgt is not None else None
        row["verdict"] = tgt["verdict"] if tgt is not None else None
        origin = tgt.get("origin") if tgt is not None else None
        row["target_origin"] = origin if isinstance(origin, str) else ("own" if tgt is not None else None)
        source = tgt.get("source_name") if tgt is not None else None
        row["target_source"] = source if isinstance(source, str) else None
        out.append(row)
    return pd.DataFrame(out)


def target_origin(row, scope_name: str, lang: str) -> str:
    """Where a card's target comes from: "chỉ tiêu riêng của Huyện Văn Yên" or "theo chỉ tiêu của Tỉnh Yên Bái"."""
    origin = row.get("target_origin") if hasattr(row, "get") else None
    if origin == "inherited":
        return t("cascade.inherited", lang, source=row.get("target_source") or "")
    return t("cascade.own", lang, scope=scope_name)


def reform_notes(row, model: ModelFile | None, lang: str,
                 kinds: Mapping[str, KindSpec] | None = None) -> list[str]:
    """What a reader must know to read one model's figures in the new structure, from its
    ``summarise`` (or ``status``) row: units of an abolished level counted at their last state,
    and new units made of several former ones (at scale only when every part is).

    Empty in the old structure, where there is no history and every unit is its only part.
    """
    notes: list[str] = []
    adopted = list(model.adopted_by) if model is not None else []

    def get(col: str, default: int = 0) -> int:
        v = row.get(col, default) if hasattr(row, "get") else default
        return default if v is None or pd.isna(v) else int(v)

    eligible, history = get("eligible"), get("history")
    if history > 0:
        abolished = [k for k in adopted if k in ABOLISHED_KINDS] or list(ABOLISHED_KINDS)
        notes.append(t("overview.history", lang, n=fmt_number(history, lang),
                       kind=kind_label(abolished[0], lang, kinds, plural=history != 1),
                       date=fmt_date(HISTORY_AS_OF, lang)))
    parts, at_scale = get("parts", eligible), get("parts_scale", 0)
    if history == 0 and parts > eligible > 0:  # a model of one abolished and one living level has no clean count
        living = [k for k in adopted if k not in ABOLISHED_KINDS]
        n, p, k = fmt_number(eligible, lang), fmt_number(parts, lang), fmt_number(at_scale, lang)
        if len(living) == 1:
            notes.append(t("overview.parts", lang, n=n, parts=p, scale=k,
                           kind=kind_label(living[0], lang, kinds, plural=eligible != 1)))
        else:
            notes.append(t("overview.parts_units", lang, n=n, parts=p, scale=k))
    return notes


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
    return data_name(spec.name, spec.name_en, lang), spec.unit


def target_scope(r, lang: str, structure: str | None = None) -> str:
    """The unit a target is set for, by name ("toàn bộ dữ liệu" when it is set for all the data);
    marked old/new when it belongs to the other structure than the one on screen. A target passed down
    from the unit above (``origin`` "inherited") names the unit that set it."""
    if r.get("origin") == "inherited":
        r = {"scope": r.get("source_scope"), "scope_name": r.get("source_name"), "structure": r.get("source_structure")}
    code = r.get("scope")
    code = "" if code is None or pd.isna(code) else str(code)
    if not code:
        return t("targets.all_data", lang)
    name = r.get("scope_name")
    name = code if name is None or pd.isna(name) or not str(name) else str(name)
    tstruct = r.get("structure")
    if structure and isinstance(tstruct, str) and tstruct in ("old", "new") and tstruct != structure:
        return t(f"targets.scope_{tstruct}", lang, name=name)
    return name


def format_targets(targets: pd.DataFrame, models: dict[str, ModelFile], lang: str,
                   structure: str | None = None) -> pd.DataFrame:
    """Targets as planners read them: the model, the unit it is set for, formatted values and
    dates, verdict label. With ``structure`` (the one on screen), a unit of the other structure is
    marked as such."""
    cols = ["col.model", "col.scope", "col.metric", "col.target", "col.target_date", "col.actual", "col.projected",
            "col.verdict"]
    if targets is None or not len(targets):
        return pd.DataFrame(columns=[t(c, lang) for c in cols])
    rows = []
    for _, r in targets.iterrows():
        name, unit = metric_label(models, r["model"], r["metric"], lang)
        rows.append([
            model_label(models, r["model"], lang),
            target_scope(r, lang, structure),
            name,
            fmt_value(r["target"], unit, lang),
            fmt_date(r["target_date"], lang),
            fmt_value(r["actual"], unit, lang),
            fmt_value(r.get("projected"), unit, lang),
            label("verdict", r["verdict"], lang),
        ])
    return pd.DataFrame(rows, columns=[t(c, lang) for c in cols])


def format_gaps(gaps: pd.DataFrame, models: dict[str, ModelFile], lang: str) -> pd.DataFrame:
    """Gaps with translated labels, in the engine's order (severity, then date); the commune
    column names the commune of a village, school or party cell (blank for communes and above)."""
    cols = ["col.severity", "col.model", "col.unit", "col.code", "col.commune", "col.gap_kind", "col.since",
            "col.message", "col.action"]
    if gaps is None or not len(gaps):
        return pd.DataFrame(columns=[t(c, lang) for c in cols])
    from .gaps import render_gaps

    said = render_gaps(gaps, lang)  # the sentences of the rows shown only
    commune = gaps["commune_name"] if "commune_name" in gaps else pd.Series("", index=gaps.index)
    out = pd.DataFrame({
        t("col.severity", lang): gaps["severity"].map(lambda s: label("severity", s, lang)),
        t("col.model", lang): gaps["model"].map(lambda m: model_label(models, m, lang)),
        t("col.unit", lang): gaps["unit_name"].astype(str),
        t("col.code", lang): gaps["unit"].astype(str),
        t("col.commune", lang): commune.map(lambda c: "" if c is None or pd.isna(c) else str(c)),
        t("col.gap_kind", lang): gaps["kind"].map(lambda k: label("gap_kind", k, lang)),
        t("col.since", lang): gaps["since"].map(lambda d: fmt_date(d, lang)),
        t("col.message", lang): said["message"].astype(str),
        t("col.action", lang): said["action"].astype(str),
    })
    return out.reset_index(drop=True)


# --- the province's indicators and target sets ------------------------------------------------


def fmt_indicator(value, unit: str, lang: str) -> str:
    """An indicator's figure: "27/63" (a rank, unit "/63"), "30,77%" (a share: one decimal, two when the
    source gave two), "5.277 sản phẩm"."""
    if value is None or pd.isna(value):
        return MISSING
    if is_rank(unit):
        return f"{fmt_number(value, lang)}{unit.strip()}"
    if unit.strip() == "%":
        pct = float(value) * 100
        return fmt_percent(value, lang, 1 if round(pct, 1) == round(pct, 2) else 2)
    return fmt_value(value, unit, lang)


def fmt_indicator_target(value, unit: str, direction: str, lang: str) -> str:
    """A target as it reads: "≤ 25/63" when lower is better, "30,0%" otherwise."""
    text = fmt_indicator(value, unit, lang)
    return t("indicators.at_most", lang, value=text) if direction == "lower" and text != MISSING else text


def fmt_indicator_change(change, unit: str, lang: str) -> str | None:
    """The change since the report before: "+13 bậc" for a rank that rose 13 places (its number fell by 13),
    "+6,0 điểm %" for a share, "+1.234 tài khoản" otherwise; None when there is nothing to compare with."""
    if change is None or pd.isna(change):
        return None
    if unit.strip() == "%":
        return fmt_delta(float(change) * 100, lang)
    gained = -float(change) if is_rank(unit) else float(change)
    sign = "+" if gained > 0 else ("-" if gained < 0 else "±")
    if is_rank(unit):
        return t("indicators.rank_change", lang, sign=sign, n=fmt_number(abs(gained), lang))
    return sign + fmt_value(abs(gained), unit, lang)


def indicator_name(row, lang: str) -> str:
    return data_name(row["name"], row.get("name_en"), lang)


def indicator_source(row, models: dict[str, ModelFile], lang: str) -> str:
    """Where an indicator's figure comes from: its reading's source, or the model it is rolled up from."""
    model = row.get("from_model")
    if isinstance(model, str) and model:
        metric, _ = metric_label(models, model, row["from_metric"], lang)
        name = model_label(models, model, lang)
        return t("indicators.linked", lang, model=name, metric=metric, date=fmt_date(row["date"], lang))
    return str(row.get("source") or "")


def pillar_label(pillar, lang: str) -> str:
    return t("indicators.overall", lang) if pillar is None or pd.isna(pillar) else label("pillar", pillar, lang)


def format_indicators(frame: pd.DataFrame, models: dict[str, ModelFile], lang: str) -> pd.DataFrame:
    """Indicators as a committee reads them: pillar, name, figure and its date, change, target, verdict, source."""
    cols = ["col.pillar", "col.metric", "col.value", "col.date", "col.trend", "col.target", "col.verdict", "col.source"]
    if frame is None or not len(frame):
        return pd.DataFrame(columns=[t(c, lang) for c in cols])
    rows = []
    for _, r in frame.iterrows():
        target = fmt_indicator_target(r["target"], r["unit"], r["direction"], lang)
        rows.append([
            pillar_label(r["pillar"], lang), indicator_name(r, lang), fmt_indicator(r["value"], r["unit"], lang),
            fmt_date(r["date"], lang), fmt_indicator_change(r["change"], r["unit"], lang) or MISSING,
            f"{target} · {fmt_date(r['target_date'], lang)}" if target != MISSING else MISSING,
            label("verdict", r["verdict"], lang) if isinstance(r["verdict"], str) else MISSING,
            indicator_source(r, models, lang),
        ])
    return pd.DataFrame(rows, columns=[t(c, lang) for c in cols])


def set_headline(status: SetStatus, lang: str) -> tuple[str, str]:
    """("11/22 chỉ tiêu đạt", "<name>, hạn 31/12/2025. Báo cáo ngày 31/12/2022. Nguồn: …") for a target set."""
    name = data_name(status.name, status.name_en, lang)
    deadline = fmt_date(status.deadline, lang)
    if status.met is None:
        return (t("indicators.set_none", lang, total=fmt_number(status.total, lang)),
                t("indicators.set_caption_none", lang, name=name, deadline=deadline))
    caption = t("indicators.set_caption", lang, name=name, deadline=deadline, date=fmt_date(status.reported, lang),
                source="; ".join(status.sources) or MISSING)
    if status.unknown:
        caption += " " + t("indicators.set_unknown", lang, n=fmt_number(status.unknown, lang))
    return t("indicators.set_met", lang, met=fmt_number(status.met, lang), total=fmt_number(status.total, lang)), caption


def set_pillar_line(status: SetStatus, pillar: str, lang: str) -> str | None:
    """What a pillar's column says of a set: "Mục tiêu của trụ cột: 1/2 đạt (báo cáo ngày 31/12/2022)."."""
    if pillar not in status.by_pillar:
        return None
    met, total = status.by_pillar[pillar]
    if met is None:
        return t("indicators.set_pillar_total", lang, total=fmt_number(total, lang)) if status.met is not None else None
    return t("indicators.set_pillar", lang, met=fmt_number(met, lang), total=fmt_number(total, lang),
             date=fmt_date(status.reported, lang))


def indicator_decisions(frame: pd.DataFrame, lang: str) -> list[tuple[int, str]]:
    """(rank, line) for each indicator behind or overdue on its target, as :func:`decisions` ranks targets."""
    out = []
    if frame is None or not len(frame):
        return out
    for _, r in frame[frame["verdict"].isin(["behind", "overdue"])].iterrows():
        out.append((4 if r["verdict"] == "overdue" else 3, t(
            "decision.indicator", lang, name=indicator_name(r, lang),
            target=fmt_indicator_target(r["target"], r["unit"], r["direction"], lang),
            date=fmt_date(r["target_date"], lang), verdict_l=label("verdict", r["verdict"], lang).lower(),
            actual=fmt_indicator(r["value"], r["unit"], lang))))
    return out


def decisions(targets: pd.DataFrame, gaps: pd.DataFrame, models: dict[str, ModelFile], lang: str,
              scope: tuple[str, str] | None = None, indicators: pd.DataFrame | None = None) -> list[str]:
    """What the committee must decide: targets behind or overdue, then gaps grouped by model and kind.

    Grouped so a meeting sees one line per (model, problem), most severe first,
    not one line per village. A target set for another unit than ``scope`` (structure, code),
    say a district's within the province, names that unit. ``indicators``: the province's indicators
    (:func:`nhanrong.indicators.evaluate_indicators`), those behind or overdue ranked as targets.
    """
    out: list[tuple[int, str]] = indicator_decisions(indicators, lang)
    if targets is not None and len(targets):
        for _, r in targets[targets["verdict"].isin(["behind", "overdue"])].iterrows():
            name, unit = metric_label(models, r["model"], r["metric"], lang)
            code = "" if pd.isna(r.get("scope")) else str(r.get("scope") or "")
            own = scope is not None and (str(r.get("structure")), code) == tuple(scope)
            if code and not own and isinstance(r.get("scope_name"), str) and r.get("scope_name"):
                name = t("decision.metric_at", lang, metric=name, scope=r["scope_name"])
            out.append((4 if r["verdict"] == "overdue" else 3, t(
                "decision.behind", lang, model=model_label(models, r["model"], lang),
                metric=name, target=fmt_value(r["target"], unit, lang), date=fmt_date(r["target_date"], lang),
                verdict_l=label("verdict", r["verdict"], lang).lower(), actual=fmt_value(r["actual"], unit, lang))))
    if gaps is not None and len(gaps):
        grouped = gaps.groupby(["model", "kind"], observed=True, sort=False)
        for (mid, kind), g in grouped:
            name = model_label(models, mid, lang)
            rank = int(g["severity_rank"].max())
            if kind == "definition":
                from .gaps import render_gaps

                parts = "; ".join(dict.fromkeys(render_gaps(g, lang)["message"].astype(str)))
                out.append((rank, t("decision.definition", lang, model=name, parts=parts)))
            elif kind in DECISION_KEYS:
                n = g["unit_key"].nunique() if "unit_key" in g else len(g)
                out.append((rank, t(DECISION_KEYS[kind], lang, model=name, n=fmt_number(n, lang))))
    out.sort(key=lambda x: -x[0])
    return [text for _, text in out]


# --- HTML, from a template a province can adapt -------------------------------------------

TEMPLATE = "brief.html.j2"
PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
OVERRIDE_DIR = "templates"
"""A data repository may hold its own ``templates/brief.html.j2``: it is used instead of the
packaged one, and can extend it as ``nhanrong/brief.html.j2``."""
PLACE_WORDS = ("Thành phố", "Thị xã", "Thị trấn", "Đặc khu", "Tỉnh", "Huyện", "Quận", "Xã", "Phường")


@dataclass(frozen=True)
class Table:
    """A table as the template draws it: header, rows of text, indexes of right-aligned columns."""

    columns: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()


def _as_table(frame: pd.DataFrame, numeric: set[str] = frozenset()) -> Table:
    cols = [nfc(c) for c in frame.columns]
    return Table(cols, [[nfc(v) for v in row] for row in frame.astype(str).itertuples(index=False)],
                 frozenset(i for i, c in enumerate(frame.columns) if c in numeric))


def css_string(value) -> Markup:
    """Text safe inside a CSS string ("…" in ``content:``): quotes, backslashes and angle brackets
    written as CSS escapes, so data can neither end the string nor the <style> element."""
    out = []
    for c in nfc(value):
        out.append(f"\\{ord(c):x} " if c in "\\\"'<>&" or ord(c) < 0x20 or ord(c) == 0x7F else c)
    return Markup("".join(out))


def place_of(scope_name: str) -> str:
    """The place an official document is dated at: the scope's name without its kind ("Tỉnh Yên Bái" ->
    "Yên Bái")."""
    name = nfc(scope_name).strip()
    for word in PLACE_WORDS:
        if name.startswith(word + " "):
            return name[len(word) + 1:].strip()
    return name


def template_env(root: Path | None = None):
    """The Jinja environment: autoescaped, sandboxed (a template comes with the data: it must not run
    code), the repository's ``templates/`` first, the packaged templates also as ``nhanrong/...``."""
    from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
    from jinja2.sandbox import SandboxedEnvironment

    packaged = FileSystemLoader(str(PACKAGE_TEMPLATES))
    loaders = [PrefixLoader({"nhanrong": packaged})]
    if root is not None and (Path(root) / OVERRIDE_DIR).is_dir():
        loaders.append(FileSystemLoader(str(Path(root) / OVERRIDE_DIR)))
    loaders.append(packaged)
    env = SandboxedEnvironment(loader=ChoiceLoader(loaders), autoescape=True, trim_blocks=True, lstrip_blocks=True,
                               finalize=lambda v: nfc(v) if isinstance(v, str) and not isinstance(v, Markup) else v)
    env.filters["css"] = css_string
    return env


def template_path(root: Path | None = None) -> Path:
    """Where the brief's template is read from: the repository's override if present, else the package's."""
    if root is not None and (Path(root) / OVERRIDE_DIR / TEMPLATE).is_file():
        return Path(root) / OVERRIDE_DIR / TEMPLATE
    return PACKAGE_TEMPLATES / TEMPLATE


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
    scope: str = ""  # the scope's code ("" = all the data)
    structure: str = ""  # "old" | "new": the structure the figures are in
    kinds: Mapping[str, KindSpec] | None = None  # the repository's words for kinds of unit
    programme: str = ""  # the programme's name (nhanrong.toml), if any
    indicators: pd.DataFrame | None = None  # evaluate_indicators rows of the scope
    target_sets: tuple[SetStatus, ...] = ()  # evaluate_target_sets of the scope
    ranked: tuple = ()  # nhanrong.decisions.find_decisions at the scope, in the brief's language: page 1


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


def reform_lines(summary: pd.DataFrame, models: dict[str, ModelFile], lang: str,
                 kinds: Mapping[str, KindSpec] | None = None) -> list[str]:
    """One line per model whose figures need the new structure explained ("«model»: note note")."""
    lines = []
    for _, row in summary.iterrows():
        notes = reform_notes(row, models.get(row["model"]), lang, kinds)
        if notes:
            lines.append(f"«{row['name']}»: {' '.join(notes)}")
    return lines


def brief_context(data: BriefData, lang: str = "vi") -> dict:
    """What the brief's template is given (the README lists it): formatted text, in ``lang``."""
    st_table = status_table(data.summary, lang)
    targets = format_targets(data.targets, data.models, lang, data.structure or None)
    n_gaps = 0 if data.gaps is None else len(data.gaps)
    top = data.gaps.head(MAX_GAPS) if n_gaps else data.gaps
    gaps = format_gaps(top, data.models, lang).drop(columns=[t("col.code", lang)])
    reform = reform_lines(data.summary, data.models, lang, data.kinds)
    place = place_of(data.scope_name) if data.scope else ""
    today_long = fmt_date_long(data.today, lang)
    place_date = f"{place}, {today_long}" if place else today_long[:1].upper() + today_long[1:]
    return {
        "lang": lang,
        "t": lambda key, **values: t(key, lang, **values),
        "number": lambda x, decimals=None: fmt_number(x, lang, decimals),
        "percent": lambda x, decimals=1: fmt_percent(x, lang, decimals),
        "title": t("brief.title", lang),
        "scope_name": nfc(data.scope_name),
        "scope_code": data.scope,
        "structure": data.structure,
        "programme": nfc(data.programme),
        "illustrative": data.illustrative,
        "as_of": fmt_date(data.as_of, lang),
        "as_of_long": fmt_date_long(data.as_of, lang),
        "today": fmt_date(data.today, lang),
        "today_long": today_long,
        "place": place,
        "place_date": place_date,
        "quarter": fmt_quarter(data.as_of, lang),
        "status": _as_table(st_table, set(st_table.columns[1:-2])),
        "targets": _as_table(targets),
        "gaps": _as_table(gaps),
        "gaps_total": n_gaps,
        "gaps_more": max(n_gaps - MAX_GAPS, 0),
        "top_decisions": [{"title": nfc(d.title), "why": nfc(d.why), "units": nfc(d.units_line(lang, limit=4))}
                          for d in data.ranked[:TOP_DECISIONS]],
        "more_decisions": max(len(data.ranked) - TOP_DECISIONS, 0),
        "all_decisions": [{"title": nfc(d.title), "why": nfc(d.why), "units": nfc(d.units_line(lang, limit=20)),
                           "unblock": [nfc(x) for x in d.unblock]} for d in data.ranked],
        "decisions": [nfc(x) for x in decisions(data.targets, data.gaps, data.models, lang,
                                                (data.structure, data.scope) if data.structure else None,
                                                data.indicators)],
        "indicators": _as_table(format_indicators(data.indicators, data.models, lang),
                                {t("col.value", lang), t("col.date", lang), t("col.trend", lang)}),
        "indicator_sets": [dict(zip(("headline", "caption"), map(nfc, set_headline(s, lang)))) for s in data.target_sets],
        "reform": {"intro": t("brief.reform", lang, reform=fmt_date(REFORM_DATE, lang)), "lines": reform,
                   "help": t("overview.reform_help", lang, date=fmt_date(HISTORY_AS_OF, lang))} if reform else None,
    }


def brief_stem(scope_name: str, as_of: dt.date) -> str:
    """The brief's file name without extension, after the unit's name: "ban-tin-huyen-van-yen-2022-12-31"."""
    from .textfold import fold

    slug = "-".join("".join(c if c.isalnum() else " " for c in fold(scope_name)).split()) or "toan-bo"
    return f"ban-tin-{slug}-{as_of.isoformat()}"


def build_brief(data: BriefData, lang: str = "vi", root: Path | None = None) -> str:
    """A complete, print-ready HTML document (A4) for the steering committee, from the template
    (``root``'s ``templates/brief.html.j2`` when the data repository has one)."""
    return template_env(root).get_template(TEMPLATE).render(brief_context(data, lang)).strip()


# --- PDF ----------------------------------------------------------------------------------------


class PdfUnavailable(NhanRongError):
    """No PDF on this machine; ``text(lang)`` says why, in the planner's language (codes ``brief.pdf.*``)."""


@lru_cache(maxsize=1)
def _weasyprint():
    """WeasyPrint's HTML class, or a PdfUnavailable: the package is an optional extra and needs Pango."""
    try:
        from weasyprint import HTML  # optional, and slow to import: only when a PDF is asked for
    except ImportError as exc:
        return PdfUnavailable("brief.pdf.not_installed", error=str(exc))
    except OSError as exc:  # the package is there, a system library (Pango) is not
        return PdfUnavailable("brief.pdf.no_library", error=str(exc))
    return HTML


def pdf_support() -> PdfUnavailable | None:
    """None when PDFs can be made here, else why not."""
    found = _weasyprint()
    return found if isinstance(found, PdfUnavailable) else None


def brief_pdf(document: str) -> bytes:
    """The brief's HTML rendered to an A4 PDF (fonts embedded, header rows repeated on every page).
    Raises PdfUnavailable when WeasyPrint or its system libraries are missing."""
    found = _weasyprint()
    if isinstance(found, PdfUnavailable):
        raise found
    return found(string=document, base_url=str(PACKAGE_TEMPLATES)).write_pdf()
