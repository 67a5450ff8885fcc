"""A frame of object columns packed for the disk cache, so that it unpickles with fewer objects.

Reloading a national programme from the disk cache is mostly making Python objects: the units
declared under units/ are a quarter of a million rows of keys, codes and names, and pickle
writes an object column value by value, ``None`` and repeated strings included. Here a column
of strings is written as one text joined on a separator (split on load: one call, no opcode per
value), a column with few distinct strings as small integer codes and each string once, and a
column of ``None`` as its length. Any other column is kept as it is, and so is the index: it holds
the keys other frames refer to (the records' unit categories are the declared units' own key objects),
and pickle writes an object it has already written as a reference, so shared keys are made once.

The frame comes back equal, with the same dtypes (object columns stay object: the engine
works on plain strings), the same index and column order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEP = "\x1f"  # the unit separator: never in a name typed by a person; checked anyway
FEW = 4  # a column repeats enough for codes when it has at most a quarter as many distinct values
SAMPLE = 1000  # values looked at first, to skip counting the distinct values of a column of names
VERSION = 2  # 2: the index kept as it is


def pack_frame(frame: pd.DataFrame) -> dict:
    """The frame as a small state of packed columns (see the module's docstring)."""
    return {
        "version": VERSION,
        "rows": len(frame),
        "index": frame.index,  # as it is: the keys other frames share (see above)
        "columns": [(name, _pack(frame[name])) for name in frame.columns],
    }


def unpack_frame(state: dict) -> pd.DataFrame:
    """The frame :func:`pack_frame` packed."""
    if state.get("version") != VERSION:
        raise ValueError(f"packed frame version {state.get('version')!r}, expected {VERSION}")
    n, index = state["rows"], state["index"]
    arrays = [(name, _unpack(packed, n)) for name, packed in state["columns"]]
    # dtype given: pandas would otherwise read an object array of strings as its Arrow string dtype
    columns = {name: pd.Series(values, index=index, dtype=values.dtype, copy=False) for name, values in arrays}
    return pd.DataFrame(columns, index=index, copy=False)


def _pack(column: pd.Series) -> tuple:
    """A column, packed when it holds Python objects."""
    if not isinstance(column.dtype, np.dtype):  # pandas' own types (categorical, Arrow strings): pickled as they are
        return ("array", column.array)
    values = column.to_numpy()
    if values.dtype != object:  # numbers, booleans, dates
        return ("array", values)
    try:
        return _pack_objects(values)
    except Exception:  # a value that cannot even be compared: kept as it is
        return ("array", values)


def _pack_objects(values: np.ndarray) -> tuple:
    is_none = np.equal(values, None)  # identity first: NaN, NaT and pd.NA are not None
    if is_none.all():
        return ("none",)
    rest = values[~is_none]
    items = rest.tolist()
    if set(map(type, items)) != {str}:  # plain strings only (a subclass would come back as str)
        return ("array", values)
    nones = np.flatnonzero(is_none)
    head = items[:SAMPLE]
    if len(set(head)) * FEW <= len(head):  # repeats at its start: worth counting the distinct values
        codes, uniques = pd.factorize(rest)
        if len(uniques) * FEW <= len(rest):
            return ("codes", nones, codes.astype(np.min_scalar_type(len(uniques))), np.asarray(uniques, dtype=object))
    text = SEP.join(items)
    if text.count(SEP) != len(items) - 1:  # a value holds the separator itself
        return ("array", values)
    return ("text", nones, text)


def _unpack(packed: tuple, n: int) -> np.ndarray:
    kind = packed[0]
    if kind == "array":
        return packed[1]
    if kind == "none":
        return np.full(n, None, dtype=object)
    nones = packed[1]
    if kind == "codes":
        values = packed[3].take(packed[2])
    elif kind == "text":
        parts = packed[2].split(SEP)
        values = np.fromiter(parts, dtype=object, count=len(parts))  # np.array would look into each string
    else:
        raise ValueError(f"unknown packed column {kind!r}")
    if not len(nones):
        return values
    out = np.empty(n, dtype=object)  # None everywhere
    keep = np.ones(n, dtype=bool)
    keep[nones] = False
    out[keep] = values
    return out


__all__ = ["pack_frame", "unpack_frame"]
