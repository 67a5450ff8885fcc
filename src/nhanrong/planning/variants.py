"""What-if: the same plan with more of a resource, a later deadline, or another rule, side by side."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from ..errors import NhanRongError
from ..i18n import t
from .export import cost_by_pool
from .forecast import coverage_curves, evaluate_targets, run_plan
from .heuristic import Schedule
from .instance import Instance, Rule


@dataclass(frozen=True)
class Variant:
    """A change to the plan. ``extra``: pool -> more per period; ``factor``: every pool times this;
    ``delay_days``: every target's date later by this; ``more_periods``: a longer horizon."""

    name: str
    extra: dict[str, float] = field(default_factory=dict)
    factor: float = 1.0
    delay_days: int = 0
    more_periods: int = 0
    rule: Rule | None = None
    pilot_first: bool | None = None


def apply_variant(inst: Instance, v: Variant) -> Instance:
    out = inst
    if v.more_periods:
        cap = {p: tuple(vals) + (vals[-1],) * v.more_periods if vals else () for p, vals in inst.capacity.items()}
        out = replace(out, horizon=inst.horizon + v.more_periods, capacity=cap)
    if v.extra or v.factor != 1.0:
        out = out.with_capacity(v.extra, factor=v.factor)
    if v.delay_days:
        out = replace(out, targets=tuple(replace(t, date=t.date + dt.timedelta(days=v.delay_days)) for t in out.targets))
    if v.rule is not None:
        out = replace(out, rule=v.rule)
    if v.pilot_first is not None:
        out = replace(out, pilot_first=v.pilot_first)
    return out


@dataclass(frozen=True)
class Comparison:
    """``summary``: one row per variant (objective, units planned within the horizon, mean_wave: the
    average 1-based wave a unit starts in, counting units left out as the wave after the horizon,
    targets met, cost per pool); ``curves``: coverage per variant, model and period."""

    summary: pd.DataFrame
    curves: pd.DataFrame
    schedules: dict[str, Schedule]


def compare_variants(inst: Instance, variants: list[Variant], *, lang: str = "vi", search: bool = False) -> Comparison:
    """Run the base plan and each variant; targets met, cost and coverage curves side by side."""
    rows, curves, schedules = [], [], {}
    for v in [Variant(t("plan.variant.base", lang)), *variants]:
        vi = apply_variant(inst, v)
        sched = run_plan(vi, learn=False)
        results = evaluate_targets(sched, search=search, lang=lang)
        planned = sched.jobs[(sched.jobs["period"] >= 0) & (sched.jobs["period"] < vi.horizon)]
        waves = sched.jobs["period"].where((sched.jobs["period"] >= 0) & (sched.jobs["period"] < vi.horizon), vi.horizon)
        rows.append({"variant": v.name, "objective": sched.objective, "units_planned": len(planned),
                     "mean_wave": float(waves.mean() + 1) if len(waves) else float("nan"),
                     "units_total": len(sched.jobs), "targets_met": sum(r.met for r in results),
                     "targets": len(results), **{f"cost_{p}": c for p, c in cost_by_pool(sched).items()}})
        curves.append(coverage_curves(sched, lang=lang).assign(variant=v.name))
        schedules[v.name] = sched
    return Comparison(pd.DataFrame(rows), pd.concat(curves, ignore_index=True), schedules)


class VariantError(NhanRongError):
    """A what-if written in a way the planner cannot read."""


_RULES = ("readiness", "neighbours", "every-area", "explicit")


def parse_variant(text: str) -> Variant:
    """A what-if from a short text, parts separated by commas:
    ``trainer_hours+200`` (more per period), ``*1.5`` (every pool times 1.5), ``delay=90`` (targets
    90 days later), ``periods+2`` (a longer horizon), ``rule=every-area``, ``pilot_first=false``."""
    extra: dict[str, float] = {}
    factor, delay, more, rule, pilot_first = 1.0, 0, 0, None, None
    for part in (p.strip() for p in text.split(",") if p.strip()):
        try:
            if part.startswith("*"):
                factor = float(part[1:])
            elif part.startswith("delay="):
                delay = int(part.split("=", 1)[1])
            elif part.startswith("periods+"):
                more = int(part.split("+", 1)[1])
            elif part.startswith("rule="):
                rule = part.split("=", 1)[1]
                if rule not in _RULES:
                    raise ValueError(rule)
            elif part.startswith("pilot_first="):
                pilot_first = {"true": True, "false": False}[part.split("=", 1)[1].lower()]
            elif "+" in part:
                pool, amount = part.split("+", 1)
                extra[pool.strip()] = float(amount)
            else:
                raise ValueError(part)
        except (ValueError, KeyError, IndexError):
            raise VariantError("plan.bad_variant", part=part) from None
    return Variant(text, extra, factor, delay, more, rule, pilot_first)  # type: ignore[arg-type]
