"""The stage frames keep the units' own strings and count on integer codes: what that must not change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import bundled_graph
from nhanrong.graph import _rows_of, positioned_units
from nhanrong.status import EXTRA, STAGE_NAMES, _counts, all_stages


def _counts_by_groupby(us: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """The counts as one groupby of a one-hot frame computes them (what :func:`_counts` replaced)."""
    codes = us["stage"].cat.codes.to_numpy()
    onehot = pd.DataFrame({name: (codes == i).astype(np.int64) for i, name in enumerate(STAGE_NAMES)}, index=us.index)
    onehot["eligible"] = 1
    for c in EXTRA:
        onehot[c] = us[c].to_numpy().astype(np.int64)
    for c in by:
        onehot[c] = us[c].to_numpy()
    return onehot.groupby(by, sort=False, dropna=True).sum().reset_index()


KEYS = st.sampled_from(["new:01", "new:02", "old:03", None])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["m1", "m2"]), KEYS, KEYS, st.integers(0, len(STAGE_NAMES) - 1),
                          st.booleans(), st.integers(1, 5)), min_size=1, max_size=40))
def test_counts_are_what_a_groupby_counts(rows):
    us = pd.DataFrame({
        "model": pd.Series([r[0] for r in rows], dtype=object),
        "province": pd.Series([r[1] for r in rows], dtype=object),
        "commune": pd.Series([r[2] for r in rows], dtype=object),
        "stage": pd.Categorical.from_codes([r[3] for r in rows], categories=list(STAGE_NAMES)),
        "history": [r[4] for r in rows],
        "parts": np.asarray([r[5] for r in rows], dtype=np.int64),
        "parts_scale": np.asarray([r[5] // 2 for r in rows], dtype=np.int64),
    })
    for by in (["model", "province"], ["model", "commune"], ["province"]):
        pd.testing.assert_frame_equal(_counts(us, by), _counts_by_groupby(us, by), check_exact=True)


def test_rows_of_finds_each_code_once():
    keys = np.array([40, 7, -1, 12, -1], dtype=np.int64)
    assert _rows_of(keys, np.array([12, 7, 5, -1, 40])).tolist() == [3, 1, -1, -1, 0]  # -1 matches nothing
    assert _rows_of(keys[:0], np.array([3])).tolist() == [-1]
    assert _rows_of(np.array([5, 9, 5]), np.array([5])) is None  # a repeated pair: a merge would repeat the row


@pytest.mark.parametrize("structure", ["old", "new"])
def test_stage_frame_keeps_the_units_own_strings(structure):
    """A country's stage frame is a quarter of a million rows: its keys and model ids are the strings the
    units frame and the models hold, not a copy per row (a copy read back from Arrow strings was 15 MB each)."""
    pg = bundled_graph()
    e = all_stages(pg, pd.Timestamp("2026-03-15"), structure)
    keys = pg.units.index.to_numpy(dtype=object)
    at = pg.units.index.get_indexer(e["unit"].to_numpy(dtype=object))
    assert (at >= 0).all()
    assert all(u is keys[i] for u, i in zip(e["unit"].tolist()[:2000], at[:2000].tolist()))
    ids = {mid: mid for mid in pg.programme.models}
    assert {id(m) for m in e["model"].tolist()} <= {id(m) for m in ids}
    held = {id(x) for c in ("parent", "new_commune", "new_province") for x in pg.units[c].tolist()}
    pos = positioned_units(pg, structure)
    assert all(id(p) in held for p in pos["parent"].dropna().tolist())  # the units frame's own
    if structure == "new":
        assert len({id(x) for x in pos["district"].tolist()}) == 1  # one NaN for every row, not a float each
