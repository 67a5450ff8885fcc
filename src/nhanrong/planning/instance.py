"""The planning problem as plain data: units, models, jobs, pools, periods, targets.

An :class:`Instance` holds everything the planner, the exact solver and the
forecast need, and nothing else: no files, no graph, no registry. Units are
numbered 0..N-1 and their ancestors are stored as unit numbers (-1 = none), so
that every rule (prerequisites at the parent or commune, pilot-first per scope,
round-robin per area) is an array look-up, at national scale too.
Days are counted from the plan's start date (day 0).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Mapping

import numpy as np
import pandas as pd

from ..errors import NhanRongError
from ..schema import MAX_HORIZON, STAGES

Period = Literal["week", "month", "quarter"]
Rule = Literal["readiness", "neighbours", "every-area", "explicit"]
WHERE_COLUMNS = {"same": None, "parent": "parent", "commune": "commune", "district": "district", "province": "province"}
ANCESTOR_COLUMNS = ("parent", "commune", "district", "province")
UNIT_COLUMNS = ["key", "code", "name", "kind", "lat", "lon", "parent", "commune", "district", "province", "scope", "area"]
ADOPTED_COLUMNS = ["unit", "model", *STAGES]
NEVER = np.inf


@dataclass(frozen=True)
class Requirement:
    """Model ``model`` must have reached ``stage`` at the unit found by ``where`` first.

    ``where = "below"``: at least ``share`` of the units of ``kind`` under the adopting unit
    (those eligible for ``model``) must have reached ``stage``; none there = nothing to wait for.
    ``model`` may be the adopting model itself at a higher level (a district waits on its
    province); a unit's requirement on itself for its own model is ignored.
    """

    model: str
    where: str  # same | parent | commune | district | province | below
    stage: str = "scale"
    kind: str = ""  # where = "below": the kind of the units below
    share: float = 1.0  # where = "below": the share of them that must have reached the stage


@dataclass(frozen=True)
class ModelSpec:
    """What the planner needs to know about one model."""

    id: str
    name: str
    kinds: tuple[str, ...]
    needs: dict[str, float] = field(default_factory=dict)  # pool -> amount per adopting unit
    days: dict[str, int] = field(default_factory=lambda: {s: 30 for s in STAGES})  # stage -> expected days
    requires: tuple[Requirement, ...] = ()
    name_en: str = ""

    @property
    def onboard_days(self) -> int:
        """A unit replicating a proven model: assess, then straight to scale."""
        return int(self.days["assess"])

    @property
    def pilot_days(self) -> int:
        """A pilot unit passes assess, pilot and evaluate before it counts as scaled."""
        return int(self.days["assess"] + self.days["pilot"] + self.days["evaluate"])


@dataclass(frozen=True)
class TargetSpec:
    """Coverage ``coverage`` (0..1) of ``model`` among eligible units under ``scope`` by ``date``."""

    model: str
    coverage: float
    date: dt.date
    scope: int = -1  # unit number; -1 = the whole plan
    label: str = ""  # the scope's name, for messages


@dataclass(frozen=True)
class Instance:
    """One planning problem. Treat as immutable; use :func:`dataclasses.replace` for variants."""

    start: dt.date
    period: Period
    horizon: int
    units: pd.DataFrame  # UNIT_COLUMNS; index 0..N-1; ancestors/scope/area as ints (-1 none)
    models: dict[str, ModelSpec]
    adopted: pd.DataFrame  # ADOPTED_COLUMNS: unit (int), model, stage days from start (NaN = not reached)
    capacity: dict[str, tuple[float, ...]] = field(default_factory=dict)  # pool -> amount per period
    planned: tuple[str, ...] = ()  # models to schedule; empty = every model
    targets: tuple[TargetSpec, ...] = ()
    pilot_first: bool = True
    rule: Rule = "readiness"
    units_first: tuple[int, ...] = ()
    name: str = ""
    structure: str = "new"
    kinds: Mapping[str, Any] = field(default_factory=dict)  # kinds the repository declares (nhanrong.toml [kinds])

    @property
    def planned_models(self) -> list[str]:
        return [m for m in self.models if not self.planned or m in self.planned]

    def capacity_array(self, pool: str, periods: int) -> np.ndarray:
        """Amount of ``pool`` per period for ``periods`` periods; the last value carries on past the horizon."""
        vals = np.asarray(self.capacity[pool], dtype=float)
        if len(vals) >= periods:
            return vals[:periods].copy()
        tail = vals[-1] if len(vals) else 0.0
        return np.concatenate([vals, np.full(periods - len(vals), tail)])

    def with_capacity(self, extra: dict[str, float] | None = None, *, factor: float = 1.0, from_period: int = 0) -> "Instance":
        """A copy with every pool times ``factor`` and ``extra[pool]`` more per period from ``from_period``."""
        cap = {}
        for pool, vals in self.capacity.items():
            arr = np.asarray(vals, dtype=float) * factor
            if extra and pool in extra:
                arr[from_period:] += extra[pool]
            cap[pool] = tuple(float(x) for x in arr)
        return replace(self, capacity=cap)


# --- periods ---------------------------------------------------------------------

_MONTHS = {"month": 1, "quarter": 3}
MAX_PERIODS = 4 * MAX_HORIZON
"""Most periods the planner ever lays out: the horizon (at most MAX_HORIZON) and the forecast past it
(up to twice the horizon, and on to the last target's date). Beyond it a plan is refused with a
message instead of exhausting memory; dates are plain ``datetime.date`` (no pandas bound at 2262)."""


class HorizonError(NhanRongError):
    """A plan that would need absurdly many periods (a huge horizon, or a target far past it)."""


def check_periods(n: int, period: str = "") -> None:
    """Refuse ``n`` periods beyond :data:`MAX_PERIODS` with a message the planner understands."""
    if not isinstance(n, (int, np.integer)) or n < 0 or n > MAX_PERIODS:
        from .labels import PERIOD_COUNTS

        raise HorizonError("plan.too_many_periods", n=n, periods=PERIOD_COUNTS.msg(period if period in PERIOD_COUNTS else ""),
                           max_horizon=MAX_HORIZON, max_periods=MAX_PERIODS)


_STARTS: dict[tuple[dt.date, str], list[dt.date]] = {}


def period_starts(start: dt.date, period: Period, n: int) -> list[dt.date]:
    """Start dates of periods 0..n (the last one is the end of period n-1).

    A month (quarter) after the 31st is the last day of the month (as pandas' DateOffset). The
    longest list asked for each (start, period) is kept, so a caller looping over ``n`` stays linear.
    """
    check_periods(n, period)
    key = (start, period)
    have = _STARTS.get(key)
    if have is None or len(have) <= n:
        if period == "week":
            have = [start + dt.timedelta(weeks=i) for i in range(n + 1)]
        else:
            step = _MONTHS[period]
            have = [_add_months(start, step * i) for i in range(n + 1)]
        if len(_STARTS) > 256:
            _STARTS.clear()
        _STARTS[key] = have
    return have[: n + 1]


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day if year < 9999 or month < 12 else 31
    return dt.date(year, month, min(d.day, last))


def period_bounds(start: dt.date, period: Period, n: int) -> np.ndarray:
    """Days from ``start`` at which periods 0..n begin (n+1 values)."""
    return np.array([(d - start).days for d in period_starts(start, period, n)], dtype=float)


def period_label(day: dt.date, period: Period, lang: str = "vi") -> str:
    """The calendar period that contains ``day``, in the official style: "quý II/2023", "tháng 3/2023",
    "tuần 5/2023" (vi); "Q2 2023", "03/2023", "W05/2023" (en). Quarters as :func:`formats.fmt_quarter`;
    the words are the catalogue's (:func:`labels.period_msg`)."""
    from .labels import period_msg

    return period_msg(day, period).text(lang)


# --- small helpers to build instances by hand (tests, bench) ---------------------


def make_units(rows: list[dict]) -> pd.DataFrame:
    """A units frame from dicts with key, kind and ancestor KEYS (parent, commune, district, province).

    Ancestor keys become unit numbers; ``scope`` (pilot-first group) defaults to the
    district, else the commune's parent group; ``area`` (round-robin) to the commune
    for units below a commune and the district for communes.
    """
    df = pd.DataFrame(rows)
    for col in ("code", "name"):
        if col not in df:
            df[col] = df["key"]
    for col in ("lat", "lon"):
        if col not in df:
            df[col] = np.nan
    index = {k: i for i, k in enumerate(df["key"])}
    for col in ("parent", "commune", "district", "province", "scope", "area"):
        if col not in df:
            df[col] = None
        df[col] = df[col].map(lambda k: index.get(k, -1) if isinstance(k, str) else (-1 if k is None or pd.isna(k) else int(k))).astype(np.int64)
    df = fill_groups(df)
    return df[UNIT_COLUMNS].reset_index(drop=True)


def fill_groups(df: pd.DataFrame) -> pd.DataFrame:
    """Default pilot-first scope and round-robin area where they are -1 (see :func:`make_units`)."""
    df = df.copy()
    below = ~df["kind"].isin(["province", "district", "commune"])
    scope_default = np.where(df["district"] >= 0, df["district"], np.where(below, df["commune"], df["province"]))
    df["scope"] = np.where(df["scope"] >= 0, df["scope"], scope_default).astype(np.int64)
    area_default = np.where(below & (df["commune"] >= 0), df["commune"], np.where(df["district"] >= 0, df["district"], df["province"]))
    df["area"] = np.where(df["area"] >= 0, df["area"], area_default).astype(np.int64)
    return df


def make_adopted(rows: list[dict], units: pd.DataFrame, start: dt.date) -> pd.DataFrame:
    """Existing adoptions from dicts with unit key, model and stage dates."""
    index = {k: i for i, k in enumerate(units["key"])}
    out = []
    for r in rows:
        rec = {"unit": index[r["unit"]], "model": r["model"]}
        for s in STAGES:
            d = r.get(s)
            rec[s] = float((d - start).days) if d is not None else np.nan
        out.append(rec)
    return pd.DataFrame(out, columns=ADOPTED_COLUMNS).astype({"unit": np.int64})
