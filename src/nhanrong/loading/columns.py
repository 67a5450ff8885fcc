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
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path
from typing import Any

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
_ADOPTION_KEYS = frozenset(("unit", "model", "stages", "learned_from", "note", "readings"))
_READING_KEYS = frozenset(("metric", "date", "value", "note"))
_STAGE_KEYS = frozenset(STAGES)
_UNIT_KEYS = frozenset(("code", "name", "kind", "parent", "established", "dissolved", "merged_into", "lat", "lon", "note"))


class _Off(Exception):
    """A value not of the plain shape the fast checks accept: the file goes through pydantic."""


# Each check below is one C-level pass where it can be (map, set, fromiter, one regex over a joined
# column): they run over every value of a country's files, and a Python loop per value is most of
# what a cold load costs beyond the parser.


def _types(values: list, allowed: tuple) -> set:
    """The types present in ``values`` (exact types: a bool is not an int, a datetime not a date)."""
    kinds = set(map(type, values))
    if not kinds <= set(allowed):
        raise _Off
    return kinds


def _joined(first: str, rest: str, maxlen: int) -> re.Pattern:
    """A pattern for values of ``first`` then ``rest`` characters (at most ``maxlen``), one per line:
    a whole column is checked by one match over its distinct values joined by newlines."""
    one = f"{first}{rest}{{0,{maxlen - 1}}}"
    return re.compile(f"{one}(?:\n{one})*")


_CODE_RX = _joined("[A-Za-z0-9]", "[A-Za-z0-9._-]", 64)
_MODEL_RX = _joined("[a-z0-9]", "[a-z0-9-]", 64)
_METRIC_RX = _joined("[a-z0-9]", "[a-z0-9_]", 64)
_KIND_RX = _joined("[a-z]", "[a-z0-9-]", 40)


def _pattern(distinct: set, rx: re.Pattern) -> None:
    """Every string of ``distinct`` (None aside) matches ``rx`` (a :func:`_joined` pattern)."""
    values = distinct - {None}
    if not values:
        return
    text = "\n".join(values)
    # A value holding a newline would pass as two lines: the count of separators says it does not.
    if text.count("\n") != len(values) - 1 or rx.fullmatch(text) is None:
        raise _Off


def _days(values: list, optional: bool = True) -> np.ndarray:
    """datetime.date values (None allowed when ``optional``) inside the window, as days since 1970 (NaN = None)."""
    kinds = _types(values, (dt.date, _NONE) if optional else (dt.date,))
    if kinds == {_NONE}:
        return np.full(len(values), np.nan)
    if _NONE in kinds:  # each distinct date converted once (a column repeats a few hundred dates)
        day = {d: np.nan if d is None else d.toordinal() - EPOCH_ORDINAL for d in set(values)}
        out = np.fromiter(map(day.__getitem__, values), dtype=float, count=len(values))
    else:
        out = np.fromiter(map(dt.date.toordinal, values), dtype=float, count=len(values)) - EPOCH_ORDINAL
    ok = np.isnan(out) | ((out >= _DATE_LO) & (out <= _DATE_HI))
    if not ok.all():
        raise _Off
    return out


def _numbers(values: list, optional: bool) -> np.ndarray:
    """Finite int/float values (None allowed when ``optional``) as floats (NaN = None)."""
    kinds = _types(values, (int, float, _NONE) if optional else (int, float))
    try:
        out = np.array(values, dtype=float)  # None -> NaN
    except (OverflowError, ValueError, TypeError):
        raise _Off from None
    missing = values.count(None) if _NONE in kinds else 0
    if int(np.isnan(out).sum()) != missing or np.isinf(out).any():  # a NaN or an infinity was written
        raise _Off
    return out


def _strings(values: list, optional: bool, rx: re.Pattern | None = None, min_len: int = 0) -> np.ndarray:
    kinds = _types(values, (str, _NONE) if optional else (str,))
    out = np.empty(len(values), dtype=object)
    if rx is None:
        present = values if _NONE not in kinds else [v for v in values if v is not None]
        if min_len and present and min(map(len, present)) < min_len:
            raise _Off
        out[:] = values
        return out
    distinct = set(values)
    _pattern(distinct, rx)
    # Codes, kinds, models, metrics: the same few strings over and over (a metric name in every
    # reading, a unit code in every model's file). One shared object each: ~60 bytes a value less,
    # in the per-file cache and in the programme's frames (a country: over a million values).
    if _NONE in kinds or len(distinct) * 2 < len(values):
        shared = {v: None if v is None else _intern(v) for v in distinct}
        out[:] = list(map(shared.__getitem__, values))
    else:
        out[:] = list(map(_intern, values))
    return out


def _column(recs: list, key: str, present: set, default: Any = None) -> list:
    """``[r.get(key, default) for r in recs]``, in C; no pass at all for a key no record has
    (most records write four or five of their keys)."""
    if key not in present:
        return [default] * len(recs)
    return list(map(dict.get, recs, repeat(key), repeat(default)))


def _records(data: dict, list_key: str, keys: frozenset) -> tuple[list, set]:
    """The records of ``list_key`` (tables with only ``keys``) and the keys they use."""
    recs = data.get(list_key, [])
    if type(recs) is not list:
        raise _Off
    _types(recs, (dict,))
    present = set(chain.from_iterable(recs))  # every key of every record, in one pass
    if not present <= keys:
        raise _Off
    return recs, present


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
    src: SourceFile | None = field(default=None, repr=False, compare=False)  # see chunk_src


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
    src: SourceFile | None = field(default=None, repr=False, compare=False)  # see chunk_src


def _fast_units(data: dict) -> dict:
    recs, keys = _records(data, "unit", _UNIT_KEYS)
    head = UnitsFile.model_validate({k: v for k, v in data.items() if k != "unit"})
    col = lambda k: _column(recs, k, keys)  # noqa: E731
    _types(_column(recs, "note", keys, ""), (str,))
    return dict(
        structure=head.structure, illustrative=head.illustrative, index=np.arange(len(recs), dtype=np.int64),
        code=_strings(col("code"), False, _CODE_RX), name=_strings(col("name"), False, min_len=1),
        kind=_strings(col("kind"), False, _KIND_RX), parent=_strings(col("parent"), True, _CODE_RX),
        established=_days(col("established")), dissolved=_days(col("dissolved")),
        merged_into=_strings(col("merged_into"), True, _CODE_RX),
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
    recs, keys = _records(data, "adoption", _ADOPTION_KEYS)
    head = PilotsFile.model_validate({k: v for k, v in data.items() if k != "adoption"})
    col = lambda k: _column(recs, k, keys)  # noqa: E731
    notes = _column(recs, "note", keys, "")
    stages = col("stages")
    if _NONE in _types(stages, (dict, _NONE)):
        stages = [x or {} for x in stages]
    stage_keys = set(chain.from_iterable(stages))
    if not stage_keys <= _STAGE_KEYS:
        raise _Off
    days = np.empty((len(recs), len(STAGES)), dtype=float)
    for k, s in enumerate(STAGES):
        days[:, k] = _days(_column(stages, s, stage_keys))
    lists = col("readings")
    if _NONE in _types(lists, (list, _NONE)):
        lists = [x or [] for x in lists]
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = list(chain.from_iterable(lists))
    _types(flat, (dict,))
    r_keys = set(chain.from_iterable(flat))
    if not r_keys <= _READING_KEYS:
        raise _Off
    _types(_column(flat, "note", r_keys, ""), (str,))
    return dict(
        model=head.model, structure=head.structure, illustrative=head.illustrative, index=np.arange(len(recs), dtype=np.int64),
        unit=_strings(col("unit"), False, _CODE_RX), rec_model=_strings(col("model"), True, _MODEL_RX), days=days,
        learned=_strings(col("learned_from"), True, _CODE_RX), note=_strings(notes, False),
        r_rec=np.repeat(np.arange(len(recs), dtype=np.int64), counts),
        r_metric=_strings(_column(flat, "metric", r_keys), False, _METRIC_RX),
        r_day=_days(_column(flat, "date", r_keys), optional=False), r_value=_numbers(_column(flat, "value", r_keys), False),
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


class FileCache(dict):
    """Absolute path -> (key, chunk) of the units/ and pilots/ files read in this process; ``last_units``:
    the last units stage, computed from several of its chunks (:func:`.load._load_units`), dropped with them."""

    def __init__(self) -> None:
        super().__init__()
        self.last_units: Any = None

    def clear(self) -> None:
        super().clear()
        self.last_units = None


_FILE_CACHE = FileCache()
FILE_CACHE_MAX = 20_000
CACHE_STATS = {"hits": 0, "misses": 0}
"""Per-file cache hits and misses since the process started (the tests and the benchmark read them)."""


def _cache_key(kind: str, rel: str, stamp: tuple) -> tuple:
    return (kind, rel, stamp, parsing.FAST_PARSER, DATE_MIN, DATE_MAX)


def cached(kind: str, path: Path, rel: str) -> tuple[Any, int]:
    """The cached result of a file on disk if it has not changed (else None), and its size in bytes
    (0 when it is not a regular file): what decides whether a load is big enough for worker processes."""
    try:
        st = os.stat(path)
    except OSError:
        return None, 0
    if not stat.S_ISREG(st.st_mode):
        return None, 0
    hit = _FILE_CACHE.get(str(path))
    if hit is not None and hit[0] == _cache_key(kind, rel, file_stamp(st)):
        CACHE_STATS["hits"] += 1
        return hit[1], st.st_size
    return None, st.st_size


def read(kind: str, path: Path, root: Path, given: str | None = None):
    """Parse and check one file (``given``: its text, instead of the disk's); a :class:`Broken` when it
    cannot be used. Nothing here touches the cache: worker processes call it too (:mod:`.workers`)."""
    CACHE_STATS["misses"] += 1
    report = Report()
    got = parsing.on_big_stack(_read_chunk, kind, path, root, report, given)
    if got is not None:
        got.problems = report.problems
        return got
    return Broken(path.relative_to(root).as_posix(), report.problems)


def remember(kind: str, path: Path, rel: str, out) -> None:
    """Keep the result of a file read from disk, keyed on the stamp it was read with."""
    stamp = out.stamp if not isinstance(out, Broken) else _stamp_of(path)
    if stamp is None:
        return
    if len(_FILE_CACHE) >= FILE_CACHE_MAX:
        _FILE_CACHE.clear()
    _FILE_CACHE[str(path)] = (_cache_key(kind, rel, stamp), out)


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
    """A SourceFile to locate messages in a chunk's file (its text is read again only if needed).

    Kept on the chunk, which the per-file cache keeps while the file is unchanged: a warning across
    files (a reading after a unit's dissolution...) is reported again at every load, and finding its
    line means scanning the whole file's text; the positions found once serve every later load."""
    if c.src is None:
        c.src = SourceFile(c.path, c.rel, text=c.text, stamp=c.stamp if not c.text else None)
    return c.src


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

