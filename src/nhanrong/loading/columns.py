"""The per-file checks of units/ and pilots/ files, on whole columns, and the per-file cache.

Each file of units/ and pilots/ goes through two stages. Per file (here): parse, check the header with
pydantic and the records column by column (types, patterns, dates inside the window, finite numbers:
what pydantic's models say, written as checks on whole columns); a file where any value is not of
the plain expected shape is parsed again with tomli and validated by pydantic as a whole, record by
record, which says exactly what is wrong (the same messages as ever). The result of a file (columns
and its own problems) is kept in memory keyed on the file's (size, mtime, inode), so a reload reads
only the files that changed. Across files (:mod:`.rules`): unknown units, kinds, duplicates,
lifetimes... are checked on the merged columns with array operations; messages are built only for
the rare rows that fail.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
from pydantic import ValidationError

from ..problems import Problem
from ..schema import DATE_MAX, DATE_MIN, STAGES, PilotsFile, UnitsFile
from . import parsing
from .parsing import file_stamp, parse_file, reparse_exact
from .report import Report, SourceFile
from .validation import validate_records

EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_NONE = type(None)
_intern = sys.intern
_DATE_LO = DATE_MIN.toordinal() - EPOCH_ORDINAL
_DATE_HI = DATE_MAX.toordinal() - EPOCH_ORDINAL
_CODE_RX = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_MODEL_RX = re.compile(r"[a-z0-9][a-z0-9-]*")
_METRIC_RX = re.compile(r"[a-z0-9][a-z0-9_]*")
_KIND_RX = re.compile(r"[a-z][a-z0-9-]*")
_ADOPTION_KEYS = frozenset(("unit", "model", "stages", "learned_from", "note", "readings"))
_READING_KEYS = frozenset(("metric", "date", "value", "note"))
_STAGE_KEYS = frozenset(STAGES)
_UNIT_KEYS = frozenset(("code", "name", "kind", "parent", "established", "dissolved", "merged_into", "lat", "lon", "note"))


class _Off(Exception):
    """A value not of the plain shape the fast checks accept: the file goes through pydantic."""


def _types(values: list, allowed: tuple) -> None:
    if not set(map(type, values)) <= set(allowed):
        raise _Off


def _pattern(values: Iterable, rx: re.Pattern, maxlen: int) -> None:
    for v in set(values):
        if v is not None and (len(v) > maxlen or rx.fullmatch(v) is None):
            raise _Off


def _days(values: list, optional: bool = True) -> np.ndarray:
    """datetime.date values (None allowed when ``optional``) inside the window, as days since 1970 (NaN = None)."""
    _types(values, (dt.date, _NONE) if optional else (dt.date,))
    out = np.array([d.toordinal() - EPOCH_ORDINAL if d is not None else np.nan for d in values], dtype=float)
    ok = np.isnan(out) | ((out >= _DATE_LO) & (out <= _DATE_HI))
    if not ok.all():
        raise _Off
    return out


def _numbers(values: list, optional: bool) -> np.ndarray:
    """Finite int/float values (None allowed when ``optional``) as floats (NaN = None)."""
    _types(values, (int, float, _NONE) if optional else (int, float))
    try:
        out = np.array([np.nan if v is None else v for v in values], dtype=float)
    except (OverflowError, ValueError, TypeError):
        raise _Off from None
    present = np.array([v is not None for v in values], dtype=bool) if optional else np.ones(len(values), dtype=bool)
    if not np.isfinite(out[present]).all():
        raise _Off
    return out


def _strings(values: list, optional: bool, rx: re.Pattern | None = None, maxlen: int = 0, min_len: int = 0) -> np.ndarray:
    _types(values, (str, _NONE) if optional else (str,))
    if rx is not None:
        _pattern(values, rx, maxlen)
    if min_len and any(len(v) < min_len for v in values if v is not None):
        raise _Off
    out = np.empty(len(values), dtype=object)
    if rx is not None:
        # Codes, kinds, models, metrics: the same few strings over and over (a metric name in every
        # reading, a unit code in every model's file). One shared object each: ~60 bytes a value less,
        # in the per-file cache and in the programme's frames (a country: over a million values).
        out[:] = [v if v is None else _intern(v) for v in values]
    else:
        out[:] = values
    return out


def _records(data: dict, list_key: str, keys: frozenset) -> list:
    recs = data.get(list_key, [])
    if type(recs) is not list:
        raise _Off
    _types(recs, (dict,))
    if not all(r.keys() <= keys for r in recs):
        raise _Off
    return recs


@dataclass
class UnitsChunk:
    """One units/ file after its own checks: the header and its usable records as columns."""

    rel: str
    path: Path
    stamp: tuple | None
    text: str
    structure: str
    illustrative: bool
    index: np.ndarray  # each record's position in the file's [[unit]] list
    code: np.ndarray
    name: np.ndarray
    kind: np.ndarray
    parent: np.ndarray
    established: np.ndarray  # days since 1970, NaN = none
    dissolved: np.ndarray
    merged_into: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    problems: list[Problem]


@dataclass
class PilotsChunk:
    """One pilots/ file after its own checks: the header, its usable records and their readings as columns."""

    rel: str
    path: Path
    stamp: tuple | None
    text: str
    model: str | None
    structure: str
    illustrative: bool
    index: np.ndarray
    unit: np.ndarray
    rec_model: np.ndarray  # the record's own model, or None
    days: np.ndarray  # (records, 4): the stage dates, days since 1970, NaN = not reached
    learned: np.ndarray
    note: np.ndarray
    r_rec: np.ndarray  # each reading's record (position in this chunk)
    r_metric: np.ndarray
    r_day: np.ndarray
    r_value: np.ndarray
    problems: list[Problem]


def _fast_units(data: dict) -> dict:
    recs = _records(data, "unit", _UNIT_KEYS)
    head = UnitsFile.model_validate({k: v for k, v in data.items() if k != "unit"})
    col = lambda k: [r.get(k) for r in recs]  # noqa: E731
    _types([r.get("note", "") for r in recs], (str,))
    return dict(
        structure=head.structure, illustrative=head.illustrative, index=np.arange(len(recs), dtype=np.int64),
        code=_strings(col("code"), False, _CODE_RX, 64), name=_strings(col("name"), False, min_len=1),
        kind=_strings(col("kind"), False, _KIND_RX, 40), parent=_strings(col("parent"), True, _CODE_RX, 64),
        established=_days(col("established")), dissolved=_days(col("dissolved")),
        merged_into=_strings(col("merged_into"), True, _CODE_RX, 64),
        lat=_numbers(col("lat"), True), lon=_numbers(col("lon"), True),
    )


def _slow_units(obj: UnitsFile, kept: list[int]) -> dict:
    us = obj.unit
    day = lambda d: np.nan if d is None else d.toordinal() - EPOCH_ORDINAL  # noqa: E731
    obj_arr = lambda vals: _strings(list(vals), True)  # noqa: E731
    return dict(
        structure=obj.structure, illustrative=obj.illustrative, index=np.array(kept, dtype=np.int64),
        code=obj_arr(u.code for u in us), name=obj_arr(u.name for u in us), kind=obj_arr(u.kind for u in us),
        parent=obj_arr(u.parent for u in us), established=np.array([day(u.established) for u in us], dtype=float),
        dissolved=np.array([day(u.dissolved) for u in us], dtype=float), merged_into=obj_arr(u.merged_into for u in us),
        lat=np.array([np.nan if u.lat is None else u.lat for u in us], dtype=float),
        lon=np.array([np.nan if u.lon is None else u.lon for u in us], dtype=float),
    )


def _fast_pilots(data: dict) -> dict:
    recs = _records(data, "adoption", _ADOPTION_KEYS)
    head = PilotsFile.model_validate({k: v for k, v in data.items() if k != "adoption"})
    col = lambda k: [r.get(k) for r in recs]  # noqa: E731
    _types([r.get("note", "") for r in recs], (str,))
    stages = col("stages")
    _types(stages, (dict, _NONE))
    if not all(s.keys() <= _STAGE_KEYS for s in stages if s):
        raise _Off
    days = np.empty((len(recs), len(STAGES)), dtype=float)
    for k, s in enumerate(STAGES):
        days[:, k] = _days([x.get(s) if x else None for x in stages])
    lists = col("readings")
    _types(lists, (list, _NONE))
    counts = np.array([len(x) if x else 0 for x in lists], dtype=np.int64)
    flat = [x for xs in lists if xs for x in xs]
    _types(flat, (dict,))
    if not all(x.keys() <= _READING_KEYS for x in flat):
        raise _Off
    _types([x.get("note", "") for x in flat], (str,))
    return dict(
        model=head.model, structure=head.structure, illustrative=head.illustrative, index=np.arange(len(recs), dtype=np.int64),
        unit=_strings(col("unit"), False, _CODE_RX, 64), rec_model=_strings(col("model"), True, _MODEL_RX, 64), days=days,
        learned=_strings(col("learned_from"), True, _CODE_RX, 64), note=_strings([r.get("note", "") for r in recs], False),
        r_rec=np.repeat(np.arange(len(recs), dtype=np.int64), counts),
        r_metric=_strings([x.get("metric") for x in flat], False, _METRIC_RX, 64),
        r_day=_days([x.get("date") for x in flat], optional=False), r_value=_numbers([x.get("value") for x in flat], False),
    )


def _slow_pilots(obj: PilotsFile, kept: list[int]) -> dict:
    ads = obj.adoption
    day = lambda d: np.nan if d is None else d.toordinal() - EPOCH_ORDINAL  # noqa: E731
    obj_arr = lambda vals: _strings(list(vals), True)  # noqa: E731
    counts = np.array([len(a.readings) for a in ads], dtype=np.int64)
    flat = [r for a in ads for r in a.readings]
    return dict(
        model=obj.model, structure=obj.structure, illustrative=obj.illustrative, index=np.array(kept, dtype=np.int64),
        unit=obj_arr(a.unit for a in ads), rec_model=obj_arr(a.model for a in ads),
        days=np.array([[day(getattr(a.stages, s)) for s in STAGES] for a in ads], dtype=float).reshape(len(ads), len(STAGES)),
        learned=obj_arr(a.learned_from for a in ads), note=obj_arr(a.note for a in ads),
        r_rec=np.repeat(np.arange(len(ads), dtype=np.int64), counts),
        r_metric=obj_arr(r.metric for r in flat), r_day=np.array([day(r.date) for r in flat], dtype=float),
        r_value=np.array([r.value for r in flat], dtype=float),
    )


_KINDS = {"units": (UnitsFile, "unit", _fast_units, _slow_units, UnitsChunk),
          "pilots": (PilotsFile, "adoption", _fast_pilots, _slow_pilots, PilotsChunk)}
_FILE_CACHE: dict[str, tuple[tuple, Any]] = {}
"""Absolute path -> (key, chunk) of the units/ and pilots/ files read in this process."""
FILE_CACHE_MAX = 20_000
CACHE_STATS = {"hits": 0, "misses": 0}
"""Per-file cache hits and misses since the process started (the tests and the benchmark read them)."""


def _cache_key(kind: str, rel: str, stamp: tuple) -> tuple:
    return (kind, rel, stamp, parsing.FAST_PARSER, DATE_MIN, DATE_MAX)


def chunk(kind: str, path: Path, root: Path, texts: Mapping[str, str]):
    """The checked columns of one units/ or pilots/ file (None when it cannot be used), from the
    per-file cache when the file has not changed since it was read."""
    rel = path.relative_to(root).as_posix()
    given = texts.get(rel) if texts else None
    apath = str(path)
    if given is None:
        try:
            st = os.stat(path)
        except OSError:
            st = None
        if st is not None and stat.S_ISREG(st.st_mode):
            hit = _FILE_CACHE.get(apath)
            if hit is not None and hit[0] == _cache_key(kind, rel, file_stamp(st)):
                CACHE_STATS["hits"] += 1
                return hit[1]
    CACHE_STATS["misses"] += 1
    report = Report()
    got = _read_chunk(kind, path, root, report, given)
    if got is not None:
        got.problems = report.problems
    out = got if got is not None else Broken(rel, report.problems)
    if given is None and (got is None or got.stamp is not None):
        stamp = got.stamp if got is not None else _stamp_of(path)
        if stamp is not None:
            if len(_FILE_CACHE) >= FILE_CACHE_MAX:
                _FILE_CACHE.clear()
            _FILE_CACHE[apath] = (_cache_key(kind, rel, stamp), out)
    return out


@dataclass
class Broken:
    """A file that cannot be used at all (syntax error, broken header...): only its problems."""

    rel: str
    problems: list[Problem]


def _stamp_of(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return file_stamp(st) if stat.S_ISREG(st.st_mode) else None


def _read_chunk(kind: str, path: Path, root: Path, report: Report, text: str | None):
    model, list_key, fast, slow, make = _KINDS[kind]
    src = parse_file(path, root, report, text, fast=True)
    if src is None:
        return None
    try:
        cols = fast(src.data)  # type: ignore[arg-type]
    except (_Off, ValidationError, RecursionError):
        cols = None
    if cols is None:  # something unusual: tomli's data and pydantic's verdict, record by record
        src = reparse_exact(src, report)
        if src is None:
            return None
        obj, kept = validate_records(src, model, list_key, report)
        if obj is None:
            return None
        cols = slow(obj, kept)
    return make(rel=src.rel, path=path, stamp=src.stamp, text=src.text if text is not None else "", problems=[], **cols)


def chunk_src(c) -> SourceFile:
    """A SourceFile to locate messages in a chunk's file (its text is read again only if needed)."""
    return SourceFile(c.path, c.rel, text=c.text, stamp=c.stamp if not c.text else None)


def concat(chunks: list, name: str, dtype=None) -> np.ndarray:
    parts = [getattr(c, name) for c in chunks]
    if not parts:
        return np.zeros(0, dtype=dtype or object)
    return np.concatenate(parts)


def as_date(day: float) -> dt.date | None:
    return None if day != day else dt.date.fromordinal(int(day) + EPOCH_ORDINAL)


def datetimes(days: np.ndarray) -> np.ndarray:
    """Days since 1970 (NaN = missing) as datetime64[s] (NaT = missing), as pandas reads dates."""
    nat = np.isnan(days)
    out = np.where(nat, 0, days).astype(np.int64).astype("datetime64[D]").astype("datetime64[s]")
    out[nat] = np.datetime64("NaT")
    return out



def dates_obj(days: np.ndarray) -> np.ndarray:
    """Days since 1970 as datetime.date objects (None = missing), as LocalUnit holds them."""
    out = np.empty(len(days), dtype=object)
    present = ~np.isnan(days)
    if present.any():
        uniq, inv = np.unique(days[present], return_inverse=True)
        dates = np.empty(len(uniq), dtype=object)
        dates[:] = [as_date(d) for d in uniq.tolist()]
        out[present] = dates[inv]
    return out


def floats_obj(values: np.ndarray) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = [None if v != v else v for v in values.tolist()]
    return out

