"""Packed frames for the disk cache: every frame comes back exactly, and strings travel as text."""

from __future__ import annotations

import datetime as dt
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nhanrong.framepack import SEP, pack_frame, unpack_frame


class Code(str):
    """A subclass of str: it must come back as itself, not as a plain str."""


def _cells(frame: pd.DataFrame) -> dict:
    """Every cell with its type (NaN compared as a marker): equality alone would let 1 == 1.0 == True pass."""
    out = {}
    for name in frame.columns:
        out[name] = [(type(v), "NaN" if isinstance(v, float) and v != v else v) for v in frame[name].tolist()]
    out["<index>"] = [(type(v), v) for v in frame.index.tolist()]
    return out


def _same(back: pd.DataFrame, frame: pd.DataFrame) -> None:
    assert list(back.columns) == list(frame.columns)
    assert back.dtypes.to_dict() == frame.dtypes.to_dict()
    assert back.index.dtype == frame.index.dtype and back.index.name == frame.index.name
    assert _cells(back) == _cells(frame)


def _object(values) -> pd.Series:
    return pd.Series(values, dtype=object)


def _units(n: int) -> pd.DataFrame:
    """Shaped like the loader's local units: distinct codes and names, few kinds and parents, many None."""
    frame = pd.DataFrame({
        "code": _object([f"V-{i:05d}" for i in range(n)]),
        "name": _object([f"Thôn Nà Khương {i}" for i in range(n)]),
        "kind": _object(["village" if i % 3 else "school" for i in range(n)]),
        "parent": _object([f"new:{i // 20:05d}" for i in range(n)]),
        "dissolved": _object([None] * n),
        "lat": _object([None if i % 2 else 21.7 + i / 1e4 for i in range(n)]),
        "illustrative": [bool(i % 2) for i in range(n)],
    })
    frame.index = pd.Index([f"new:V-{i:05d}" for i in range(n)], dtype=object, name="key")
    return frame


def test_units_come_back_exactly_with_strings_as_text():
    frame = _units(5000)
    state = pickle.loads(pickle.dumps(pack_frame(frame)))
    kinds = {name: packed[0] for name, packed in state["columns"]}
    assert isinstance(state["index"], pd.Index)  # the keys: kept as objects, for other frames to share
    assert kinds == {"code": "text", "name": "text", "kind": "codes", "parent": "codes", "dissolved": "none",
                     "lat": "array", "illustrative": "array"}
    back = unpack_frame(state)
    _same(back, frame)
    assert all(type(v) is str for v in back["name"])  # plain objects, not pandas' Arrow strings
    assert back["name"].dtype == object


@pytest.mark.parametrize("distinct, dtype", [(4, np.uint8), (300, np.uint16), (70_000, np.uint32)])
def test_codes_take_the_smallest_integers_that_hold_them(distinct, dtype):
    """A national set's kinds, structures and paths: a byte a row, not four (less to read at each start)."""
    values = np.array([f"v{i // 4}" for i in range(distinct * 4)], dtype=object)  # repeats from the start
    frame = pd.DataFrame({"c": pd.Series(values, dtype=object)})
    (_, packed), = pack_frame(frame)["columns"]
    assert packed[0] == "codes" and packed[2].dtype == dtype
    _same(unpack_frame(pickle.loads(pickle.dumps(pack_frame(frame)))), frame)


def test_keys_shared_by_another_frame_are_made_once():
    """The records' unit categories are the units' own key objects: pickled together, they stay one object."""
    units = _units(300)
    keys = units.index.to_numpy(dtype=object)
    records = pd.DataFrame({"unit": pd.Categorical.from_codes([0, 5, 5, 299], categories=pd.Index(keys, dtype=object))})
    state = pickle.loads(pickle.dumps({"units": pack_frame(units), "records": pack_frame(records)}))
    back_units, back_records = unpack_frame(state["units"]), unpack_frame(state["records"])
    _same(back_records, records)
    shared = back_records["unit"].cat.categories.to_numpy(dtype=object)
    assert all(a is b for a, b in zip(shared, back_units.index.to_numpy(dtype=object)))


@pytest.mark.parametrize("values", [
    ["a", f"b{SEP}c", "d"],  # the separator inside a value: kept as an array
    ["a", Code("b"), "c"],  # a subclass of str
    ["a", None, "b", "c", None],  # distinct strings around None: text, the None put back in place
    ["a", None, np.nan, pd.NA, "b"],  # missing values of several kinds
    [None, None, None],
    [dt.date(2025, 7, 1), None, dt.date(2025, 7, 1)],
    [1, 1.0, True],  # equal, of three types
    ["", "", ""],
    [""],
])
def test_awkward_columns_come_back_exactly(values):
    frame = pd.DataFrame({"c": _object(values)}, index=pd.Index(range(len(values)), name="i"))
    _same(unpack_frame(pickle.loads(pickle.dumps(pack_frame(frame)))), frame)


def test_columns_of_other_types_and_the_index_keep_their_type():
    frame = pd.DataFrame({
        "model": pd.Categorical(["school", "commune", "school"]),
        "arrow": pd.Series(["a", None, "c"], dtype="str"),
        "day": pd.to_datetime(["2025-07-01", None, "2026-01-01"]),
        "value": [1.5, np.nan, 3.0],
        "names": _object(["Xã A", "Xã B", "Xã C"]),
    })
    back = unpack_frame(pickle.loads(pickle.dumps(pack_frame(frame))))
    _same(back, frame)
    assert isinstance(back.index, pd.RangeIndex)
    assert back["names"].dtype == object and back["arrow"].dtype == frame["arrow"].dtype


def test_an_empty_frame_and_a_foreign_state():
    frame = _units(0)
    _same(unpack_frame(pack_frame(frame)), frame)
    with pytest.raises(ValueError):
        unpack_frame({"version": -1})


_text = st.text(alphabet=st.sampled_from(["a", "ô", "ế", " ", SEP, "1", "\x00"]), max_size=4)
_cell = st.one_of(st.none(), _text, st.sampled_from(["Xã A", "Xã B"]), st.floats(allow_nan=True),
                  st.dates(), st.builds(Code, _text))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_cell, _text, st.one_of(st.none(), st.sampled_from(["x", "y"])), st.booleans()), max_size=60),
       st.booleans())
def test_any_frame_comes_back_exactly(rows, text_index):
    frame = pd.DataFrame({
        "mixed": _object([r[0] for r in rows]),
        "text": _object([r[1] for r in rows]),
        "few": _object([r[2] for r in rows]),
        "flag": pd.Series([r[3] for r in rows], dtype=bool),
    })
    if text_index:
        frame.index = pd.Index([f"k{i}" for i in range(len(rows))], dtype=object, name="key")
    _same(unpack_frame(pickle.loads(pickle.dumps(pack_frame(frame)))), frame)
