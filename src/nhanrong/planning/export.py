"""The schedule as files people review: one CSV row per unit and model, in a stable order
(model, then unit code) so that re-planning shows as small git diffs; and an Excel
workbook with the schedule, coverage, targets and resource use. Every file is written
through :mod:`nhanrong.exports` (names and notes never run as formulas in a spreadsheet).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ..exports import frame_csv_text, to_csv_bytes, write_file, write_xlsx, xlsx_bytes
from .forecast import TargetResult, coverage_curves, targets_frame
from .heuristic import Schedule
from .instance import period_label, period_starts
from .labels import ROLES

SCHEDULE_COLUMNS = ["model", "unit", "unit_name", "kind", "commune", "role", "period", "start", "scale", "learned_from",
                    "learned_from_name"]


def _date(start: dt.date, day: float) -> str:
    return "" if not np.isfinite(day) else (start + dt.timedelta(days=int(day))).isoformat()


def schedule_frame(sched: Schedule, *, lang: str = "vi") -> pd.DataFrame:
    """One row per (unit, model) to plan. Units not started within the horizon have empty period and dates.

    Columns: model, unit (code), unit_name, kind, commune (the name of the commune a village, school,
    agency or party cell is in; empty for communes and above), role (thí điểm / nhân rộng), period
    (quý II/2023...), start and scale (ISO dates), learned_from (code) and its name.
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
    roles = {r: ROLES.text(r, lang) for r in (*ROLES, *pd.unique(j["role"]))}
    out = pd.DataFrame({
        "model": j["model"].to_numpy(),
        "unit": u["code"].to_numpy()[j["unit"].to_numpy()],
        "unit_name": u["name"].to_numpy()[j["unit"].to_numpy()],
        "kind": u["kind"].to_numpy()[j["unit"].to_numpy()],
        "commune": np.where(in_commune, names[np.maximum(com, 0)], ""),
        "role": [roles[r if w else ""] for r, w in zip(j["role"], within)],
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


def schedule_csv(sched: Schedule) -> str:
    """The committed schedule file's text (Vietnamese labels, LF line ends, no BOM: small git diffs),
    safe to open in a spreadsheet (:mod:`nhanrong.exports`)."""
    return frame_csv_text(schedule_frame(sched, lang="vi"))


def schedule_csv_bytes(sched: Schedule) -> bytes:
    """The schedule of :func:`schedule_csv` as a download for Excel: UTF-8 with a byte-order mark
    (Vietnamese diacritics show in Excel on Windows), CRLF line ends."""
    return to_csv_bytes(schedule_frame(sched, lang="vi"))


def schedule_path(plan_path: Path) -> Path:
    """plans/<name>.toml -> plans/<name>.schedule.csv"""
    plan_path = Path(plan_path)
    return plan_path.with_name(plan_path.stem + ".schedule.csv")


def write_schedule(sched: Schedule, plan_path: Path) -> Path:
    """Write plans/<name>.schedule.csv (atomically): the bytes of :func:`schedule_csv`."""
    return write_file(schedule_path(plan_path), schedule_csv(sched).encode("utf-8"))


def plan_sheets(sched: Schedule, results: list[TargetResult], *, lang: str = "vi") -> dict[str, pd.DataFrame]:
    """The workbook's sheets: schedule, coverage, targets, resources."""
    return {
        "schedule": schedule_frame(sched, lang=lang),
        "coverage": coverage_curves(sched, lang=lang),
        "targets": targets_frame(results, sched.instance, lang),
        "resources": resource_use(sched, lang=lang),
    }


def _date_format(lang: str) -> str:
    return "YYYY-MM-DD" if lang == "en" else "DD/MM/YYYY"


def write_excel(sched: Schedule, results: list[TargetResult], path: Path, *, lang: str = "vi") -> Path:
    """A workbook with sheets schedule, coverage, targets, resources (atomically), safe to open:
    text is text, numbers numbers, dates dates (:mod:`nhanrong.exports`)."""
    return write_xlsx(Path(path), plan_sheets(sched, results, lang=lang), date_format=_date_format(lang))


def excel_bytes(sched: Schedule, results: list[TargetResult], *, lang: str = "vi") -> bytes:
    """The workbook of :func:`write_excel` as bytes (for a download button)."""
    return xlsx_bytes(plan_sheets(sched, results, lang=lang), date_format=_date_format(lang))
