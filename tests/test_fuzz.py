"""Hostile input never ends in a traceback, a hang or a lost record, here or in the stages after the load.

The corpus and the harness are ``bench/fuzz.py`` (``make fuzz`` runs thousands of cases); the suite
runs every class of damage once, each case in its own forked process with a time limit, then
status, gaps and the plan on whatever loaded, and compares the records of the untouched files with
a clean load. Extreme but valid values are checked end to end below.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root: bench/

from bench.fuzz import BASE, ENTRIES, MUTATORS, fuzz, pipeline, write_base  # noqa: E402
from nhanrong.errors import NhanRongError  # noqa: E402
from nhanrong.graph import build_graph  # noqa: E402
from nhanrong.loader import load_programme  # noqa: E402
from nhanrong.planning.adapter import build_instance  # noqa: E402
from nhanrong.planning.instance import MAX_PERIODS, HorizonError, period_starts  # noqa: E402
from nhanrong.schema import MAX_DAYS, MAX_HORIZON, PlanFile  # noqa: E402


@pytest.mark.skipif(not hasattr(os, "fork"), reason="each case runs in a forked process")
def test_every_class_of_damage_is_survived():
    outcomes = fuzz(len(MUTATORS) + len(ENTRIES), seed=20261129, timeout=60, size=200_000,
                    as_of=(dt.date(2023, 12, 31),), files=["pilots/tiny/132.toml", "models/tiny.toml", "plans/p2023.toml"])
    assert {o.case.damage for o in outcomes} == set(MUTATORS) | set(ENTRIES)
    bad = [f"{o.status}: {o.case}\n{o.detail}" for o in outcomes if o.status != "ok"]
    assert not bad, "\n\n".join(bad)
    assert sum(o.downstream for o in outcomes) >= 5  # status, gaps and the plan ran on several different data


def test_the_widest_valid_values_go_through_every_stage(tmp_path):
    """Dates at both ends of the window, the longest durations and horizon: no overflow anywhere."""
    model = BASE["models/tiny.toml"].replace("expected_days = 365", f"expected_days = {MAX_DAYS}")
    model = model.replace("expected_days = 30\n", f"expected_days = {MAX_DAYS}\nmin_days = {MAX_DAYS}\n", 1)
    model = model.replace("date = 2022-12-31", "date = 2100-12-31")
    model = model.replace('adopted_by = ["commune"]', f'adopted_by = ["commune"]\nreporting_period_days = {MAX_DAYS}')
    pilots = ('model = "tiny"\nstructure = "old"\n\n[[adoption]]\nunit = "04249"\nstages = { assess = 1990-01-01, pilot = 2100-12-31 }\n'
              'readings = [{ metric = "accounts", date = 2100-12-31, value = 1e300 }]\n\n[[adoption]]\nunit = "04252"\n'
              'stages = { assess = 2100-12-31 }\n')
    plan = BASE["plans/p2023.toml"].replace("start = 2023-01-01", "start = 2100-12-31").replace(
        "horizon = 4", f"horizon = {MAX_HORIZON}").replace("date = 2023-12-31", "date = 2100-12-31")
    root = write_base(tmp_path / "data")
    for rel, text in {"models/tiny.toml": model, "pilots/tiny/132.toml": pilots, "plans/p2023.toml": plan}.items():
        (root / rel).write_text(text, encoding="utf-8")
    prog = load_programme(root)
    assert not prog.errors, prog.errors
    assert prog.plans["p2023"].horizon == MAX_HORIZON
    out = pipeline(root, set(BASE), as_of=(dt.date(2100, 12, 31), dt.date(2023, 12, 31)))
    assert out["downstream"] and out["refused"] == []


def test_the_planner_refuses_absurd_horizons_with_a_message(tmp_path):
    root = write_base(tmp_path / "data")
    pg = build_graph(load_programme(root))
    plan = load_programme(root).plans["p2023"]
    for horizon in (2_000_000_000, 2**70, 0, -3):
        bad = PlanFile.model_construct(**{**dict(plan), "horizon": horizon})  # as if it skipped validation
        with pytest.raises(NhanRongError, match="horizon") as err:
            build_instance(pg, bad)
        assert "520" in str(err.value) and str(err.value).startswith("Kế hoạch")
    weekly = plan.model_copy(update={"period": "week", "horizon": 10, "start": dt.date(1990, 1, 1)})
    far = weekly.model_copy(update={"targets": [t.model_copy(update={"date": dt.date(2100, 12, 31)}) for t in plan.targets]})
    with pytest.raises(NhanRongError, match="quá xa"):
        build_instance(pg, far)
    with pytest.raises(HorizonError, match="quá dài"):
        period_starts(dt.date(2023, 1, 1), "quarter", 2 * 10**9)
    assert len(period_starts(dt.date(2100, 12, 31), "quarter", MAX_PERIODS)) == MAX_PERIODS + 1  # far past 2262: plain dates
