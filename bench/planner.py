"""Planner benchmark: `python -m bench.planner [--quick]`, one figure a line as ``name: value``.

- planner_s: a whole-country plan (new structure, every model, 24 monthly periods) from the
  loaded graph: build the planning problem, schedule, name whom each unit learns from
- planner_vs_cold_load: planner_s over the cold load + validate + graph of the same data
- forecast_s: coverage curves and target verdicts over the plan (no extra-capacity search)
- planner_below_schedule_s: scheduling a generated country-size instance whose commune and province
  models need 80% of the units below them ("below" prerequisites), against planner_plain_schedule_s,
  the same instance without them
- gap_to_optimum_mean / _max: the planner's objective over CP-SAT's on random small instances
- bundled_<plan>_greedy_gap / _optimise_gap: on each bundled plan (plans/*.toml), how far the greedy
  plan and the plan of ``nhanrong plan --optimise`` (CP-SAT warm-started from it, default time limit)
  are above CP-SAT's best bound (a proven gap: the optimum lies between bound and objective); aims:
  optimise <= 0.5%, greedy <= 3%
Uses the national data set of `python -m bench` (bench/data, generated once, seeded); with
``--synthetic``, a generated instance of the same size instead (no files).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import resource
import sys
import time
from functools import partial

import numpy as np

PERIODS = 24


def national_plan():
    from nhanrong.schema import PlanFile

    # Per month, for the whole country: about 60 trainers a province.
    return PlanFile(
        name="Toàn quốc 2028-2029", scope="01", structure="new", start=dt.date(2028, 1, 1), period="month",
        horizon=PERIODS, resources={"trainer_hours": 80_000, "devices": 6_000, "budget_vnd": 60_000_000_000},
        priorities={"rule": "every-area"},
    )


def _forecast(sched):
    from nhanrong.planning.forecast import coverage_curves, evaluate_targets

    return coverage_curves(sched), evaluate_targets(sched, search=False)


def timed(fn):
    gc.collect()
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def gap_to_optimum(n: int, time_limit: float) -> tuple[float, float, float, int]:
    """(mean gap, max gap, mean exact seconds, proven optimal count) over ``n`` random small instances."""
    from nhanrong.planning.exact import solve_exact
    from nhanrong.planning.heuristic import plan_waves
    from nhanrong.planning.synthetic import random_instance

    gaps, secs, optimal = [], [], 0
    for seed in range(n):
        inst = random_instance(10_000 + seed, districts=1 + seed % 3, pilot_first=seed % 2 == 0)
        greedy = plan_waves(inst).objective
        s, exact = timed(lambda: solve_exact(inst, time_limit=time_limit))
        secs.append(s)
        optimal += exact.optimal
        gaps.append((greedy - exact.objective) / exact.objective if exact.objective else 0.0)
    return float(np.mean(gaps)), float(np.max(gaps)), float(np.mean(secs)), optimal


def bundled_gaps() -> list[tuple[str, object]]:
    """Greedy and optimise mode on the bundled plans, against CP-SAT's best bound."""
    import ortools  # noqa: F401

    from bench.__main__ import REPO
    from nhanrong.graph import build_graph
    from nhanrong.loader import load_programme
    from nhanrong.planning.adapter import build_instance
    from nhanrong.planning.forecast import run_plan
    from nhanrong.planning.optimise import DEFAULT_TIME_LIMIT, optimise_plan

    prog = load_programme(REPO)
    pg = build_graph(prog)
    out: list[tuple[str, object]] = []
    for name in sorted(prog.plans):
        inst, _ = build_instance(pg, prog.plans[name])
        greedy = run_plan(inst)
        s, sched = timed(lambda: optimise_plan(inst, time_limit=DEFAULT_TIME_LIMIT, greedy=greedy))
        p = sched.proof
        key = name.replace("-", "_")
        out += [(f"bundled_{key}_greedy_objective", greedy.objective), (f"bundled_{key}_optimise_objective", p.objective),
                (f"bundled_{key}_bound", p.bound), (f"bundled_{key}_greedy_gap", p.greedy_gap),
                (f"bundled_{key}_optimise_gap", p.gap), (f"bundled_{key}_optimise_status", p.status),
                (f"bundled_{key}_optimise_s", s)]
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.planner", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a tenth of the country, fewer small instances")
    p.add_argument("--synthetic", action="store_true", help="a generated instance instead of bench/data")
    p.add_argument("--small", type=int, default=None, help="random small instances for the gap (default: 40, quick: 10)")
    args = p.parse_args(argv)

    from nhanrong.planning.heuristic import plan_waves
    from nhanrong.planning.synthetic import national_instance

    figures: list[tuple[str, object]] = []
    pg = None
    if args.synthetic:
        scale = 0.1 if args.quick else 1.0
        inst = national_instance(communes=int(3321 * scale), villages=int(80_000 * scale), periods=PERIODS)
        cold_s = float("nan")
        build_s = 0.0
    else:
        from bench.__main__ import DATA, cold, ensure_data
        from nhanrong.planning.adapter import build_instance
        from nhanrong.registry import load_registry

        load_registry()
        root = DATA / "quick" if args.quick else DATA
        ensure_data(root, 0.1 if args.quick else 1.0, 7)
        cold_s, (_, pg) = timed(lambda: cold(root))
        build_s, (inst, _) = timed(partial(build_instance, pg, national_plan(), national=True))
    plan_s, sched = timed(partial(plan_waves, inst))
    planner_s = build_s + plan_s
    forecast_s, _ = timed(partial(_forecast, sched))
    j = sched.jobs
    figures += [
        ("planner_s", planner_s),
        ("planner_vs_cold_load", planner_s / cold_s if cold_s == cold_s else "n/a (synthetic)"),
        ("planner_build_s", build_s),
        ("planner_schedule_s", plan_s),
        ("forecast_s", forecast_s),
        ("cold_load_s", cold_s),
        ("plan_units", len(inst.units)),
        ("plan_jobs", len(j)),
        ("plan_started_in_horizon", int((j["period"] >= 0).sum())),
        ("plan_models", len(inst.planned_models)),
        ("plan_periods", inst.horizon),
    ]
    del sched, j, inst, pg  # the figures below should not add to peak_mb
    scale = 0.1 if args.quick else 1.0
    for label, share in (("plain", None), ("below", 0.8)):
        syn = national_instance(communes=int(3321 * scale), villages=int(80_000 * scale), periods=PERIODS, below_share=share)
        figures.append((f"planner_{label}_schedule_s", timed(lambda: plan_waves(syn))[0]))
    n = args.small if args.small is not None else (10 if args.quick else 40)
    try:
        if n <= 0:
            raise ImportError
        mean_gap, max_gap, exact_s, optimal = gap_to_optimum(n, time_limit=10.0)
        figures += [("gap_to_optimum_mean", mean_gap), ("gap_to_optimum_max", max_gap),
                    ("gap_instances", n), ("gap_proven_optimal", optimal), ("exact_s_mean", exact_s)]
    except ImportError:
        figures += [("gap_to_optimum_mean", "n/a (no small instances, or ortools missing)")]
    try:
        figures += bundled_gaps()
    except ImportError:
        figures += [("bundled_optimise_gap", "n/a (ortools missing)")]
    figures.append(("peak_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    for name, value in figures:
        print(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
