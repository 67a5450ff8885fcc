"""The changes a planner can record, as plain values: what to change, not how to write it.

Each change says in Vietnamese and English what it does; those sentences become the
commit message, so the provincial planner reviewing git reads what was recorded.
``line`` is where the change came from in an imported sheet (None when typed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Union

from ..formats import fmt_date, fmt_number
from ..i18n import stage_names
from ..schema import STAGES

STAGE_VI = {s: n for s, n in stage_names("vi").items() if s in STAGES}
STAGE_EN = {"assess": "assessment", "pilot": "pilot", "evaluate": "evaluation", "scale": "scale-out"}


def _vi_number(x: float) -> str:
    """50.595 and 43,8: every decimal the planner typed is kept in the commit message."""
    decimals = 0 if float(x).is_integer() else len(f"{float(x):.6f}".rstrip("0").split(".")[1])
    return fmt_number(x, "vi", decimals)


@dataclass(frozen=True)
class StageChange:
    """A unit began a stage of a model on a date (sets or corrects that stage's start date)."""

    unit: str  # code, or "old:CODE" / "new:CODE"
    model: str
    stage: str
    date: dt.date
    note: str | None = None
    structure: str | None = None
    line: int | None = None
    replace: bool = False  # the stage already has another date: replace it (refused otherwise, naming both dates)

    def describe(self, name: str = "") -> tuple[str, str]:
        who = f"{name} ({self.unit})" if name else self.unit
        vi = f"{who}: mô hình {self.model} bắt đầu giai đoạn {STAGE_VI.get(self.stage, self.stage)} ngày {fmt_date(self.date)}"
        en = f"{who}: model {self.model} began {STAGE_EN.get(self.stage, self.stage)} on {self.date:%Y-%m-%d}"
        return vi, en


@dataclass(frozen=True)
class ReadingChange:
    """A metric reading of a unit for a model on a date (adds it, or corrects the value on that date)."""

    unit: str
    model: str
    metric: str
    date: dt.date
    value: float
    note: str | None = None
    structure: str | None = None
    line: int | None = None

    def describe(self, name: str = "") -> tuple[str, str]:
        who = f"{name} ({self.unit})" if name else self.unit
        vi = f"{who}: chỉ số {self.metric} của mô hình {self.model} = {_vi_number(self.value)} ngày {fmt_date(self.date)}"
        en = f"{who}: {self.model} metric {self.metric} = {self.value:g} on {self.date:%Y-%m-%d}"
        return vi, en


@dataclass(frozen=True)
class NewLocalUnit:
    """A village, school, agency or party cell declared under a parent unit."""

    code: str
    name: str
    kind: str  # village | school | agency | party-cell
    parent: str  # code, or "old:CODE" / "new:CODE"
    structure: str | None = None
    lat: float | None = None
    lon: float | None = None
    note: str = ""
    line: int | None = None

    @property
    def unit(self) -> str:
        return self.code

    def describe(self, name: str = "") -> tuple[str, str]:
        vi = f"Thêm đơn vị {self.name} ({self.code}, {self.kind}) thuộc {name or self.parent}"
        en = f"Add unit {self.name} ({self.code}, {self.kind}) under {name or self.parent}"
        return vi, en


@dataclass(frozen=True)
class PlanNumbers:
    """New numbers for a plan: ``values`` maps "horizon", "resources.<pool>" or "targets.<i>.coverage" to a number."""

    plan: str
    values: tuple[tuple[str, float], ...]
    line: int | None = None

    @property
    def unit(self) -> str:
        return ""

    def describe(self, name: str = "") -> tuple[str, str]:
        parts = ", ".join(f"{k} = {_vi_number(v)}" for k, v in self.values)
        parts_en = ", ".join(f"{k} = {v:g}" for k, v in self.values)
        return f"Kế hoạch {self.plan}: {parts}", f"Plan {self.plan}: {parts_en}"


Change = Union[StageChange, ReadingChange, NewLocalUnit, PlanNumbers]

__all__ = ["Change", "StageChange", "ReadingChange", "NewLocalUnit", "PlanNumbers", "STAGES", "STAGE_VI", "STAGE_EN"]
