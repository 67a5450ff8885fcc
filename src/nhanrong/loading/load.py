"""The orchestration: load a data root in order (settings, models, units, records, plans, indicators, rights),
each file through discovery, parsing and validation, then the rules across files (:mod:`.rules`)."""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ..kinds import known_kinds
from ..problems import sort_problems
from ..programme import ADOPTION_COLUMNS, READING_COLUMNS, LocalUnit, LocalUnits, Programme
from ..registry import Registry, load_registry
from ..schema import STAGES, ModelFile, PlanFile, SettingsFile
from . import rules
from .columns import _FILE_CACHE, Broken, cached, chunk_src, concat, dates_obj, datetimes, floats_obj, read, remember
from .discovery import SETTINGS_FILE, Scan, link_problem, scan
from .parsing import parse_file
from .report import Report, SourceFile
from .state import paused_gc, pending_saves
from .validation import validate_file
from .workers import Reading


def load_programme(root: str | Path, *, registry: Registry | None = None, overrides: Mapping[str, str] | None = None,
                   recover: bool = True) -> Programme:
    """Load and validate everything under ``root``; problems are in ``Programme.problems``.

    ``overrides`` (relative path -> text): load as if those files held that text (read from memory,
    nothing is written: how an edit is checked before it is saved). ``recover``: first complete or roll
    back a save that a crash interrupted, and remove the temporary files a crash left (see
    :mod:`nhanrong.editing.journal`); what was done is reported as a warning.
    """
    root = Path(root).resolve()
    sc = scan(root)
    notes: list = []
    if recover and (sc.leftovers or pending_saves(root)):
        from ..editing.journal import recover_root

        notes = recover_root(root, sc.leftovers)
        if any(n.changed for n in notes):
            sc = scan(root)  # a completed save may have made a new file
    with paused_gc():
        return _load_programme(root, sc, registry, overrides or {}, notes)


def _load_programme(root: Path, sc: Scan, registry: Registry | None, texts: Mapping[str, str], notes: list) -> Programme:
    files = {d: list(v) for d, v in sc.files.items()}
    for rel in texts:  # a file an edit creates
        top = rel.split("/", 1)[0]
        if top in files and root / rel not in files[top]:
            files[top] = sorted([*files[top], root / rel])
    jobs = [("units", p) for p in files["units"]] + [("pilots", p) for p in files["pilots"]]
    read_files = _Files(jobs, root, texts)  # workers, if any, start reading now
    try:
        reg = registry or load_registry()
        report = Report()
        for s in sc.skipped:
            if s.rel not in texts:
                report.add(s.rel, (0, 0), s.severity, s.code, s.msg)
        for n in notes:
            report.warning(n.rel, (0, 0), "save-recovered", n.msg)  # an editing.journal.Recovery
        settings, settings_src = _load_settings(root, report, texts)
        kinds = known_kinds(settings.kinds)
        models, model_paths, model_srcs = _load_models(root, files["models"], report, texts)
        models = rules.check_models(models, model_srcs, reg, report, kinds)
        rules.settings_models_exist(settings_src, settings, models, report)
        n_units = len(files["units"])
        local_units, illus_units = _load_units(read_files.take(0, n_units, report), reg, report, settings)
        pilots_chunks = read_files.take(n_units, len(jobs), report)
    finally:
        read_files.close()
    adoptions, readings, illus_pilots = _load_pilots(pilots_chunks, models, reg, local_units, report)
    plans, plan_paths = _load_plans(root, files["plans"], models, reg, local_units, report, texts)
    from ..indicators import load_indicators  # it builds on this package's parser and report

    indicators = load_indicators(root, report, models, registry=reg, paths=files["indicators"], texts=texts)
    from ..rights import RIGHTS_FILE, read_rights

    read_rights(root, report, texts.get(RIGHTS_FILE))  # checked and located like the others; used by editing
    return Programme(
        root=root,
        models=models,
        model_paths=model_paths,
        local_units=local_units,
        adoptions=adoptions,
        readings=readings,
        plans=plans,
        plan_paths=plan_paths,
        problems=sort_problems(report.problems),
        illustrative_files=sorted(illus_units + illus_pilots + list(indicators.illustrative_files)),
        files=sum(len(v) for v in files.values()) + sum(int(f in texts or (root / f).is_file()) for f in (SETTINGS_FILE, RIGHTS_FILE)),
        settings=settings,
        indicators=indicators,
    )


def _parse(path: Path, root: Path, report: Report, texts: Mapping[str, str]) -> SourceFile | None:
    return parse_file(path, root, report, texts.get(path.relative_to(root).as_posix()) if texts else None)


def _load_settings(root: Path, report: Report, texts: Mapping[str, str] = {}) -> tuple[SettingsFile, SourceFile | None]:
    """``nhanrong.toml``, if the repository has one; defaults otherwise (and when it is broken)."""
    path = root / SETTINGS_FILE
    if SETTINGS_FILE not in texts:
        if not os.path.lexists(path):
            return SettingsFile(), None
        if os.path.islink(path):
            problem = link_problem(path, (os.path.realpath(root),))
            if problem is not None:
                report.error(SETTINGS_FILE, (0, 0), *problem)
                return SettingsFile(), None
    src = _parse(path, root, report, texts)
    if src is None:
        return SettingsFile(), None
    obj = validate_file(src, SettingsFile, None, report)
    if obj is None:
        return SettingsFile(), src
    kinds = rules.admin_kinds_not_redeclared(src, dict(obj.kinds), report)  # type: ignore[attr-defined]
    rules.parent_kinds_declared(src, kinds, known_kinds(kinds), report)
    return obj.model_copy(update={"kinds": kinds}), src  # type: ignore[return-value]


def _load_models(root: Path, paths: list[Path], report: Report, texts: Mapping[str, str] = {}):
    models: dict[str, ModelFile] = {}
    model_paths: dict[str, str] = {}
    srcs: dict[str, SourceFile] = {}
    for path in paths:
        src = _parse(path, root, report, texts)
        if src is None or not rules.model_id_valid(src, path.name, path.stem, report):
            continue
        obj = validate_file(src, ModelFile, None, report)
        if obj is not None:
            models[path.stem] = obj  # type: ignore[assignment]
            model_paths[path.stem] = src.rel
            srcs[path.stem] = src
    return models, model_paths, srcs


class _Files:
    """The files of units/ and pilots/ (``jobs``: kind and path) being turned into checked columns:
    unchanged files from the per-file cache, the others read, on worker processes when they are many
    (:mod:`.workers`), which start at once and go on while the caller checks the units."""

    def __init__(self, jobs: list[tuple[str, Path]], root: Path, texts: Mapping[str, str]) -> None:
        self.jobs = jobs
        self.rels = [path.relative_to(root).as_posix() for _, path in jobs]
        self.got: list = [None] * len(jobs)
        self.todo: list[int] = []
        sizes = []
        for i, ((kind, path), rel) in enumerate(zip(jobs, self.rels)):
            given = texts.get(rel) if texts else None
            if given is not None:
                self.got[i] = read(kind, path, root, given)
                continue
            self.got[i], size = cached(kind, path, rel)
            if self.got[i] is None:
                self.todo.append(i)
                sizes.append(size)
        self.reading = Reading([jobs[i] for i in self.todo], sizes, root)

    def take(self, lo: int, hi: int, report: Report) -> list:
        """The usable files of ``jobs[lo:hi]``, in order; the problems of each go to ``report``."""
        first, last = bisect.bisect_left(self.todo, lo), bisect.bisect_left(self.todo, hi)
        for i, c in zip(self.todo[first:last], self.reading.take(first, last)):
            kind, path = self.jobs[i]
            remember(kind, path, self.rels[i], c)
            self.got[i] = c
        for c in self.got[lo:hi]:
            report.problems.extend(c.problems)
        return [c for c in self.got[lo:hi] if not isinstance(c, Broken)]

    def close(self) -> None:
        self.reading.close()


def _keyed(chunks: list, name: str) -> np.ndarray:
    """A column of codes as unit keys ("structure:code"; None stays None), file by file (a file has one
    structure): one C-level pass, each distinct code of a file joined once when codes repeat."""
    parts = []
    for c in chunks:
        values = getattr(c, name).tolist()
        prefix = c.structure + ":"
        distinct = set(values)
        if None in distinct or len(distinct) * 2 < len(values):
            keys = {v: None if v is None else prefix + v for v in distinct}
            parts.append(list(map(keys.__getitem__, values)))
        else:
            parts.append(list(map(prefix.__add__, values)))
    out = np.empty(sum(map(len, parts)), dtype=object)
    out[:] = list(chain.from_iterable(parts))
    return out


def _declared_objects(keys: np.ndarray, local: Mapping[str, LocalUnit]) -> np.ndarray:
    """``keys`` with each declared unit's key replaced by the very string object that keys units/.

    The records' keys are new strings (joined per file); as categories they would be a second copy of
    200,000 keys at national scale. Sharing them saves that memory, and the disk cache writes each key
    once (pickle writes an object it has already written as a reference)."""
    if not isinstance(local, LocalUnits) or not len(keys):
        return keys
    index = local.frame.index
    if not index.is_unique:  # the loader keeps one unit per key; a hand-made frame may not
        return keys
    at = index.get_indexer(pd.Index(keys, dtype=object))
    found = at >= 0
    out = keys.copy()
    out[found] = index.to_numpy(dtype=object).take(at[found])
    return out


def _file_sources(chunks: list):
    """A row's file as a SourceFile (:func:`.columns.chunk_src`: made once per file, kept on its chunk)."""
    return lambda i: chunk_src(chunks[i])


@dataclass(frozen=True)
class _UnitsStage:
    """What the units stage was given (the very chunk objects of the per-file cache, the register, the
    declared kinds) and what it gave: the declared units, the illustrative files and the problems found."""

    chunks: tuple
    reg: Registry
    kinds: dict
    local: LocalUnits
    illustrative: tuple[str, ...]
    problems: tuple


def _load_units(chunks: list, reg: Registry, report: Report, settings: SettingsFile):
    """Declared units (``chunks``: the usable files of units/); parents may be official units or other
    declared units (any order).

    When no file of units/ changed since the last load (the per-file cache gave the very same chunks),
    nor the register or the declared kinds, the last result is the answer: saving an adoption record
    does not check a national set's quarter of a million units again (a third of that reload)."""
    last = _FILE_CACHE.last_units
    if (last is not None and last.reg is reg and last.kinds == settings.kinds and len(last.chunks) == len(chunks)
            and all(a is b for a, b in zip(last.chunks, chunks))):
        report.problems.extend(last.problems)
        return last.local, list(last.illustrative)
    own = Report()
    local, illustrative = _check_units(chunks, reg, own, settings)
    report.problems.extend(own.problems)
    _FILE_CACHE.last_units = _UnitsStage(tuple(chunks), reg, dict(settings.kinds), local, tuple(illustrative),
                                               tuple(own.problems))
    return local, illustrative


def _check_units(chunks: list, reg: Registry, report: Report, settings: SettingsFile):
    """:func:`_load_units` without the memory of the last load."""
    illustrative = [c.rel for c in chunks if c.illustrative]
    counts = [len(c.code) for c in chunks]
    f = np.repeat(np.arange(len(chunks), dtype=np.int64), counts)
    structure = np.array([c.structure for c in chunks], dtype=object)[f] if len(f) else np.zeros(0, dtype=object)
    code = concat(chunks, "code")
    src_of = _file_sources(chunks)
    u = rules.UnitRows(
        idx=concat(chunks, "index", np.int64), structure=structure, code=code, kind=concat(chunks, "kind"),
        est=concat(chunks, "established", float), dis=concat(chunks, "dissolved", float),
        key=_keyed(chunks, "code"), pkey=_keyed(chunks, "parent"), mkey=_keyed(chunks, "merged_into"),
        src=lambda r: src_of(int(f[r])))
    # Each unit, in file order: its kind, its lifetime, its code (not official, declared once)...
    pending = np.ones(len(code), dtype=bool)
    pending = rules.unit_kinds_declared(u, pending, known_kinds(settings.kinds), report)
    pending = rules.unit_lifetimes_ordered(u, pending, report)
    pending = rules.unit_codes_not_official(u, pending, reg, report)
    declared = rules.unit_codes_unique(u, pending, report)
    # ... then, among the units declared, the references: parent, successor, parent kind.
    d_keys = set(u.key[declared].tolist())
    known = lambda k: k in reg.units or k in d_keys  # noqa: E731
    kind_rules = {k: rules.parent_kinds(k, settings) for k in set(u.kind[declared].tolist())}
    good = rules.units_have_parents(u, declared, report)
    good = rules.unit_parents_known(u, good, declared, known, kind_rules, report)
    good = rules.unit_successors_known(u, good, known, report)
    rules.unit_parent_kinds_allowed(u, good, declared, reg, kind_rules, report)
    rules.admin_units_dissolved(u, good, report)
    good = rules.orphans_left_out(u, good, reg)
    rows = np.flatnonzero(good)
    obj = lambda values: pd.Series(values, dtype=object)  # noqa: E731 - plain objects: no Arrow round trip
    frame = pd.DataFrame({
        "code": obj(code[rows]), "name": obj(concat(chunks, "name")[rows]), "kind": obj(u.kind[rows]),
        "structure": obj(structure[rows]), "parent": obj(u.pkey[rows]), "dissolved": obj(dates_obj(u.dis[rows])),
        "merged_into": obj(u.mkey[rows]),
        "lat": obj(floats_obj(concat(chunks, "lat", float)[rows])), "lon": obj(floats_obj(concat(chunks, "lon", float)[rows])),
        "illustrative": np.array([c.illustrative for c in chunks], dtype=bool)[f[rows]] if len(rows) else np.zeros(0, dtype=bool),
        "path": obj(np.array([c.rel for c in chunks], dtype=object)[f[rows]] if len(rows) else np.zeros(0, dtype=object)),
        "established": obj(dates_obj(u.est[rows])),
    })
    frame.index = pd.Index(u.key[rows], dtype=object, name="key")
    return LocalUnits(frame), illustrative


def _load_pilots(chunks: list, models: dict[str, ModelFile], reg: Registry, local: Mapping[str, LocalUnit],
                 report: Report):
    """Adoption records and readings as columns (``chunks``: the usable files of pilots/).

    Every rule runs on the merged columns of all files at once (set look-ups, a duplicate search,
    comparisons of date columns); messages are built only for the rows that fail.
    """
    illustrative = [c.rel for c in chunks if c.illustrative]
    src_of = _file_sources(chunks)
    rules.file_models_exist(chunks, src_of, models, report)
    counts = np.array([len(c.unit) for c in chunks], dtype=np.int64)
    n = int(counts.sum())
    f = np.repeat(np.arange(len(chunks), dtype=np.int64), counts)
    unit = concat(chunks, "unit")
    rec_model = concat(chunks, "rec_model")
    learned_code = concat(chunks, "learned")
    structure = np.array([c.structure for c in chunks], dtype=object)[f] if n else np.zeros(0, dtype=object)
    file_model = np.array([c.model for c in chunks], dtype=object)[f] if n else np.zeros(0, dtype=object)
    ukey = _keyed(chunks, "unit")
    kind_of = rules.kind_lookup(reg, local)
    ucode, ucats = pd.factorize(ukey)  # each unit key once: look-ups per distinct unit
    ucats = np.asarray(ucats, dtype=object)
    a = rules.RecordRows(
        idx=concat(chunks, "index", np.int64), f=f, structure=structure, unit=unit, ukey=ukey, rec_model=rec_model,
        model_id=np.where(np.equal(rec_model, None), file_model, rec_model),
        kind=np.array(list(map(kind_of.get, ucats.tolist())), dtype=object)[ucode] if n else np.zeros(0, dtype=object),
        learned=learned_code,
        lkey=_keyed(chunks, "learned"),
        days=np.concatenate([c.days for c in chunks]) if chunks else np.zeros((0, len(STAGES))), src=src_of)
    # Readings: each one's global record.
    r_off = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(chunks) else np.zeros(0, dtype=np.int64)
    r_metric = concat(chunks, "r_metric")
    metric_code, metric_cats = pd.factorize(r_metric)
    r_rec = np.concatenate([c.r_rec + o for c, o in zip(chunks, r_off.tolist())]) if chunks else np.zeros(0, dtype=np.int64)
    rd = rules.ReadingRows(rec=r_rec, metric=r_metric, day=concat(chunks, "r_day", float), value=concat(chunks, "r_value", float),
                           metric_code=metric_code, metric_cats=np.asarray(metric_cats, dtype=object),
                           start=np.searchsorted(r_rec, np.arange(n + 1)))

    # The rules in the order a record is judged: model, unit, kind; then duplicate, learned_from, stage order.
    passed = rules.record_models_exist(a, np.ones(n, dtype=bool), models, report)
    passed = rules.record_units_known(a, passed, models, reg, local, report)
    passed = rules.record_kinds_adopt(a, passed, models, report)
    learned_ok = rules.learned_from_known(a, kind_of)
    accepted, duplicate = rules.records_unique(a, passed, learned_ok & rules.stages_ordered(a), ucode, report)
    rules.records_sound(a, passed & ~accepted & ~duplicate, learned_ok, models, reg, local, report)
    # Warnings on the records kept, and their readings.
    rules.no_stage_skipped(a, accepted, report)
    rules.records_within_lifetimes(a, accepted, rd, reg, local, report)
    keep_r = rules.readings_valid(a, accepted, rd, models, report)

    rows = np.flatnonzero(accepted)
    model_id, days, metric_cats = a.model_id, a.days, rd.metric_cats
    # Unit and model as categories (sorted, only those used), shared by the two frames.
    u_used = np.unique(ucode[rows])
    u_names = _declared_objects(ucats[u_used], local)
    u_order = np.argsort(u_names.astype(str), kind="stable")
    u_new = np.empty(len(ucats), dtype=np.int64)
    u_new[u_used[u_order]] = np.arange(len(u_used))
    unit_dtype = pd.CategoricalDtype(pd.Index(u_names[u_order], dtype=object))
    model_names = sorted(set(model_id[rows].tolist()))
    model_dtype = pd.CategoricalDtype(pd.Index(model_names, dtype=object))
    model_pos = {m: i for i, m in enumerate(model_names)}
    rec_model_code = np.fromiter(map(model_pos.get, model_id.tolist(), repeat(-1)), dtype=np.int64, count=n)
    cat = lambda codes, dtype: pd.Categorical.from_codes(codes, dtype=dtype)  # noqa: E731
    a_cols = {
        "unit": cat(u_new[ucode[rows]], unit_dtype) if len(rows) else ukey[rows],
        "model": cat(rec_model_code[rows], model_dtype) if len(rows) else model_id[rows],
        **{s_: datetimes(days[rows, k]) for k, s_ in enumerate(STAGES)},
        "learned_from": pd.Series(a.lkey[rows], dtype=object), "note": pd.Series(concat(chunks, "note")[rows], dtype=object),
        "path": (pd.Categorical(np.array([c.rel for c in chunks], dtype=object)[f[rows]]) if len(rows) else np.zeros(0, dtype=object)),
        "index": a.idx[rows],
    }
    adoptions = pd.DataFrame(a_cols, columns=ADOPTION_COLUMNS)
    if not len(rows):
        adoptions = adoptions.astype({s_: "datetime64[s]" for s_ in STAGES})
    rr = np.flatnonzero(keep_r)
    rec = r_rec[rr]
    m_used = np.unique(metric_code[rr])
    m_names = metric_cats[m_used]
    m_order = np.argsort(m_names.astype(str), kind="stable")
    m_new = np.empty(len(metric_cats), dtype=np.int64)
    m_new[m_used[m_order]] = np.arange(len(m_used))
    readings = pd.DataFrame({
        "unit": cat(u_new[ucode[rec]], unit_dtype) if len(rr) else pd.Series([], dtype=object),
        "model": cat(rec_model_code[rec], model_dtype) if len(rr) else pd.Series([], dtype=object),
        "metric": cat(m_new[metric_code[rr]], pd.CategoricalDtype(pd.Index(m_names[m_order], dtype=object))) if len(rr)
        else pd.Series([], dtype=object),
        "date": datetimes(rd.day[rr]), "value": rd.value[rr].astype(float)}, columns=READING_COLUMNS)
    return adoptions, readings, illustrative


def _load_plans(root: Path, paths: list[Path], models: dict[str, ModelFile], reg: Registry,
                local: Mapping[str, LocalUnit], report: Report, texts: Mapping[str, str] = {}):
    plans: dict[str, PlanFile] = {}
    plan_paths: dict[str, str] = {}
    for path in paths:
        src = _parse(path, root, report, texts)
        if src is None:
            continue
        obj = validate_file(src, PlanFile, None, report)
        if obj is None:
            continue
        scope_ok = rules.plan_scope_known(src, obj, reg, local, report)  # type: ignore[arg-type]
        if rules.plan_models_exist(src, obj, models, report) and scope_ok:  # type: ignore[arg-type]
            plans[path.stem] = obj  # type: ignore[assignment]
            plan_paths[path.stem] = src.rel
    return plans, plan_paths
