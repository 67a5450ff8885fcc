"""The greedy planner against the exact CP-SAT model of the same problem."""

import dataclasses

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytest.importorskip("ortools")

from nhanrong.planning.exact import solve_exact  # noqa: E402
from nhanrong.planning.heuristic import plan_waves  # noqa: E402
from nhanrong.planning.problem import objective  # noqa: E402
from nhanrong.planning.synthetic import random_instance  # noqa: E402
from planning_cases import one_model, two_models  # noqa: E402

# Measured on 3/12/2026 over 1,999 random small instances (seeds 0-499, both pilot rules, 1-2 districts):
# mean 0.04%, worst 10.2% (seed 88, pilot-first, two districts), 7 instances above 3%. The bound is
# the worst seen, with a margin; the examples are drawn deterministically (CI must not flake on a
# rare bad seed) and the worst one is always among them.
GAP = 0.11
MEAN_GAP = 0.01  # on average: within 1%


def test_objective_is_mean_start_period_per_model_with_unplanned_at_the_horizon():
    import pandas as pd

    jobs = pd.DataFrame({"unit": [1, 2, 3], "model": ["a", "a", "b"]})
    assert objective(jobs, [0, -1, 2], horizon=4) == pytest.approx((0 + 4) / 2 + 2)


def test_hand_instance_optimum_is_known_and_greedy_reaches_it():
    inst = one_model(trainers=2, horizon=4)
    exact = solve_exact(inst, time_limit=5)
    assert exact.optimal
    # 10 communes, 2 per quarter for 4 quarters, 2 left at the horizon: (0+0+1+1+2+2+3+3+4+4)/10.
    assert exact.objective == pytest.approx(2.0)
    assert plan_waves(inst).objective == pytest.approx(2.0)


@pytest.mark.parametrize("pilot_first", [True, False])
def test_two_models_greedy_close_to_optimum(pilot_first):
    inst = two_models(trainers=3, pilot_first=pilot_first)
    exact = solve_exact(inst, time_limit=5)
    greedy = plan_waves(inst).objective
    assert exact.bound * (1 - 1e-4) <= greedy <= exact.objective * (1 + 0.05)


def test_exact_respects_pilot_first():
    from nhanrong.planning.instance import make_adopted, make_units
    from planning_cases import START, passed, province

    units = make_units(province({"D1": 3, "D2": 3}))
    inst = dataclasses.replace(one_model(trainers=10, horizon=4, target=None), units=units,
                               adopted=make_adopted([passed("D1C00", "a")], units, START))
    exact = solve_exact(inst, time_limit=5)
    keys = inst.units["key"].to_numpy()[exact.jobs["unit"].to_numpy()]
    p = dict(zip(keys, exact.periods))
    # One D2 commune pilots in quarter 0; the other two wait until its evaluation (day 120 -> quarter 2).
    assert sorted(p[k] for k in ("D2C00", "D2C01", "D2C02")) == [0, 2, 2]


@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000), pilot_first=st.booleans(), districts=st.integers(1, 2))
@example(seed=88, pilot_first=True, districts=2)  # the worst seen: 10.2% above the optimum
def test_random_small_instances_within_gap_of_the_optimum(seed, pilot_first, districts):
    inst = random_instance(seed, districts=districts, pilot_first=pilot_first)
    exact = solve_exact(inst, time_limit=2)
    greedy = plan_waves(inst).objective
    # Never better than a proven bound (same problem), and within GAP of the best found.
    assert greedy >= exact.bound * (1 - 1e-4)
    assert greedy <= exact.objective * (1 + GAP) + 1e-9


def test_mean_gap_over_fixed_random_instances_is_within_one_per_cent():
    gaps = []
    for seed in range(16):
        inst = random_instance(500 + seed, districts=1 + seed % 2, pilot_first=seed % 3 != 0)
        exact = solve_exact(inst, time_limit=5)
        assert exact.optimal
        gaps.append(plan_waves(inst).objective / exact.objective - 1)
    assert min(gaps) >= -1e-4  # never better than the optimum: both solve the same problem
    assert sum(gaps) / len(gaps) <= MEAN_GAP
