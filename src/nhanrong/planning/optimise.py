"""Optimise mode (``nhanrong plan --optimise``): the greedy plan, improved and proven near-optimal
by CP-SAT where the exact model fits.

The exact model of :mod:`exact` is warm-started from the greedy plan (a complete solution hint:
its first solution is the greedy plan), searched for at most ``time_limit`` seconds, and its best
plan is kept only when its objective is lower; the result carries the proof: the objective of the
plan kept, CP-SAT's best bound, and the gap between them. The greedy plan stays the answer when
OR-Tools is not installed (optional extra ``optimise``), when the model would be too big
(:data:`MAX_BOOLEANS`), or when no better plan is found in time.

What the exact model relaxes, and why the objectives compare: both minimise the same function
(:func:`problem.objective`, the sum over models of the mean start period) over the same jobs, under
the same rules: capacity per pool and period, prerequisites with their stage offsets, and pilot-first
(at most one pilot per scope, scale-outs after it passes). The plan's priority rule (readiness,
neighbours, every-area, explicit ``units_first``) is not a constraint of the exact model: the greedy
planner uses it only to rank units that cost the same, and the objective does not depend on that
ranking. So every greedy plan is a plan of the exact model, CP-SAT's optimum is a lower bound on any
plan's objective under any rule, and the gap is measured on the same scale. An optimised plan may
therefore start units in another order than the rule would (the same number of units per period
and model or fewer, never more than the pools allow).
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

from ..i18n import STRINGS, Message, msg
from .forecast import extension
from .heuristic import Schedule, plan_waves
from .instance import Instance

DEFAULT_TIME_LIMIT = 30.0
"""Seconds CP-SAT may search. On the bundled plans/lao-cai-2026.toml (935 jobs, 9 quarters, 2 cores) the
greedy plan (with its repair pass) is 0.27% above CP-SAT's bound, which CP-SAT proves within about 3 s;
12 to 30 s of search improve it to 0.14%. (Before the repair pass the greedy plan was 6.7% above, and
10 s left CP-SAT still at it.)"""
MAX_BOOLEANS = 250_000
"""Largest exact model tried (one boolean per job and period): a province's plan is a few tens of
thousands; a country's (2 million) is planned greedily."""


@dataclass(frozen=True)
class Proof:
    """How good a plan is known to be. ``objective``: of the plan kept (lower is better);
    ``bound``: CP-SAT's best lower bound on any plan (None when CP-SAT did not run); ``gap``:
    (objective - bound) / objective, 0 when proven optimal. ``method``: "cp-sat" (its plan is kept)
    or "greedy"; ``status``: optimal | improved | no-better | not-installed | too-big | no-solution."""

    method: str
    status: str
    greedy_objective: float
    objective: float
    bound: float | None
    optimal: bool
    seconds: float
    time_limit: float
    booleans: int

    @property
    def gap(self) -> float | None:
        if self.bound is None:
            return None
        if self.objective <= 0:
            return 0.0
        return max(self.objective - self.bound, 0.0) / self.objective

    @property
    def greedy_gap(self) -> float | None:
        """How far the greedy plan is above the bound (its own proven gap)."""
        if self.bound is None:
            return None
        return max(self.greedy_objective - self.bound, 0.0) / self.greedy_objective if self.greedy_objective > 0 else 0.0

    def as_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["gap"] = self.gap
        d["greedy_gap"] = self.greedy_gap
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}

    @property
    def msg(self) -> Message:
        """One line for people, as a Message: what was kept and how far it can be from the optimum."""
        objective = float(self.objective)
        if self.status in ("not-installed", "too-big", "no-solution"):
            why = (msg("plan.optimise.why.too-big", n=self.booleans, max=MAX_BOOLEANS) if self.status == "too-big"
                   else msg(f"plan.optimise.why.{self.status}"))
            return msg("plan.optimise.greedy_kept", objective=objective, why=why)
        code = f"plan.optimise.kept.{self.status}"
        kept = msg(code) if code in STRINGS else msg("plan.word", word=self.status)
        return msg("plan.optimise.result", kept=kept, objective=objective, bound=float(self.bound or 0.0),
                   gap=self.gap or 0, greedy=float(self.greedy_objective), seconds=float(self.seconds))

    def message(self, lang: str = "vi") -> str:
        """:attr:`msg` in ``lang``."""
        return self.msg.text(lang)


def optimise_plan(inst: Instance, *, time_limit: float = DEFAULT_TIME_LIMIT, greedy: Schedule | None = None,
                  workers: int = 2, max_booleans: int = MAX_BOOLEANS, progress=None) -> Schedule:
    """The plan of ``inst`` in optimise mode: CP-SAT's when it is better than the greedy plan, else the
    greedy one; either way planned past the horizon as :func:`forecast.run_plan` does, with the
    :class:`Proof` in ``Schedule.proof``."""
    extra = extension(inst)
    if greedy is None:
        greedy = plan_waves(inst, extra_periods=extra, progress=progress)
    g_obj = greedy.objective
    t0 = time.perf_counter()

    def proof(**kw) -> Proof:
        base = dict(method="greedy", status="no-better", greedy_objective=g_obj, objective=g_obj, bound=None, optimal=False,
                    seconds=time.perf_counter() - t0, time_limit=float(time_limit), booleans=0)
        return Proof(**{**base, **kw})

    try:
        from .exact import model_size, solve_exact
        import ortools  # noqa: F401 - the extra "optimise"
    except ImportError:
        return dataclasses.replace(greedy, proof=proof(status="not-installed"))
    size = model_size(inst)
    if size > max_booleans:
        return dataclasses.replace(greedy, proof=proof(status="too-big", booleans=size))
    jobs = greedy.jobs
    hint = (jobs["period"].to_numpy(), jobs["role"].to_numpy(dtype=object))
    try:
        exact = solve_exact(inst, time_limit=time_limit, workers=workers, hint=hint)
    except RuntimeError:
        return dataclasses.replace(greedy, proof=proof(status="no-solution", booleans=size))
    bound = min(exact.bound, exact.objective)
    if exact.objective < g_obj - 1e-9:
        sched = plan_waves(inst, extra_periods=extra, fixed=(exact.periods, exact.roles))
        status = "optimal" if exact.optimal else "improved"
        return dataclasses.replace(sched, proof=proof(method="cp-sat", status=status, objective=sched.objective, bound=bound,
                                                      optimal=exact.optimal, booleans=size))
    status = "optimal" if exact.optimal and abs(exact.objective - g_obj) <= 1e-9 else "no-better"
    return dataclasses.replace(greedy, proof=proof(status=status, bound=bound, optimal=status == "optimal", booleans=size))


__all__ = ["Proof", "optimise_plan", "DEFAULT_TIME_LIMIT", "MAX_BOOLEANS"]
