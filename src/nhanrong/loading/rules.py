"""The rules across files: references between settings, models, units, records and plans.

One function per rule; its docstring says the rule. The rules on units/ and pilots/ run on the merged
columns of every file at once (set look-ups, a duplicate search, comparisons of date columns): each takes
the rows still in play (a boolean mask), reports a problem for those that break it (messages are built
only for these rare rows) and returns the rows that pass, so a record gets one error, from the first
rule it breaks, in the order the rules are called (:mod:`.load`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import repeat
from typing import Callable, Iterable, Mapping

import networkx as nx
import numpy as np
import pandas as pd

from ..i18n import Message, msg
from ..problems import did_you_mean
from ..programme import LocalUnit, LocalUnits
from ..registry import NEW, OLD, REFORM_DATE, Registry, unit_key
from ..schema import ABOLISHED_KINDS, ADMIN_KINDS, STAGES, ModelFile, PlanFile, SettingsFile
from .columns import EPOCH_ORDINAL, as_date
from .discovery import SETTINGS_FILE
from .report import Report, SourceFile

# --- nhanrong.toml ------------------------------------------------------------------------------


def admin_kinds_not_redeclared(src: SourceFile, kinds: dict, report: Report) -> dict:
    """A kind under [kinds] is not an administrative level of the official register (those are left out)."""
    for k in [k for k in kinds if k in ADMIN_KINDS]:
        report.error(src, ("kinds", k), "admin-kind", msg("problem.admin_kind", kind=k))
        del kinds[k]
    return kinds


def parent_kinds_declared(src: SourceFile, kinds: dict, known: tuple[str, ...], report: Report) -> None:
    """Each parent kind a declared kind names is built in or declared."""
    for k, spec in kinds.items():
        for j, parent in enumerate(spec.parents):
            if parent not in known:
                report.error(src, ("kinds", k, "parents", j), "unknown-kind",
                             msg("problem.unknown_kind", kind=parent, hint=did_you_mean(parent, known)))


def settings_models_exist(src: SourceFile | None, settings: SettingsFile, models: Mapping[str, ModelFile], report: Report) -> None:
    """The model order names models that have a file (a typo would silently drop a model from the top; a warning)."""
    if not settings.models or src is None:
        return
    for i, mid in enumerate(settings.models):
        if mid not in models:
            report.warning(src, ("models", i), "unknown-model", msg("problem.unknown_model", model=mid, hint=did_you_mean(mid, models)))


# --- models/ ------------------------------------------------------------------------------------


def model_id_valid(src: SourceFile, name: str, model_id: str, report: Report) -> bool:
    """A model's file name is a valid model id: lower-case letters without diacritics, digits and "-"."""
    import re

    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", model_id):
        return True
    report.error(src.rel, (0, 0), "bad-model-id", msg("problem.bad_model_id", name=name))
    return False


def adopting_kinds_declared(src: SourceFile, m: ModelFile, kinds: tuple[str, ...], report: Report) -> ModelFile:
    """Each kind in adopted_by is built in or declared in nhanrong.toml (unknown ones are left out)."""
    bad = [k for k in m.adopted_by if k not in kinds]
    for k in bad:
        report.error(src, ("adopted_by", m.adopted_by.index(k)), "unknown-kind",
                     msg("problem.undeclared_kind", kind=k, hint=did_you_mean(k, kinds), settings=SETTINGS_FILE))
    return m.model_copy(update={"adopted_by": [k for k in m.adopted_by if k not in bad]}) if bad else m


def metrics_unique(src: SourceFile, m: ModelFile, report: Report) -> None:
    """A model declares each metric id once."""
    seen: set[str] = set()
    for i, x in enumerate(m.metrics):
        if x.id in seen:
            report.error(src, ("metrics", i, "id"), "duplicate-metric", msg("problem.duplicate_metric", metric=x.id))
        seen.add(x.id)


def ratio_parts_are_metrics(src: SourceFile, m: ModelFile, metric_ids: list[str], report: Report) -> None:
    """A metric's numerator and denominator are metrics of the same model."""
    for i, x in enumerate(m.metrics):
        for part in ("numerator", "denominator"):
            ref = getattr(x, part)
            if ref and ref not in metric_ids:
                report.error(src, ("metrics", i, part), "unknown-metric",
                             msg("problem.unknown_metric_part", part=part, metric=ref, hint=did_you_mean(ref, metric_ids)))


def requirement_kinds_declared(src: SourceFile, m: ModelFile, kinds: tuple[str, ...], report: Report) -> None:
    """The kind of units a requirement looks at is built in or declared."""
    for i, req in enumerate(m.requires):
        if req.kind is not None and req.kind not in kinds:
            report.error(src, ("requires", i, "kind"), "unknown-kind",
                         msg("problem.unknown_kind", kind=req.kind, hint=did_you_mean(req.kind, kinds)))


def required_models_exist(src: SourceFile, mid: str, m: ModelFile, models: Mapping[str, ModelFile], report: Report) -> list[str]:
    """A required model has a file; returns the models required (other than this one) for the cycle check."""
    edges = []
    for i, req in enumerate(m.requires):
        if req.model not in models:
            report.error(src, ("requires", i, "model"), "unknown-model",
                         msg("problem.unknown_required_model", model=req.model, hint=did_you_mean(req.model, models)))
        elif req.model != mid:
            edges.append(req.model)
    return edges


def no_requirement_of_itself(src: SourceFile, mid: str, m: ModelFile, report: Report) -> None:
    """A model does not require itself at the same unit (it could never be met; elsewhere it is a real prerequisite)."""
    for i, req in enumerate(m.requires):
        if req.model == mid and req.where == "same":
            report.error(src, ("requires", i, "where"), "requires-itself", msg("problem.requires_itself"))


def target_metrics_defined(src: SourceFile, m: ModelFile, metric_ids: list[str], report: Report) -> None:
    """A target measures coverage or a metric the model defines."""
    for i, t in enumerate(m.targets):
        if t.metric != "coverage" and t.metric not in metric_ids:
            report.error(src, ("targets", i, "metric"), "unknown-metric",
                         msg("problem.unknown_target_metric", metric=t.metric, hint=did_you_mean(t.metric, ["coverage", *metric_ids])))


def target_scopes_known(src: SourceFile, m: ModelFile, reg: Registry, report: Report) -> None:
    """A target's scope is an administrative unit of its structure (else it applies to all data: a warning)."""
    for i, t in enumerate(m.targets):
        if t.scope and unit_key(t.structure, t.scope) not in reg.units:
            report.warning(src, ("targets", i, "scope"), "unknown-scope", msg("problem.unknown_scope", scope=t.scope, structure=t.structure))


def gate_metrics_defined(src: SourceFile, m: ModelFile, metric_ids: list[str], report: Report) -> None:
    """A stage gate uses a metric the model defines."""
    for stage in STAGES:
        for j, g in enumerate(getattr(m.stages, stage).gate):
            if g.metric not in metric_ids:
                report.error(src, ("stages", stage, "gate", j, "metric"), "unknown-metric",
                             msg("problem.unknown_gate_metric", metric=g.metric, hint=did_you_mean(g.metric, metric_ids)))


def no_requirement_cycles(graph: nx.DiGraph, models: Mapping[str, ModelFile], srcs: Mapping[str, SourceFile], report: Report) -> None:
    """Prerequisites between models form no cycle (reported once, at the first model of the cycle)."""
    for cycle in nx.simple_cycles(graph):
        first = min(cycle)
        i = cycle.index(first)
        ordered = cycle[i:] + cycle[:i] + [first]
        req_index = next((k for k, r in enumerate(models[first].requires) if r.model == ordered[1]), 0)
        report.error(srcs[first], ("requires", req_index, "model"), "requires-cycle", msg("problem.requires_cycle", chain=" → ".join(ordered)))


def check_models(models: dict[str, ModelFile], srcs: dict[str, SourceFile], reg: Registry, report: Report,
                 kinds: tuple[str, ...]) -> dict[str, ModelFile]:
    """Every rule on models; returns the models with unknown kinds left out of ``adopted_by``."""
    graph = nx.DiGraph()
    out: dict[str, ModelFile] = {}
    for mid, m in models.items():
        src = srcs[mid]
        m = out[mid] = adopting_kinds_declared(src, m, kinds, report)
        metric_ids = [x.id for x in m.metrics]
        metrics_unique(src, m, report)
        ratio_parts_are_metrics(src, m, metric_ids, report)
        requirement_kinds_declared(src, m, kinds, report)
        for other in required_models_exist(src, mid, m, models, report):
            graph.add_edge(mid, other)
        no_requirement_of_itself(src, mid, m, report)
        target_metrics_defined(src, m, metric_ids, report)
        target_scopes_known(src, m, reg, report)
        gate_metrics_defined(src, m, metric_ids, report)
    no_requirement_cycles(graph, models, srcs, report)
    return out


# --- units/ -----------------------------------------------------------------------------------------


def member(values: np.ndarray, within) -> np.ndarray:
    """``values[i] in within`` for every i, as booleans (one C-level pass: rows are counted in hundreds of thousands)."""
    return np.fromiter(map(within.__contains__, values.tolist()), dtype=bool, count=len(values))


@dataclass
class UnitRows:
    """The declared units of every units/ file, as merged columns (one row per record kept by its file)."""

    idx: np.ndarray  # the record's position in its file's [[unit]] list
    structure: np.ndarray
    code: np.ndarray
    kind: np.ndarray
    est: np.ndarray  # days since 1970, NaN = none
    dis: np.ndarray
    key: np.ndarray  # "structure:code"
    pkey: np.ndarray  # the parent's key, or None
    mkey: np.ndarray  # merged_into's key, or None
    src: Callable[[int], SourceFile]  # the file of a row, to locate messages

    def at(self, r: int, *where) -> tuple[SourceFile, tuple]:
        return self.src(r), ("unit", int(self.idx[r]), *where)


def _failing(pending: np.ndarray, ok: np.ndarray) -> list[int]:
    return np.flatnonzero(pending & ~ok).tolist()


def unit_kinds_declared(u: UnitRows, pending: np.ndarray, kinds: tuple[str, ...], report: Report) -> np.ndarray:
    """A declared unit's kind is built in or declared in nhanrong.toml."""
    ok = member(u.kind, frozenset(kinds))
    for r in _failing(pending, ok):
        report.error(*u.at(r, "kind"), "unknown-kind",
                     msg("problem.undeclared_kind", kind=u.kind[r], hint=did_you_mean(u.kind[r], kinds), settings=SETTINGS_FILE))
    return pending & ok


def unit_lifetimes_ordered(u: UnitRows, pending: np.ndarray, report: Report) -> np.ndarray:
    """A unit is dissolved after it was established."""
    ok = ~(~np.isnan(u.est) & ~np.isnan(u.dis) & (u.dis <= u.est))
    for r in _failing(pending, ok):
        report.error(*u.at(r, "dissolved"), "lifetime-order",
                     msg("problem.lifetime_order", code=u.code[r], dissolved=as_date(u.dis[r]), established=as_date(u.est[r])))
    return pending & ok


def unit_codes_not_official(u: UnitRows, pending: np.ndarray, reg: Registry, report: Report) -> np.ndarray:
    """A declared unit's code is not already an official unit's code (of its structure)."""
    ok = ~member(u.key, reg.units)
    for r in _failing(pending, ok):
        report.error(*u.at(r, "code"), "duplicate-unit", msg("problem.official_code", code=u.code[r], name=reg.units[u.key[r]].name))
    return pending & ok


def unit_codes_unique(u: UnitRows, pending: np.ndarray, report: Report) -> np.ndarray:
    """A unit is declared once (the first declaration, in file order, is kept)."""
    dup = np.zeros(len(u.key), dtype=bool)
    if pending.any():
        sel = np.flatnonzero(pending)
        dup[sel] = pd.Series(u.key[sel], dtype=object).duplicated(keep="first").to_numpy()
    declared = pending & ~dup
    if dup.any():
        first_of = dict(zip(u.key[declared].tolist(), np.flatnonzero(declared).tolist()))
        for r in np.flatnonzero(dup).tolist():
            o = int(first_of[u.key[r]])
            other = u.src(o)
            line = other.pos(("unit", int(u.idx[o])))[0]
            report.error(*u.at(r, "code"), "duplicate-unit", msg("problem.duplicate_unit", code=u.code[r], path=other.rel, line=line))
    return declared


def units_have_parents(u: UnitRows, pending: np.ndarray, report: Report) -> np.ndarray:
    """Every declared unit but a province names its parent."""
    ok = ~(np.equal(u.pkey, None) & (u.kind != "province"))
    for r in _failing(pending, ok):
        report.error(*u.at(r, "code"), "missing-parent", msg("problem.missing_parent", code=u.code[r]))
    return pending & ok


def unit_parents_known(u: UnitRows, pending: np.ndarray, declared: np.ndarray, known: Callable[[str], bool],
                       rules: Mapping[str, list[str]], report: Report) -> np.ndarray:
    """A unit's parent is an official unit or a unit declared in units/, of the same structure."""
    parents = set(u.pkey.tolist())  # a commune is the parent of many units: each is looked up once
    ok = member(u.pkey, {p for p in parents if p is None or known(p)})
    bad = _failing(pending, ok)
    if bad:
        kind_of = dict(zip(u.key[declared].tolist(), u.kind[declared].tolist()))
        for r in bad:
            pc, st, allowed = u.pkey[r].partition(":")[2], u.structure[r], rules.get(u.kind[r]) or []
            near = [kk.partition(":")[2] for kk in kind_of if kk.startswith(st + ":") and (not allowed or kind_of[kk] in allowed)]
            report.error(*u.at(r, "parent"), "unknown-unit", msg("problem.unknown_parent", parent=pc, structure=st, hint=did_you_mean(pc, near)))
    return pending & ok


def unit_successors_known(u: UnitRows, pending: np.ndarray, known: Callable[[str], bool], report: Report) -> np.ndarray:
    """The unit a dissolved unit was merged into (merged_into) is known, of the same structure."""
    ok = np.array([m is None or known(m) for m in u.mkey.tolist()], dtype=bool)
    for r in _failing(pending, ok):
        report.error(*u.at(r, "merged_into"), "unknown-unit",
                     msg("problem.unknown_merged_into", code=u.mkey[r].partition(":")[2], structure=u.structure[r]))
    return pending & ok


def unit_parent_kinds_allowed(u: UnitRows, rows: np.ndarray, declared: np.ndarray, reg: Registry, rules: Mapping[str, list[str]],
                              report: Report) -> None:
    """A unit's parent is of a kind nhanrong.toml allows for the unit's kind (a warning)."""
    ruled = {k for k, v in rules.items() if v}
    if not ruled:
        return
    check = rows & np.array([k in ruled for k in u.kind.tolist()], dtype=bool) & ~np.equal(u.pkey, None)
    kind_of = None
    for r in np.flatnonzero(check).tolist():
        p, k, allowed = u.pkey[r], u.kind[r], rules[u.kind[r]]
        if p in reg.units:
            pkind = reg.units[p].kind
        else:
            if kind_of is None:
                kind_of = dict(zip(u.key[declared].tolist(), u.kind[declared].tolist()))
            pkind = kind_of.get(p)
        if pkind not in allowed:
            report.warning(*u.at(r, "parent"), "parent-kind",
                           msg("problem.parent_kind", code=u.code[r], kind=k, parent_kind=pkind, settings=SETTINGS_FILE, allowed=", ".join(allowed)))


def admin_units_dissolved(u: UnitRows, rows: np.ndarray, report: Report) -> None:
    """A declared unit of an administrative kind (missing from the register) is one that was dissolved (a warning)."""
    check = rows & np.isnan(u.dis) & member(u.kind, frozenset(ADMIN_KINDS))
    for r in np.flatnonzero(check).tolist():
        report.warning(*u.at(r, "kind"), "admin-not-dissolved", msg("problem.admin_not_dissolved", code=u.code[r], kind=u.kind[r]))


def orphans_left_out(u: UnitRows, good: np.ndarray, reg: Registry) -> np.ndarray:
    """A unit whose declared parent was left out is left out too (no message: the parent has one)."""
    has_parent = ~np.equal(u.pkey, None) & ~member(u.pkey, reg.units)
    while True:
        alive = set(u.key[good].tolist())
        orphan = good & has_parent & ~member(u.pkey, alive)
        if not orphan.any():
            return good
        good = good & ~orphan


def parent_kinds(kind: str, settings: SettingsFile) -> list[str]:
    spec = settings.kinds.get(kind)
    return list(spec.parents) if spec is not None else []


# --- unit codes in records and plans -----------------------------------------------------------------


def resolve_unit(code: str, structure: str, reg: Registry, local: Mapping[str, LocalUnit]) -> str | None:
    key = unit_key(structure, code)
    return key if key in reg.units or key in local else None


def _local_codes(local: Mapping[str, LocalUnit], structure: str, kinds: set | None) -> list[str]:
    """Codes of the declared units of ``structure`` (and of ``kinds``), for "did you mean"."""
    if isinstance(local, LocalUnits):
        fr = local.frame
        sel = np.asarray(fr["structure"] == structure, dtype=bool)
        if kinds is not None:
            sel = sel & np.asarray(fr["kind"].isin(list(kinds)), dtype=bool)
        return fr["code"].to_numpy(dtype=object)[sel].tolist()
    return [u.code for u in local.values() if u.structure == structure and (kinds is None or u.kind in kinds)]


def unknown_unit_message(code: str, structure: str, reg: Registry, local: Mapping[str, LocalUnit],
                         kinds: Iterable[str] | None = None) -> Message:
    """Why a code is unknown, and the closest declared code of the kinds that fit (``kinds``)."""
    other = NEW if structure == OLD else OLD
    if resolve_unit(code, other, reg, local):
        return msg("problem.unit_other_structure", code=code, structure=structure, other=other)
    fit = None if kinds is None else set(kinds)
    return msg("problem.unknown_unit", code=code, structure=structure, hint=did_you_mean(code, _local_codes(local, structure, fit)))


# --- pilots/ ------------------------------------------------------------------------------------------


@dataclass
class RecordRows:
    """The adoption records of every pilots/ file, as merged columns, with what the checks need of them."""

    idx: np.ndarray  # the record's position in its file's [[adoption]] list
    f: np.ndarray  # the record's file (position in the chunks)
    structure: np.ndarray
    unit: np.ndarray  # the unit code as written
    ukey: np.ndarray  # "structure:code"
    rec_model: np.ndarray  # the record's own model, or None
    model_id: np.ndarray  # the record's model (its own, else the file's)
    kind: np.ndarray  # the unit's kind, None when the unit is unknown
    learned: np.ndarray  # learned_from as written, or None
    lkey: np.ndarray
    days: np.ndarray  # (records, stages): days since 1970, NaN = not reached
    src: Callable[[int], SourceFile]  # the file of the chunk ``f``

    def at(self, r: int, *where) -> tuple[SourceFile, tuple]:
        return self.src(int(self.f[r])), ("adoption", int(self.idx[r]), *where)


def file_models_exist(chunks: list, src_of: Callable[[int], SourceFile], models: Mapping[str, ModelFile], report: Report) -> None:
    """The model a pilots/ file declares at its top has a file in models/."""
    for i, c in enumerate(chunks):
        if c.model is not None and c.model not in models:
            report.error(src_of(i), ("model",), "unknown-model", msg("problem.unknown_model", model=c.model, hint=did_you_mean(c.model, models)))


def record_models_exist(a: RecordRows, pending: np.ndarray, models: Mapping[str, ModelFile], report: Report) -> np.ndarray:
    """A record names a model (its own or its file's) that has a file in models/."""
    ok = np.fromiter((m in models for m in a.model_id.tolist()), dtype=bool, count=len(a.model_id))
    for r in _failing(pending, ok):
        mid = a.model_id[r]
        if mid is None:
            report.error(*a.at(r, "unit"), "missing-key", msg("problem.record_needs_model"))
        elif a.rec_model[r] is not None:  # the file's own model is reported once, at its top
            report.error(*a.at(r, "model"), "unknown-model", msg("problem.unknown_model", model=mid, hint=did_you_mean(mid, models)))
    return pending & ok


def record_units_known(a: RecordRows, pending: np.ndarray, models: Mapping[str, ModelFile], reg: Registry,
                       local: Mapping[str, LocalUnit], report: Report) -> np.ndarray:
    """A record's unit is an official unit or one declared in units/, of the file's structure."""
    ok = ~np.equal(a.kind, None)
    for r in _failing(pending, ok):
        report.error(*a.at(r, "unit"), "unknown-unit",
                     unknown_unit_message(a.unit[r], a.structure[r], reg, local, models[a.model_id[r]].adopted_by))
    return pending & ok


def record_kinds_adopt(a: RecordRows, pending: np.ndarray, models: Mapping[str, ModelFile], report: Report) -> np.ndarray:
    """A record's unit is of a kind its model is adopted by."""
    adopted = {mid: frozenset(m.adopted_by) for mid, m in models.items()}
    pairs = {(k, m) for m, kinds in adopted.items() for k in kinds}
    ok = pending & np.fromiter(map(pairs.__contains__, zip(a.kind.tolist(), a.model_id.tolist())), dtype=bool, count=len(pending))
    for r in _failing(pending, ok):
        mid = a.model_id[r]
        report.error(*a.at(r, "unit"), "wrong-kind",
                     msg("problem.wrong_kind", code=a.unit[r], kind=a.kind[r], model=mid, allowed=", ".join(models[mid].adopted_by)))
    return pending & ok


def learned_from_known(a: RecordRows, kind_of: Mapping[str, str]) -> np.ndarray:
    """The unit a record learned from (learned_from) is known (the mask; reported by :func:`records_sound`)."""
    return np.array([k is None or k in kind_of for k in a.lkey.tolist()], dtype=bool)


def stages_ordered(a: RecordRows) -> np.ndarray:
    """A record's stages begin in order (a stage not reached breaks nothing; the mask, see :func:`records_sound`)."""
    before = np.full(len(a.days), np.nan)  # the latest date of the stages before each one (NaN: none)
    ok = np.ones(len(a.days), dtype=bool)
    for k in range(len(STAGES)):
        d = a.days[:, k]
        if k:
            ok &= ~(d < before)  # NaN compares False
        before = np.where(np.isnan(d), before, d)
    return ok


def records_unique(a: RecordRows, passed: np.ndarray, sound: np.ndarray, ucode: np.ndarray, report: Report) -> tuple[np.ndarray, np.ndarray]:
    """A unit has one record per model across all files: the first sound one (in file order) is kept.

    Returns (kept, duplicate): ``duplicate`` marks records left out as a later copy of a kept one."""
    n = len(passed)
    mcode, _ = pd.factorize(a.model_id, use_na_sentinel=False)
    pair = ucode.astype(np.int64) * (int(mcode.max()) + 1 if n else 1) + mcode
    kept = np.zeros(n, dtype=bool)
    dup_of = np.full(n, -1, dtype=np.int64)
    cand = np.flatnonzero(passed & sound)
    if len(cand):
        first = ~pd.Series(pair[cand]).duplicated(keep="first").to_numpy()
        firsts = pd.Series(cand[first], index=pd.Index(pair[cand[first]]))
        p_rows = np.flatnonzero(passed)
        fa = firsts.reindex(pd.Index(pair[p_rows])).to_numpy()
        later = ~np.isnan(fa) & (fa < p_rows)
        dup_of[p_rows[later]] = fa[later].astype(np.int64)
        kept[cand[first]] = True
    for r in np.flatnonzero(dup_of >= 0).tolist():
        o = int(dup_of[r])
        other = a.src(int(a.f[o]))
        line = other.pos(("adoption", int(a.idx[o])))[0]
        report.error(*a.at(r), "duplicate-record", msg("problem.duplicate_record", code=a.unit[r], model=a.model_id[r], path=other.rel, line=line))
    return kept, dup_of >= 0


def records_sound(a: RecordRows, pending: np.ndarray, learned_ok: np.ndarray, models: Mapping[str, ModelFile], reg: Registry,
                  local: Mapping[str, LocalUnit], report: Report) -> None:
    """A record's learned_from is known and its stages begin in order (``pending``: the records left out for either)."""
    for r in np.flatnonzero(pending).tolist():
        if not learned_ok[r]:
            report.error(*a.at(r, "learned_from"), "unknown-unit",
                         unknown_unit_message(a.learned[r], a.structure[r], reg, local, models[a.model_id[r]].adopted_by))
        else:
            stage_order_message(*a.at(r), tuple(as_date(x) for x in a.days[r].tolist()), report)


def stage_order_message(src: SourceFile, base: tuple, dates: tuple, report: Report) -> None:
    """The stage that begins before the one before it."""
    prev: tuple[str, dt.date] | None = None
    for s, d in zip(STAGES, dates):
        if d is None:
            continue
        if prev is not None and d < prev[1]:
            report.error(src, base + ("stages", s), "stage-order",
                         msg("problem.stage_order", stage=s, day=d, previous=prev[0], previous_day=prev[1]))
        prev = (s, d)


def no_stage_skipped(a: RecordRows, kept: np.ndarray, report: Report) -> None:
    """A record that reached a stage has a start date for every stage before it (a warning)."""
    present = ~np.isnan(a.days)
    n_present = present.sum(axis=1)
    last = np.where(n_present > 0, len(STAGES) - 1 - np.argmax(present[:, ::-1], axis=1), -1)
    for r in np.flatnonzero(kept & (n_present > 0) & (last != n_present - 1)).tolist():
        missing = [s for s, here in zip(STAGES[: int(last[r])], present[r].tolist()) if not here]
        report.warning(*a.at(r, "stages"), "stage-skipped", msg("problem.stage_skipped", stages=", ".join(missing)))


@dataclass(frozen=True, slots=True)
class Reading:
    metric: str
    date: dt.date
    value: float


def kind_lookup(reg: Registry, local: Mapping[str, LocalUnit]) -> dict[str, str]:
    """Unit key -> kind, for every official and declared unit."""
    out = {k: u.kind for k, u in reg.units.items()}
    if isinstance(local, LocalUnits):
        out.update(zip(local.frame.index.tolist(), local.frame["kind"].tolist()))
    else:
        out.update((k, u.kind) for k, u in local.items())
    return out


def lifetimes(ukey: np.ndarray, reg: Registry, local: Mapping[str, LocalUnit]) -> tuple[np.ndarray, np.ndarray]:
    """(first day, first day no longer) each unit existed, as days since 1970 (NaN = open).

    Units of the new register exist from the reform; units of the old register end with it;
    declared units carry ``established`` and ``dissolved``."""
    reform = float(REFORM_DATE.toordinal() - EPOCH_ORDINAL)
    keys = pd.Index(ukey.tolist(), dtype=object)
    lo = np.full(len(keys), np.nan)
    hi = np.full(len(keys), np.nan)
    in_reg = member(ukey, reg.units)
    old = np.fromiter(map(str.startswith, ukey.tolist(), repeat(OLD + ":")), dtype=bool, count=len(ukey))
    hi[in_reg & old] = reform
    lo[in_reg & ~old] = reform
    if isinstance(local, LocalUnits):
        fr = local.frame
        pos = fr.index.get_indexer(keys)
        hit = pos >= 0
        if hit.any():
            lo[hit], hi[hit] = _days_of(fr["established"], pos[hit]), _days_of(fr["dissolved"], pos[hit])
    else:
        for i, k in enumerate(ukey.tolist()):
            u = local.get(k)
            if u is not None:
                lo[i] = np.nan if u.established is None else u.established.toordinal() - EPOCH_ORDINAL
                hi[i] = np.nan if u.dissolved is None else u.dissolved.toordinal() - EPOCH_ORDINAL
    return lo, hi


def _days_of(dates: pd.Series, at: np.ndarray) -> np.ndarray:
    """The dates (datetime.date, None = none) at row positions ``at``, as days since 1970 (NaN = none);
    only the dates present are looked at one by one (few units have one)."""
    values = dates.to_numpy(dtype=object).take(at)
    out = np.full(len(values), np.nan)
    present = pd.notna(values)
    if present.any():
        out[present] = [d.toordinal() - EPOCH_ORDINAL for d in values[present].tolist()]
    return out


def _unit_name(ukey: str, reg: Registry, local: Mapping[str, LocalUnit]) -> str:
    u = local.get(ukey) or reg.units.get(ukey)
    return u.name if u is not None else ukey.partition(":")[2]


def _successor(ukey: str, reg: Registry, local: Mapping[str, LocalUnit]) -> str | None:
    u = local.get(ukey)
    if u is not None:
        return u.merged_into
    return reg.old_to_new.get(ukey) or reg.old_province_to_new.get(ukey)


def dates_within_lifetime(src: SourceFile, base: tuple, ukey: str, life: tuple, dates: tuple, readings: list,
                          reg: Registry, local: Mapping[str, LocalUnit], report: Report) -> None:
    """A record's dates fall within its unit's lifetime (a warning, once for the stages, once for the readings).

    Such records stay loaded: the date is likely right and the unit code wrong (recorded under
    the old commune after the merger), which the planner fixes by moving the record."""
    start, end = life
    name = _unit_name(ukey, reg, local)
    succ = _successor(ukey, reg, local)
    succ_name = _unit_name(succ, reg, local) if succ else ""
    reform = end == REFORM_DATE and ukey.startswith(OLD + ":") and ukey in reg.units

    def outside(d: dt.date) -> bool:
        return (start is not None and d < start) or (end is not None and d >= end)

    def say(where: tuple, what: Message, d: dt.date, more: int) -> None:
        said = dict(what=what, day=d, more=msg("problem.and_more", n=more) if more else Message(""), name=name)
        if start is not None and d < start:
            fix = msg("problem.fix.old_unit") if start == REFORM_DATE and ukey.startswith(NEW + ":") else msg("problem.fix.check_date")
            report.warning(src, where, "before-established", msg("problem.before_established", **said, start=start, fix=fix))
        elif reform and reg.units[ukey].kind in ABOLISHED_KINDS:
            report.warning(src, where, "after-dissolved", msg("problem.after_level_abolished", **said, level=reg.units[ukey].kind, end=end))
        elif reform and succ_name:
            report.warning(src, where, "after-dissolved", msg("problem.after_reform", **said, end=end, successor=succ_name))
        elif reform:
            report.warning(src, where, "after-dissolved", msg("problem.after_reform_unknown", **said, end=end))
        else:
            into = msg("problem.merged_into", successor=succ_name) if succ_name else Message("")
            report.warning(src, where, "after-dissolved", msg("problem.after_dissolved", **said, end=end, into=into))

    bad = [(s, d) for s, d in zip(STAGES, dates) if d is not None and outside(d)]
    if bad:
        s, d = bad[0]
        say(base + ("stages", s), msg("problem.dated.stage", stage=s), d, 0)
    late = [(k, r) for k, r in enumerate(readings) if outside(r.date)]
    if late:
        k, r = late[0]
        say(base + ("readings", k), msg("problem.dated.reading", metric=r.metric), r.date, len(late) - 1)


def readings_checked(src: SourceFile, base: tuple, model_id: str, model: ModelFile, readings: list, report: Report) -> list:
    """A reading records a metric its model defines and does not compute, once per date; returns those to keep.

    Of a metric recorded twice on one date the later value is kept (a warning)."""
    defined = {x.id: x for x in model.metrics}
    seen: set[tuple[str, dt.date]] = set()
    good = []
    for k, r in enumerate(readings):
        spec = defined.get(r.metric)
        if spec is None:
            report.error(src, base + ("readings", k, "metric"), "unknown-metric",
                         msg("problem.unknown_reading_metric", model=model_id, metric=r.metric, hint=did_you_mean(r.metric, defined)))
            continue
        if spec.rollup == "ratio":
            report.error(src, base + ("readings", k, "metric"), "computed-metric",
                         msg("problem.computed_metric", metric=r.metric, numerator=spec.numerator, denominator=spec.denominator))
            continue
        if (r.metric, r.date) in seen:
            report.warning(src, base + ("readings", k), "duplicate-reading", msg("problem.duplicate_reading", metric=r.metric, day=r.date))
        seen.add((r.metric, r.date))
        good.append(r)
    return good


@dataclass
class ReadingRows:
    """The readings of every adoption record, as merged columns (``rec``: each reading's record)."""

    rec: np.ndarray
    metric: np.ndarray
    day: np.ndarray  # days since 1970
    value: np.ndarray
    metric_code: np.ndarray  # position of the metric in ``metric_cats``
    metric_cats: np.ndarray
    start: np.ndarray  # the readings of record r are start[r]:start[r + 1]

    def of(self, r: int) -> list[Reading]:
        a, b = int(self.start[r]), int(self.start[r + 1])
        return [Reading(m, as_date(d), v) for m, d, v in zip(self.metric[a:b].tolist(), self.day[a:b].tolist(), self.value[a:b].tolist())]


def records_within_lifetimes(a: RecordRows, kept: np.ndarray, rd: ReadingRows, reg: Registry, local: Mapping[str, LocalUnit],
                             report: Report) -> None:
    """The stages and readings of a record kept fall within its unit's lifetime (a warning; see :func:`dates_within_lifetime`)."""
    n = len(kept)
    present = ~np.isnan(a.days)
    lo, hi = lifetimes(a.ukey, reg, local)
    with np.errstate(invalid="ignore"):
        first_day = np.fmin.reduce(np.where(present, a.days, np.nan), axis=1) if n else np.zeros(0)
        last_day = np.fmax.reduce(np.where(present, a.days, np.nan), axis=1) if n else np.zeros(0)
    if len(rd.rec):
        np.fmin.at(first_day, rd.rec, rd.day)
        np.fmax.at(last_day, rd.rec, rd.day)
    for r in np.flatnonzero(kept & ((first_day < lo) | (last_day >= hi))).tolist():
        dates_within_lifetime(*a.at(r), a.ukey[r], (as_date(lo[r]), as_date(hi[r])), tuple(as_date(x) for x in a.days[r].tolist()),
                              rd.of(r), reg, local, report)


def readings_valid(a: RecordRows, kept: np.ndarray, rd: ReadingRows, models: Mapping[str, ModelFile], report: Report) -> np.ndarray:
    """The readings of the records kept follow :func:`readings_checked`; returns which readings to keep.

    Only the records with a suspect reading (a metric the model does not record, a date twice) are checked one by one."""
    keep = kept[rd.rec] if len(rd.rec) else np.zeros(0, dtype=bool)
    fine = np.zeros(len(rd.rec), dtype=bool)
    if len(rd.rec):
        # (model, metric) allowed, as a table of codes: one look-up per reading, no comparison of strings.
        m_code, m_names = pd.factorize(a.model_id[kept]) if kept.any() else (np.zeros(0, dtype=np.int64), [])
        rec_code = np.full(len(kept), -1, dtype=np.int64)
        rec_code[kept] = m_code
        allowed = np.zeros((len(m_names) + 1, len(rd.metric_cats)), dtype=bool)  # the last row: records not kept
        for i, mid in enumerate(list(m_names)):
            ok = {x.id for x in models[mid].metrics if x.rollup != "ratio"}
            allowed[i] = member(rd.metric_cats, ok)
        fine = keep & allowed[rec_code[rd.rec], rd.metric_code]
        fine &= ~_repeated(rd.rec, rd.metric_code, rd.day)
    suspect = np.unique(rd.rec[keep & ~fine]) if len(rd.rec) else np.zeros(0, dtype=np.int64)
    for r in suspect.tolist():
        rs = rd.of(r)
        good = readings_checked(*a.at(r), a.model_id[r], models[a.model_id[r]], rs, report)
        kept_ids = {id(x) for x in good}
        keep[int(rd.start[r]):int(rd.start[r + 1])] &= np.array([id(x) in kept_ids for x in rs], dtype=bool)
    if len(suspect):  # a metric recorded twice on one date: the later value is kept
        rr = np.flatnonzero(keep)
        again = pd.DataFrame({"r": rd.rec[rr], "m": rd.metric_code[rr], "d": rd.day[rr]}).duplicated(keep="last").to_numpy()
        keep[rr[again]] = False
    return keep


def _repeated(rec: np.ndarray, metric: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Readings whose (record, metric, date) another reading shares, by sorting one integer key per
    reading (days fit in 20 bits, metrics in 16: the loader's date window and a model's metrics)."""
    if not len(rec) or metric.max(initial=0) >= 1 << 16 or not np.isfinite(day).all():
        return pd.DataFrame({"r": rec, "m": metric, "d": day}).duplicated(keep=False).to_numpy()
    key = (rec.astype(np.int64) << 36) | (metric.astype(np.int64) << 20) | (day.astype(np.int64) + (1 << 19))
    order = np.argsort(key, kind="stable")
    k = key[order]
    same = k[1:] == k[:-1]
    dup = np.zeros(len(key), dtype=bool)
    dup[order[1:][same]] = True
    dup[order[:-1][same]] = True
    return dup


# --- plans/ -------------------------------------------------------------------------------------------


def plan_scope_known(src: SourceFile, obj: PlanFile, reg: Registry, local: Mapping[str, LocalUnit], report: Report) -> bool:
    """A plan's scope is an official or declared unit of its structure."""
    if resolve_unit(obj.scope, obj.structure, reg, local) is not None:
        return True
    report.error(src, ("scope",), "unknown-unit", unknown_unit_message(obj.scope, obj.structure, reg, local))
    return False


def plan_models_exist(src: SourceFile, obj: PlanFile, models: Mapping[str, ModelFile], report: Report) -> bool:
    """The models a plan lists, and those of its targets, have a file in models/."""
    ok = True
    for i, mid in enumerate(obj.models):
        if mid not in models:
            report.error(src, ("models", i), "unknown-model", msg("problem.unknown_model", model=mid, hint=did_you_mean(mid, models)))
            ok = False
    for i, t in enumerate(obj.targets):
        if t.model not in models:
            report.error(src, ("targets", i, "model"), "unknown-model", msg("problem.unknown_model", model=t.model, hint=did_you_mean(t.model, models)))
            ok = False
    return ok
