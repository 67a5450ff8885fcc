"""The scale-out planner: which units start which model in which period, and can the targets be met.

instance (the problem as data) -> heuristic (the planner) / exact (CP-SAT reference, tests
and bench only) -> forecast (coverage, targets, binding constraints) -> variants (what-if)
-> export (schedule CSV, Excel). adapter builds an instance from a loaded programme.
"""

from .forecast import TargetResult, coverage_curves, evaluate_targets, run_plan
from .heuristic import Schedule, plan_waves
from .instance import Instance, ModelSpec, Requirement, TargetSpec
from .variants import Variant, compare_variants

__all__ = ["Instance", "ModelSpec", "Requirement", "TargetSpec", "Schedule", "plan_waves", "run_plan",
           "coverage_curves", "evaluate_targets", "TargetResult", "Variant", "compare_variants"]
