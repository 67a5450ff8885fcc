"""How good the greedy plan is: on every bundled plan within 3% of CP-SAT's proven bound (issue 12's aim),
the repair pass never makes a plan worse, and on small random instances the greedy plan is never better
than the proven optimum and stays close to it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BUNDLED
from nhanrong.planning.heuristic import plan_waves
from nhanrong.planning.synthetic import random_instance
from planning_cases import check_rules

pytest.importorskip("ortools")

from nhanrong.planning.exact import solve_exact  # noqa: E402

GREEDY_GAP = 0.03  # issue 12: the greedy plan within 3% of the optimum on the bundled plans


@pytest.fixture(scope="module")
def bundled_instances():
    from nhanrong.graph import build_graph
    from nhanrong.loader import load_programme
    from nhanrong.planning.adapter import build_instance

    prog = load_programme(BUNDLED)
    pg = build_graph(prog)
    return {name: build_instance(pg, prog.plans[name])[0] for name in sorted(prog.plans)}


@pytest.mark.parametrize("name", sorted(p.stem for p in (BUNDLED / "plans").glob("*.toml")))
def test_greedy_plan_of_every_bundled_plan_is_within_three_per_cent_of_the_proven_bound(bundled_instances, name):
    inst = bundled_instances[name]
    greedy = plan_waves(inst)
    check_rules(greedy)
    # CP-SAT warm-started from the greedy plan stops once it proves the plan within the gap; its best bound
    # is a lower bound on every plan's objective (on lao-cai-2026: 8.2734 within about 3 s, the greedy plan
    # 8.2955, 0.27% above it; without the repair pass 8.867, 6.7% above).
    hint = (greedy.jobs["period"].to_numpy(), greedy.jobs["role"].to_numpy(dtype=object))
    exact = solve_exact(inst, time_limit=15, workers=2, hint=hint, gap_limit=GREEDY_GAP / 2)
    bound = min(exact.bound, exact.objective)
    assert greedy.objective >= bound * (1 - 1e-4)  # same problem: never below a proven bound
    assert greedy.objective - bound <= GREEDY_GAP * greedy.objective, (name, greedy.objective, bound)


def test_repair_pass_never_makes_a_plan_worse(bundled_instances):
    for inst in bundled_instances.values():
        assert plan_waves(inst).objective <= plan_waves(inst, improve=False).objective + 1e-12


@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000), pilot_first=st.booleans(), districts=st.integers(1, 3))
def test_repaired_greedy_plan_keeps_every_rule_and_is_close_to_the_optimum(seed, pilot_first, districts):
    inst = random_instance(seed, districts=districts, pilot_first=pilot_first)
    sched = plan_waves(inst)
    check_rules(sched)
    assert sched.objective <= plan_waves(inst, improve=False).objective + 1e-12
    exact = solve_exact(inst, time_limit=2, workers=2)
    assert sched.objective >= exact.bound * (1 - 1e-4)
    assert sched.objective <= exact.objective * (1 + 0.11) + 1e-9  # worst seen 10.2%: see test_planning_exact
