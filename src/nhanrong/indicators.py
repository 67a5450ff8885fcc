"""The top-down track: the province's own indicators and target sets (``indicators/*.toml``).

A steering committee reviews much that no unit adopts: the province's DTI rank, products on
e-commerce platforms, cashless payments, the documents it issued, and its own target set ("22 chỉ
tiêu CĐS đến 2025"). This module reads those files (with the loader's parser, validation and
located problems), and evaluates them as of a date: each indicator's latest value, its change since
the reading before, the target that matters now and its verdict (the rule of :mod:`nhanrong.targets`,
with the indicator's direction: a rank is better when lower), and how many targets of a set are met.

An indicator may take its value from a model's metric (``from = { model, metric }``): the model's
roll-up at the file's scope, so the same number is never entered twice.

The loader reads ``indicators/`` with the other folders (:attr:`Programme.indicators`).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd
from pydantic import ValidationError

from . import loader
from .formats import months_before
from .i18n import msg
from .problems import did_you_mean
from .programme import Programme
from .registry import Registry, load_registry, unit_key
from .schema import IndicatorSpec, IndicatorsFile, ModelFile, TargetSetSpec

INDICATORS_DIR = "indicators"
LISTS = ("indicator", "target_set")
"""The record lists of an indicators file: a record with a problem is left out, the others load."""
PILLAR_ORDER = (None, "government", "economy", "society")
"""Indicators of the programme as a whole (the overall DTI rank) first, then by DTI pillar."""


# --- what a data root holds -------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One indicator as loaded: its definition (readings sorted by date, bad ones left out) and where it is."""

    id: str
    spec: IndicatorSpec
    scope: str
    structure: str
    path: str
    line: int = 0
    illustrative: bool = False

    @property
    def link(self):
        return self.spec.from_


@dataclass(frozen=True)
class TargetSet:
    """One target set as loaded (targets with a problem left out)."""

    id: str
    spec: TargetSetSpec
    scope: str
    structure: str
    path: str
    line: int = 0


@dataclass(frozen=True)
class Indicators:
    """Everything under ``indicators/``: indicators and target sets by id, in file order."""

    by_id: dict[str, Indicator] = field(default_factory=dict)
    target_sets: dict[str, TargetSet] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    illustrative_files: list[str] = field(default_factory=list)


# --- finding the files ------------------------------------------------------------------------


def discover_indicators(root: Path, report: loader.Report) -> list[Path]:
    """``ROOT/indicators/**/*.toml``, sorted, the way the loader walks its folders: links to folders are
    not followed, a link to a file only when it stays inside the data root (:func:`loader.link_problem`),
    and nothing is opened here (a FIFO or device named *.toml is refused by :func:`loader.parse_file`). The
    problems of these entries are the loader's own ("problem.*"): the same entry reads the same everywhere."""
    top = Path(root) / INDICATORS_DIR
    if not top.is_dir():
        return []
    bases = (os.path.realpath(root), os.path.realpath(top))
    found: list[Path] = []
    for folder, dirs, names in os.walk(top, followlinks=False):
        for name in sorted(dirs):
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                report.warning(rel, (0, 0), "linked-folder", msg("problem.linked_folder"))
            elif name.endswith(".toml"):
                report.warning(rel, (0, 0), "not-a-file", msg("problem.folder_named_toml"))
        for name in names:
            path = Path(folder) / name
            if not name.endswith(".toml"):
                continue
            problem = loader.link_problem(path, bases) if path.is_symlink() else None
            if problem is not None:
                report.error(path.relative_to(root).as_posix(), (0, 0), *problem)
            else:
                found.append(path)
    return sorted(found)


# --- reading and checking ---------------------------------------------------------------------


def load_indicators(root: Path, report: loader.Report, models: Mapping[str, ModelFile], *,
                    registry: Registry | None = None, paths: Iterable[Path] | None = None,
                    texts: Mapping[str, str] | None = None) -> Indicators:
    """Read and check every file under ``ROOT/indicators/``; every problem goes to ``report``.

    ``paths``: the files to read (the loader's scan), else they are discovered here. ``texts``
    (relative path -> text): read those files from memory, as the loader's ``overrides``. A record
    with a problem is left out; the rest of its file still loads.
    """
    root = Path(root)
    texts = texts or {}
    found = discover_indicators(root, report) if paths is None else list(paths)
    found = sorted({*found, *(root / rel for rel in texts if rel.startswith(INDICATORS_DIR + "/") and rel.endswith(".toml"))})
    reg = registry or load_registry()
    by_id: dict[str, Indicator] = {}
    pending: list[tuple[loader.SourceFile, int, TargetSetSpec, IndicatorsFile]] = []
    files, illustrative = [], []
    for path in found:
        rel = path.relative_to(root).as_posix()
        files.append(rel)
        src = loader.parse_file(path, root, report, texts.get(rel))
        if src is None:
            continue
        checked = _validate(src, report)
        if checked is None:
            continue
        obj, kept = checked
        if obj.illustrative:
            illustrative.append(rel)
        if unit_key(obj.structure, obj.scope) not in reg.units:
            report.error(src, ("scope",), "unknown-unit", msg("indicator.unknown_unit", unit=obj.scope, structure=obj.structure))
        for i, spec in zip(kept["indicator"], obj.indicator):
            _keep_first(by_id, _check_indicator(src, i, spec, obj, models, report), src, ("indicator", i, "id"), report)
        pending += [(src, j, ts, obj) for j, ts in zip(kept["target_set"], obj.target_set)]
    sets: dict[str, TargetSet] = {}
    for src, j, spec, obj in pending:
        ts = _check_target_set(src, j, spec, obj, by_id, report)
        if ts is not None:
            _keep_first(sets, ts, src, ("target_set", j, "id"), report)
    return Indicators(by_id, sets, files, sorted(illustrative))


def _keep_first(store: dict, item: Indicator | TargetSet, src: loader.SourceFile, loc: tuple, report: loader.Report) -> None:
    """Keep ``item`` under its id, unless an earlier one has it (an error at ``loc``, and it is left out)."""
    other = store.get(item.id)
    if other is None:
        store[item.id] = item
        return
    code, what = ("indicator", "indicator") if isinstance(item, Indicator) else ("target-set", "target_set")
    report.error(src, loc, "duplicate-" + code,
                 msg("indicator.duplicate", what=msg("indicator.noun." + what), id=item.id, path=other.path, line=other.line))


def _validate(src: loader.SourceFile, report: loader.Report) -> tuple[IndicatorsFile, dict[str, list[int]]] | None:
    """The file's model, with its records that have a problem left out (each problem reported), and for each
    list the index in the file of every record kept; None when the header itself is broken."""
    data = src.data or {}
    try:
        obj = IndicatorsFile.model_validate(data)
    except ValidationError as exc:
        loader.report_validation(src, exc, IndicatorsFile, report)
        bad = {(e["loc"][0], e["loc"][1]) for e in exc.errors(include_url=False)
               if len(e["loc"]) > 1 and e["loc"][0] in LISTS and isinstance(e["loc"][1], int)}
        data = {k: ([x for i, x in enumerate(v) if (k, i) not in bad] if k in LISTS and isinstance(v, list) else v)
                for k, v in data.items()}
        try:
            obj = IndicatorsFile.model_validate(data)
        except ValidationError:
            return None  # the header is broken: already reported
        kept = {k: [i for i in range(len(src.data.get(k) or [])) if (k, i) not in bad] for k in LISTS}
        return obj, kept
    except Exception as exc:  # noqa: BLE001 - absurd input is a problem of this file, never a crash
        report.error(src.rel, (1, 1), "unreadable", msg("indicator.unreadable", error=type(exc).__name__))
        return None
    return obj, {k: list(range(len(getattr(obj, k)))) for k in LISTS}


def _dated(src: loader.SourceFile, base: tuple, entries: list, what: str, report: loader.Report, *,
           in_order: bool = True) -> list:
    """Dated entries sorted by date; one dated like an earlier one is an error and left out, one out of
    order a warning (when ``in_order``: readings are kept in the order they were made)."""
    noun = msg("indicator.noun." + what)
    kept: list = []
    first: dict[dt.date, int] = {}
    latest: dt.date | None = None
    for k, e in enumerate(entries):
        if e.date in first:
            line = src.pos(base + (first[e.date],))[0]
            report.error(src, base + (k, "date"), "duplicate-date", msg("indicator.duplicate_date", what=noun, day=e.date, line=line))
            continue
        if in_order and latest is not None and e.date < latest:
            report.warning(src, base + (k, "date"), "date-order", msg("indicator.date_order", what=noun, day=e.date, latest=latest))
        first[e.date] = k
        latest = e.date if latest is None else max(latest, e.date)
        kept.append(e)
    return sorted(kept, key=lambda e: e.date)


def _check_indicator(src: loader.SourceFile, i: int, spec: IndicatorSpec, obj: IndicatorsFile,
                     models: Mapping[str, ModelFile], report: loader.Report) -> Indicator:
    base = ("indicator", i)
    readings = _dated(src, base + ("readings",), spec.readings, "reading", report)
    targets = _dated(src, base + ("targets",), spec.targets, "target", report, in_order=False)
    link = spec.from_
    if link is not None:
        model = models.get(link.model)
        if model is None:
            report.error(src, base + ("from", "model"), "unknown-model",
                         msg("indicator.unknown_model", model=link.model, hint=did_you_mean(link.model, models)))
            link = None
        elif link.metric not in (ids := [x.id for x in model.metrics]):
            report.error(src, base + ("from", "metric"), "unknown-metric",
                         msg("indicator.unknown_metric", model=link.model, metric=link.metric, hint=did_you_mean(link.metric, ids)))
            link = None
        elif spec.readings:
            report.warning(src, base + ("readings", 0), "typed-linked-reading",
                           msg("indicator.typed_linked_reading", id=spec.id, model=link.model, metric=link.metric, n=len(spec.readings)))
            readings = []
    spec = spec.model_copy(update={"readings": readings, "targets": targets, "from_": link})
    return Indicator(spec.id, spec, obj.scope, obj.structure, src.rel, src.pos(base)[0], obj.illustrative)


def _check_target_set(src: loader.SourceFile, j: int, spec: TargetSetSpec, obj: IndicatorsFile,
                      by_id: Mapping[str, Indicator], report: loader.Report) -> TargetSet | None:
    base = ("target_set", j)
    items = []
    for k, item in enumerate(spec.targets):
        where = base + ("targets", k)
        if item.indicator is not None:
            if item.count != 1 or item.met:
                report.error(src, where + ("indicator",), "linked-count", msg("indicator.linked_count", indicator=item.indicator))
                continue
            if item.indicator not in by_id:
                report.error(src, where + ("indicator",), "unknown-indicator",
                             msg("indicator.unknown_indicator", indicator=item.indicator, hint=did_you_mean(item.indicator, by_id)))
                continue
            if not by_id[item.indicator].spec.targets:
                report.warning(src, where + ("indicator",), "no-target", msg("indicator.no_target", indicator=item.indicator))
        elif not item.name:
            report.error(src, where, "unnamed-target", msg("indicator.unnamed_target"))
            continue
        met = [m for m in _dated(src, where + ("met",), item.met, "met", report) if _within(src, where, item.met, m, item.count, report)]
        items.append(item.model_copy(update={"met": met}))
    if not items:
        return None
    total = sum(x.count for x in items)
    met = [m for m in _dated(src, base + ("met",), spec.met, "met", report) if _within(src, base, spec.met, m, total, report)]
    spec = spec.model_copy(update={"targets": items, "met": met})
    return TargetSet(spec.id, spec, obj.scope, obj.structure, src.rel, src.pos(base)[0])


def _within(src: loader.SourceFile, base: tuple, entries: list, m, total: int, report: loader.Report) -> bool:
    """A met count no larger than the number of targets it counts (else an error, and it is left out)."""
    if m.value <= total:
        return True
    k = next(i for i, e in enumerate(entries) if e is m)
    report.error(src, base + ("met", k, "value"), "met-above-count",
                 msg("indicator.met_above_count", met=m.value, day=m.date, total=total))
    return False


# --- of a programme ---------------------------------------------------------------------------


def indicators_of(programme: Programme) -> Indicators:
    """The programme's indicators (none when they were never loaded)."""
    return getattr(programme, "indicators", None) or Indicators()


# --- as of a date -----------------------------------------------------------------------------

INDICATOR_COLUMNS = ["indicator", "name", "name_en", "pillar", "unit", "direction", "level", "scope", "structure",
                     "from_model", "from_metric", "value", "date", "source", "reading_note", "previous", "previous_date",
                     "change", "target", "target_date", "target_source", "projected", "verdict", "note", "path", "line"]


@dataclass(frozen=True)
class Judgement:
    """A value against one target: the verdict of :mod:`nhanrong.targets` with a direction."""

    target: float
    target_date: dt.date
    projected: float
    verdict: str | None  # met | on-track | behind | overdue; None without a value


def judge(value: float, before: float, as_of: dt.date, target, *, direction: str = "higher",
          share: bool = False) -> Judgement:
    """``value`` at ``as_of`` and ``before`` (at as_of minus the pace window) against ``target``.

    The rule of :func:`nhanrong.targets.evaluate_targets`: met when reached; overdue when the date has
    passed; on track when the pace of the last six months, extrapolated in a straight line, reaches
    it by its date; behind otherwise. Lower is better when ``direction`` is "lower" (a rank). With no
    earlier value the pace starts from zero (a count), or for lower-is-better is taken as flat (no
    improvement is assumed). A share (unit "%") is not projected past 100%. No value: no verdict.
    """
    from .targets import PACE_MONTHS

    goal, due = float(target.value), target.date
    if _missing(value):
        return Judgement(goal, due, math.nan, None)
    lower = direction == "lower"
    start = before if not _missing(before) else (value if lower else 0.0)
    window = (as_of - months_before(as_of, PACE_MONTHS)).days
    projected = value if due <= as_of else value + (value - start) / max(window, 1) * (due - as_of).days
    if share and not lower:
        projected = min(projected, 1.0)
    reached = (lambda x: x <= goal + 1e-9) if lower else (lambda x: x >= goal - 1e-9)
    if reached(value):
        verdict = "met"
    elif as_of >= due:
        verdict = "overdue"
    elif reached(projected):
        verdict = "on-track"
    else:
        verdict = "behind"
    return Judgement(goal, due, projected, verdict)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def current_target(targets: list, as_of: dt.date):
    """The target that matters now: the next one due on or after ``as_of``, else the last one."""
    if not targets:
        return None
    upcoming = [x for x in targets if x.date >= as_of]
    return min(upcoming, key=lambda x: x.date) if upcoming else max(targets, key=lambda x: x.date)


def deadline_target(targets: list, deadline: dt.date):
    """The target a set with ``deadline`` counts: the last one due by then, else the first after it."""
    if not targets:
        return None
    by = [x for x in targets if x.date <= deadline]
    return max(by, key=lambda x: x.date) if by else min(targets, key=lambda x: x.date)


class _Values:
    """An indicator's value on a date: its latest reading, or its model's roll-up at its scope
    (one ``metric_values`` per scope and date, shared by the indicators that need it)."""

    def __init__(self, pg) -> None:
        self.pg = pg
        self._rollups: dict[tuple, pd.DataFrame] = {}

    def reading(self, ind: Indicator, when: dt.date):
        """(latest reading at or before ``when``, the one before it), either None."""
        past = [r for r in ind.spec.readings if r.date <= when]
        return (past[-1] if past else None), (past[-2] if len(past) > 1 else None)

    def value(self, ind: Indicator, when: dt.date) -> float:
        if ind.link is None:
            latest = self.reading(ind, when)[0]
            return float(latest.value) if latest is not None else math.nan
        return self.rollup(ind, when)

    def rollup(self, ind: Indicator, when: dt.date) -> float:
        from .errors import NhanRongError
        from .status import metric_values

        key = (ind.structure, ind.scope, when)
        if key not in self._rollups:
            try:
                self._rollups[key] = metric_values(self.pg, when, structure=ind.structure, scope=ind.scope)
            except NhanRongError:  # a scope the register does not have: reported when loading
                self._rollups[key] = pd.DataFrame(columns=["model", "metric", "scope_key", "value"])
        mv = self._rollups[key]
        hit = mv[(mv["model"] == ind.link.model) & (mv["metric"] == ind.link.metric)
                 & (mv["scope_key"] == unit_key(ind.structure, ind.scope))]["value"]
        return float(hit.iloc[0]) if len(hit) and not pd.isna(hit.iloc[0]) else math.nan

    def judge(self, ind: Indicator, target, as_of: dt.date) -> Judgement:
        from .targets import PACE_MONTHS

        before = months_before(as_of, PACE_MONTHS)
        return judge(self.value(ind, as_of), self.value(ind, before), as_of, target, direction=ind.spec.direction,
                     share=ind.spec.unit.strip() == "%")


def evaluate_indicators(pg, as_of: dt.date, *, pillar: str | None = None, scope: tuple[str, str] | None = None) -> pd.DataFrame:
    """Every indicator at ``as_of``, the programme's as a whole first, then by pillar, in file order.

    Columns (:data:`INDICATOR_COLUMNS`): the definition; ``value`` (latest reading at or before as_of,
    or the model's roll-up at the file's scope for a linked indicator), its ``date`` and ``source``;
    ``previous`` and ``previous_date`` (the reading before it; for a linked indicator the roll-up six
    months before), ``change`` (value - previous); the target that matters now (``target``,
    ``target_date``: the next due, else the last), ``projected`` and ``verdict`` (met | on-track |
    behind | overdue; None without a value or a target). ``pillar``: only that pillar ("overall" for
    the programme as a whole). ``scope``: (structure, code), only the indicators of that unit.
    """
    from .targets import PACE_MONTHS

    values = _Values(pg)
    rows = []
    for ind in _ordered(indicators_of(pg.programme).by_id.values()):
        spec = ind.spec
        if pillar is not None and (spec.pillar or "overall") != pillar:
            continue
        if scope is not None and (ind.structure, ind.scope) != tuple(scope):
            continue
        if ind.link is None:
            latest, prior = values.reading(ind, as_of)
            value = float(latest.value) if latest is not None else math.nan
            date, source, rnote = (latest.date, latest.source, latest.note) if latest is not None else (None, "", "")
            previous = float(prior.value) if prior is not None else math.nan
            previous_date = prior.date if prior is not None else None
        else:
            value, date, source, rnote = values.rollup(ind, as_of), as_of, "", ""
            previous_date = months_before(as_of, PACE_MONTHS)
            previous = values.rollup(ind, previous_date)
        target = current_target(spec.targets, as_of)
        j = values.judge(ind, target, as_of) if target is not None else None
        rows.append({
            "indicator": ind.id, "name": spec.name, "name_en": spec.name_en, "pillar": spec.pillar, "unit": spec.unit,
            "direction": spec.direction, "level": spec.level, "scope": ind.scope, "structure": ind.structure,
            "from_model": ind.link.model if ind.link else None, "from_metric": ind.link.metric if ind.link else None,
            "value": value, "date": date, "source": source, "reading_note": rnote,
            "previous": previous, "previous_date": previous_date, "change": value - previous,
            "target": j.target if j else math.nan, "target_date": j.target_date if j else None,
            "target_source": target.source if target is not None else "",
            "projected": j.projected if j else math.nan, "verdict": j.verdict if j else None,
            "note": spec.note, "path": ind.path, "line": ind.line,
        })
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def _ordered(inds: Iterable[Indicator]) -> list[Indicator]:
    return sorted(inds, key=lambda x: PILLAR_ORDER.index(x.spec.pillar))  # stable: file order within a pillar


@dataclass(frozen=True)
class SetStatus:
    """How many targets of a set are met at a date, and by which report."""

    id: str
    name: str
    name_en: str
    deadline: dt.date
    scope: str
    structure: str
    total: int
    met: int | None  # None: nothing reported by then
    unknown: int  # targets with no status yet (counted from its lines)
    reported: dt.date | None  # the latest report counted
    by_pillar: dict  # pillar (None: not given) -> (met or None, total)
    sources: tuple[str, ...] = ()


def evaluate_target_sets(pg, as_of: dt.date, *, scope: tuple[str, str] | None = None) -> list[SetStatus]:
    """Each target set at ``as_of``: its total, and how many are met.

    A line tied to an indicator counts as met when that indicator meets its target due by the set's
    date; a line of ``count`` targets counts its latest met count at or before as_of. When the set
    itself has a met count (a source giving only the total) at least as recent as its lines', that
    count is the set's, and the split by pillar is not known at that date.
    """
    values = _Values(pg)
    inds = indicators_of(pg.programme)
    out = []
    for ts in inds.target_sets.values():
        if scope is not None and (ts.structure, ts.scope) != tuple(scope):
            continue
        spec = ts.spec
        lines = []  # (pillar, count, met or None, date or None, source)
        for item in spec.targets:
            if item.indicator is not None:
                ind = inds.by_id[item.indicator]
                target = deadline_target(ind.spec.targets, spec.date)
                verdict = values.judge(ind, target, as_of).verdict if target is not None else None
                latest = values.reading(ind, as_of)[0]
                date = as_of if ind.link is not None else (latest.date if latest is not None else None)
                met = None if verdict is None else int(verdict == "met")
                lines.append((item.pillar or ind.spec.pillar, 1, met, date if met is not None else None,
                              latest.source if latest is not None else ""))
            else:
                past = [m for m in item.met if m.date <= as_of]
                m = past[-1] if past else None
                lines.append((item.pillar, item.count, m.value if m else None, m.date if m else None, m.source if m else ""))
        total = sum(c for _, c, _, _, _ in lines)
        totals: dict = {}
        for p, c, _, _, _ in lines:
            totals[p] = totals.get(p, 0) + c
        known = [x for x in lines if x[2] is not None]
        latest_line = max((x[3] for x in known if x[3] is not None), default=None)
        whole = [m for m in spec.met if m.date <= as_of]
        if whole and (latest_line is None or whole[-1].date >= latest_line):
            m = whole[-1]
            status = SetStatus(ts.id, spec.name, spec.name_en, spec.date, ts.scope, ts.structure, total, m.value, 0, m.date,
                               {p: (None, n) for p, n in totals.items()}, (m.source,))
        elif known:
            by = {p: (sum(x[2] for x in known if x[0] == p) if any(x[0] == p for x in known) else None, n)
                  for p, n in totals.items()}
            status = SetStatus(ts.id, spec.name, spec.name_en, spec.date, ts.scope, ts.structure, total,
                               sum(x[2] for x in known), sum(x[1] for x in lines if x[2] is None), latest_line, by,
                               tuple(dict.fromkeys(x[4] for x in known if x[4])))
        else:
            status = SetStatus(ts.id, spec.name, spec.name_en, spec.date, ts.scope, ts.structure, total, None, total, None,
                               {p: (None, n) for p, n in totals.items()})
        out.append(status)
    return out


TREND_COLUMNS = ["indicator", "name", "name_en", "date", "value", "target", "target_date"]


def rank_trend(programme: Programme, as_of: dt.date, *, scope: tuple[str, str] | None = None) -> pd.DataFrame:
    """The readings up to ``as_of`` of every rank (an indicator whose unit is "/N", the DTI rank and its
    pillars) with at least two of them, and each one's current target: what the trend chart draws."""
    rows = []
    for ind in _ordered(indicators_of(programme).by_id.values()):
        if not is_rank(ind.spec.unit) or ind.link is not None:
            continue
        if scope is not None and (ind.structure, ind.scope) != tuple(scope):
            continue
        past = [r for r in ind.spec.readings if r.date <= as_of]
        if len(past) < 2:
            continue
        target = current_target(ind.spec.targets, as_of)
        rows += [{"indicator": ind.id, "name": ind.spec.name, "name_en": ind.spec.name_en, "date": pd.Timestamp(r.date),
                  "value": float(r.value), "target": float(target.value) if target is not None else math.nan,
                  "target_date": target.date if target is not None else None} for r in past]
    return pd.DataFrame(rows, columns=TREND_COLUMNS)


def is_rank(unit: str) -> bool:
    """A rank out of N is written with the unit "/N" ("/63": 27/63)."""
    return unit.strip().startswith("/")


__all__ = ["Indicator", "Indicators", "TargetSet", "SetStatus", "Judgement", "load_indicators", "discover_indicators",
           "indicators_of", "evaluate_indicators", "evaluate_target_sets",
           "rank_trend", "judge", "current_target", "deadline_target", "is_rank", "INDICATOR_COLUMNS", "INDICATORS_DIR"]
