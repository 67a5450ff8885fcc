"""The schedule as files people review: one CSV row per unit and model, in a stable order
(model, then unit code) so that re-planning shows as small git diffs; and an Excel
workbook with the schedule, coverage, targets and resource use.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .forecast import TargetResult, coverage_curves, targets_frame
from .heuristic import Schedule
from .instance import period_label, period_starts
from .labels import ROLES, pick

SCHEDULE_COLUMNS = ["model", "unit", "unit_name", "kind", "commune", "role", "period", "start", "scale", "learned_from",
                    "learned_from_name"]


def _date(start: dt.date, day: float) -> str:
    return "" if not np.isfinite(day) else (start + dt.timedelta(days=int(day))).isoformat()


def schedule_frame(sched: Schedule, *, lang: str = "vi") -> pd.DataFrame:
    """One row per (unit, model) to plan. Units not started within the horizon have empty period and dates.

    Columns: model, unit (code), unit_name, kind, commune (the name of the commune a village, school,
    agency or party cell is in; empty for communes and above), role (thí điểm / nhân rộng), period
    (Q2/2023...), start and scale (ISO dates), learned_from (code) and its name.
    """
    inst = sched.instance
    j = sched.jobs
    within = (j["period"] >= 0) & (j["period"] < inst.horizon)
    starts = period_starts(inst.start, inst.period, inst.horizon)
    labels = np.array([period_label(d, inst.period, lang) for d in starts[:-1]] + [""], dtype=object)
    u = inst.units
    lf = j["learned_from"].to_numpy()
    units = j["unit"].to_numpy()
    names = u["name"].to_numpy(dtype=object)
    com = u["commune"].to_numpy(dtype=np.int64)[units]
    in_commune = (com >= 0) & (com != units)
    has_lf = within.to_numpy() & (lf >= 0)
    out = pd.DataFrame({
        "model": j["model"].to_numpy(),
        "unit": u["code"].to_numpy()[j["unit"].to_numpy()],
        "unit_name": u["name"].to_numpy()[j["unit"].to_numpy()],
        "kind": u["kind"].to_numpy()[j["unit"].to_numpy()],
        "commune": np.where(in_commune, names[np.maximum(com, 0)], ""),
        "role": [pick(ROLES, r if w else "", lang) for r, w in zip(j["role"], within)],
        "period": labels[np.where(within, j["period"], inst.horizon)],
        "start": [_date(inst.start, d) if w else "" for d, w in zip(j["start_day"], within)],
        "scale": [_date(inst.start, d) if w else "" for d, w in zip(j["scale_day"], within)],
        "learned_from": np.where(has_lf, u["code"].to_numpy()[np.maximum(lf, 0)], ""),
        "learned_from_name": np.where(has_lf, u["name"].to_numpy()[np.maximum(lf, 0)], ""),
        "_key": u["key"].to_numpy()[j["unit"].to_numpy()],
    })
    out = out.sort_values(["model", "unit", "_key"], kind="mergesort").drop(columns="_key")
    return out.reset_index(drop=True)[SCHEDULE_COLUMNS]


def resource_use(sched: Schedule, *, lang: str = "vi") -> pd.DataFrame:
    """Use of each pool per period of the horizon: period label, pool, used, capacity, share."""
    inst = sched.instance
    starts = period_starts(inst.start, inst.period, inst.horizon)
    use = sched.use[sched.use["period"] < inst.horizon].copy()
    use["label"] = [period_label(starts[t], inst.period, lang) for t in use["period"]]
    use["share"] = np.where(use["capacity"] > 0, use["used"] / use["capacity"].where(use["capacity"] > 0, 1), np.nan)
    return use[["period", "label", "pool", "used", "capacity", "share"]].reset_index(drop=True)


def cost_by_pool(sched: Schedule) -> dict[str, float]:
    """What the planned onboarding costs within the horizon, per pool the models name (limited or not)."""
    inst = sched.instance
    j = sched.jobs[(sched.jobs["period"] >= 0) & (sched.jobs["period"] < inst.horizon)]
    counts = j["model"].value_counts()
    total: dict[str, float] = {}
    for mid, n in counts.items():
        for pool, need in inst.models[mid].needs.items():
            total[pool] = total.get(pool, 0.0) + float(need) * int(n)
    return dict(sorted(total.items()))


def atomic_write_text(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, then rename: never a half-written file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def schedule_csv(sched: Schedule) -> str:
    return schedule_frame(sched, lang="vi").to_csv(index=False, lineterminator="\n")


def schedule_path(plan_path: Path) -> Path:
    """plans/<name>.toml -> plans/<name>.schedule.csv"""
    plan_path = Path(plan_path)
    return plan_path.with_name(plan_path.stem + ".schedule.csv")


def write_schedule(sched: Schedule, plan_path: Path) -> Path:
    path = schedule_path(plan_path)
    atomic_write_text(path, schedule_csv(sched))
    return path


def write_excel(sched: Schedule, results: list[TargetResult], path: Path, *, lang: str = "vi") -> Path:
    """A workbook with sheets schedule, coverage, targets, resources."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            schedule_frame(sched, lang=lang).to_excel(xw, sheet_name="schedule", index=False)
            coverage_curves(sched, lang=lang).to_excel(xw, sheet_name="coverage", index=False)
            targets_frame(results, sched.instance, lang).to_excel(xw, sheet_name="targets", index=False)
            resource_use(sched, lang=lang).to_excel(xw, sheet_name="resources", index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def excel_bytes(sched: Schedule, results: list[TargetResult], *, lang: str = "vi") -> bytes:
    """The workbook of :func:`write_excel` as bytes (for a download button)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_excel(sched, results, Path(tmp) / "plan.xlsx", lang=lang)
        return path.read_bytes()
