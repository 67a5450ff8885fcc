"""The changes a planner can record, as plain values: what to change, not how to write it.

Each change says what it does as a catalogue message (``edit.describe.*``); rendered in Vietnamese
and English it becomes the commit message, so the provincial planner reviewing git reads what was recorded.
``line`` is where the change came from in an imported sheet (None when typed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Union

from ..i18n import STRINGS, Message, msg
from ..schema import STAGES


def _number(x: float) -> Message:
    return msg("edit.number", x=float(x))


def _stage(stage: str) -> Message | str:
    return msg(f"edit.stage_name.{stage}") if f"edit.stage_name.{stage}" in STRINGS else stage


def _who(name: str, code: str) -> Message | str:
    return msg("edit.who", name=name, code=code) if name else code


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

    def describe(self, name: str = "") -> Message:
        return msg("edit.describe.stage", who=_who(name, self.unit), model=self.model, stage=_stage(self.stage), day=self.date)


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

    def describe(self, name: str = "") -> Message:
        return msg("edit.describe.reading", who=_who(name, self.unit), model=self.model, metric=self.metric,
                   value=_number(self.value), day=self.date)


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

    def describe(self, name: str = "") -> Message:
        return msg("edit.describe.unit", name=self.name, code=self.code, kind=self.kind, parent=name or self.parent)


@dataclass(frozen=True)
class PlanNumbers:
    """New numbers for a plan: ``values`` maps "horizon", "resources.<pool>" or "targets.<i>.coverage" to a number."""

    plan: str
    values: tuple[tuple[str, float], ...]
    line: int | None = None

    @property
    def unit(self) -> str:
        return ""

    def describe(self, name: str = "") -> Message:
        from .changeset import comma_list

        values = comma_list([msg("edit.value", name=k, value=_number(v)) for k, v in self.values]) if self.values else ""
        return msg("edit.describe.plan", plan=self.plan, values=values)


Change = Union[StageChange, ReadingChange, NewLocalUnit, PlanNumbers]

__all__ = ["Change", "StageChange", "ReadingChange", "NewLocalUnit", "PlanNumbers", "STAGES"]
