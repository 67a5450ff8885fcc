"""The file formats, as pydantic models: one per kind of file under the data root.

These models are the single source of truth for what a file may contain: the
loader validates with them and ``nhanrong schemas`` publishes JSON Schemas from
them for editors (Taplo / Even Better TOML) under ``schemas/``.
Every model forbids unknown keys, so a typo is reported instead of ignored.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import NhanRongError

STAGES: tuple[str, ...] = ("assess", "pilot", "evaluate", "scale")
Stage = Literal["assess", "pilot", "evaluate", "scale"]
Structure = Literal["old", "new"]
Pillar = Literal["government", "economy", "society"]
ADMIN_KINDS: tuple[str, ...] = ("province", "district", "commune")
"""Kinds of the official register: the administrative structure is the law's, not the data's."""
LOCAL_KINDS: tuple[str, ...] = ("village", "school", "agency", "party-cell")
"""Kinds every data repository may use without declaring them. A repository declares its own
kinds (markets, cooperatives, health stations...) in ``nhanrong.toml``; see :class:`SettingsFile`."""
ABOLISHED_KINDS: tuple[str, ...] = ("district",)
"""Kinds of the old structure that the 2025 reform abolished: they have no unit in the new one."""
Rollup = Literal["sum", "mean", "min", "max", "ratio"]
Where = Literal["same", "parent", "commune", "district", "province", "below"]

ModelId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
KindId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=40,
                              description="A unit kind: province, district, commune, village, school, agency, "
                                          "party-cell, or one declared under [kinds] in nhanrong.toml.")]
MetricId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=64)]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]

# --- bounds: what no later stage can overflow on ------------------------------------
#
# Every date in a file lies in [DATE_MIN, DATE_MAX] (default 1990-01-01 .. 2100-12-31); a
# deployment may move the window with NHANRONG_DATE_MIN / NHANRONG_DATE_MAX (ISO dates, read
# once at start) but never past DATE_HARD_MIN .. DATE_HARD_MAX: pandas counts time in
# nanoseconds up to 2262-04-11, and a date plus the longest duration (MAX_DAYS) must stay
# below it. Durations in days are at most MAX_DAYS, a plan's horizon at most MAX_HORIZON
# periods. The checks ride on pydantic's constraints: no Python work per record.

DATE_HARD_MIN = dt.date(1900, 1, 1)
DATE_HARD_MAX = dt.date(2150, 12, 31)
MAX_DAYS = 36_500
"""Longest duration in days (``expected_days``, ``min_days``, ``reporting_period_days``): 100 years."""
MAX_HORIZON = 520
"""Most periods a plan may have (10 years of weeks, 43 of months, 130 of quarters)."""


def _env_date(name: str, default: dt.date) -> dt.date:
    """An ISO date from the environment, kept inside the hard window; ``default`` when unset or unreadable."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        from .i18n import t

        lang = os.environ.get("NHANRONG_LANG", "vi")
        warnings.warn(t("error.schema.env_date", lang, name=name, raw=raw, default=default.isoformat()), stacklevel=2)
        return default
    return min(max(value, DATE_HARD_MIN), DATE_HARD_MAX)


DATE_MIN = _env_date("NHANRONG_DATE_MIN", dt.date(1990, 1, 1))
DATE_MAX = max(_env_date("NHANRONG_DATE_MAX", dt.date(2100, 12, 31)), DATE_MIN)

Day = Annotated[dt.date, Field(ge=DATE_MIN, le=DATE_MAX)]
"""A date inside the window [DATE_MIN, DATE_MAX]."""
Number = Annotated[float, Field(allow_inf_nan=False)]
"""A finite number: inf and nan are refused (they poison every sum and ratio downstream)."""
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]
"""A finite amount of a resource, zero or more."""


class SchemaRuleError(NhanRongError):
    """A rule of a file format that pydantic's constraints cannot say (a gate threshold needs a bound,
    a ratio needs its parts). Raised inside a validator, pydantic reports it as a "value_error"
    whose ``ctx["error"]`` is this exception: the loader reads its code and parameters there."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- models/<id>.toml -------------------------------------------------------


class MetricThreshold(Strict):
    """A reading that must be reached before a unit may leave a stage."""

    metric: MetricId
    min: Number | None = None
    max: Number | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> "MetricThreshold":
        if self.min is None and self.max is None:
            raise SchemaRuleError("error.schema.gate_bound")
        return self


class StageSpec(Strict):
    """Expected duration of a stage and the exit gate that lets a unit move on."""

    expected_days: int = Field(gt=0, le=MAX_DAYS, description="How long a unit normally stays in this stage.")
    min_days: int = Field(0, ge=0, le=MAX_DAYS, description="Gate: minimum days in this stage before moving on.")
    gate: list[MetricThreshold] = Field(default_factory=list, description="Gate: readings to reach before moving on.")
    description: str = ""


class Stages(Strict):
    assess: StageSpec
    pilot: StageSpec
    evaluate: StageSpec
    scale: StageSpec


class Requirement(Strict):
    """A model that must have reached ``stage`` first, at ``where``.

    The model may be the same one at a higher level (a district's operations centre needs the
    province's: ``model`` = this model, ``where = "province"``). With ``where = "below"`` the
    requirement is on the units of ``kind`` under the adopting unit: at least ``share`` of them
    must have reached ``stage`` ("80% of the commune's villages").
    """

    model: ModelId
    where: Where = Field(description="same: the same unit; parent: its parent unit; commune/district/province: the enclosing unit of that kind; below: the units of `kind` under it.")
    stage: Stage = "scale"
    kind: KindId | None = Field(None, description='With where = "below": the kind of the units below (e.g. village).')
    share: float = Field(1.0, gt=0, le=1, description='With where = "below": the share of those units that must have reached the stage (0 < share <= 1).')

    @model_validator(mode="after")
    def _below_parts(self) -> "Requirement":
        if self.where == "below" and not self.kind:
            raise SchemaRuleError("error.schema.below_needs_kind")
        if self.where != "below" and (self.kind is not None or self.share != 1.0):
            raise SchemaRuleError("error.schema.below_only")
        return self


class Target(Strict):
    """Nhìn được: a concrete target. ``metric = "coverage"`` is the share of eligible units at ``scale``."""

    metric: str = Field(description='"coverage" or the id of one of the model\'s metrics.')
    value: Number
    date: Day
    scope: Code | None = Field(None, description="Unit code the target applies to; empty means the whole data set.")
    structure: Structure = "old"
    note: str = ""


class Method(Strict):
    """Sờ thấy được: how the model is run."""

    steps: list[str] = Field(min_length=1)


class Metric(Strict):
    """Nắm bắt được: a measured quantity and how it rolls up the hierarchy."""

    id: MetricId
    name: str = Field(min_length=1, description="Vietnamese name.")
    name_en: str = ""
    unit: str = Field(description="Unit of measure, e.g. người, tài khoản, %.")
    rollup: Rollup
    numerator: MetricId | None = None
    denominator: MetricId | None = None
    resets: Literal["never", "yearly"] = Field(
        "never", description='"yearly": an annual counter that starts again from 0 on 1 January (new accounts this '
        'year); each reading counts from 1 January of its own year, and a target on it is judged within the target\'s '
        'year. "never" (default): a running value.')

    @model_validator(mode="after")
    def _ratio_parts(self) -> "Metric":
        if self.rollup == "ratio" and not (self.numerator and self.denominator):
            raise SchemaRuleError("error.schema.ratio_parts")
        if self.rollup != "ratio" and (self.numerator or self.denominator):
            raise SchemaRuleError("error.schema.ratio_only")
        return self


class ModelFile(Strict):
    """One pilot model (file ``models/<id>.toml``; the file name is the id)."""

    name: str = Field(min_length=1, description="Vietnamese name, as written.")
    name_en: str = ""
    summary: str = ""
    pillars: list[Pillar] = Field(min_length=1)
    adopted_by: list[KindId] = Field(min_length=1, description="Kinds of unit that adopt the model.")
    requires: list[Requirement] = Field(default_factory=list)
    stages: Stages
    targets: list[Target] = Field(default_factory=list)
    method: Method | None = None
    resources: dict[str, Amount] = Field(default_factory=dict, description="Per adopting unit: pool name -> amount (people, trainer_hours, devices, budget_vnd...).")
    metrics: list[Metric] = Field(default_factory=list)
    reporting_period_days: int = Field(92, gt=0, le=MAX_DAYS, description="Readings are expected at least this often; older data counts as stale.")


# --- units/*.toml -------------------------------------------------------------


class UnitDecl(Strict):
    """A unit no registry package has: village, school, agency, party cell, a kind the data
    declares, or a commune dissolved before the January 2025 register."""

    code: Code
    name: str = Field(min_length=1)
    kind: KindId
    parent: Code | None = None
    established: Day | None = Field(None, description="For a unit created after the data begins: the date it came into being.")
    dissolved: Day | None = Field(None, description="For a unit that no longer exists: the first day it no longer existed (the merger's effective date).")
    merged_into: Code | None = Field(None, description="The unit it was merged into: its units below move there from the dissolved date.")
    lat: Number | None = None
    lon: Number | None = None
    note: str = ""


class UnitsFile(Strict):
    structure: Structure = Field(description='The structure the parent codes refer to: "old" (before 1/7/2025) or "new".')
    illustrative: bool = False
    source: str = ""
    unit: list[UnitDecl] = Field(default_factory=list)


# --- pilots/**/*.toml ---------------------------------------------------------


class Reading(Strict):
    metric: MetricId
    date: Day
    value: Number
    note: str = ""


class StageDates(Strict):
    assess: Day | None = None
    pilot: Day | None = None
    evaluate: Day | None = None
    scale: Day | None = None


class Adoption(Strict):
    """One unit's adoption of one model: when each stage began, and its readings."""

    unit: Code
    model: ModelId | None = Field(None, description="Defaults to the file's model.")
    stages: StageDates = Field(default_factory=StageDates)
    learned_from: Code | None = Field(None, description="The unit whose pilot this one replicated.")
    note: str = ""
    readings: list[Reading] = Field(default_factory=list)


class PilotsFile(Strict):
    model: ModelId | None = None
    structure: Structure
    illustrative: bool = False
    source: str = ""
    adoption: list[Adoption] = Field(default_factory=list)


# --- plans/*.toml -------------------------------------------------------------


class PlanTarget(Strict):
    model: ModelId
    coverage: float = Field(ge=0, le=1)
    date: Day
    scope: Code | None = None


class Priorities(Strict):
    rule: Literal["readiness", "neighbours", "every-area", "explicit"] = "readiness"
    units_first: list[Code] = Field(default_factory=list)


class PlanFile(Strict):
    """A scale-out plan: which units start which model in which period."""

    name: str
    scope: Code
    structure: Structure = "new"
    start: Day
    period: Literal["week", "month", "quarter"] = "quarter"
    horizon: int = Field(gt=0, le=MAX_HORIZON, description="Number of periods planned (at most 520).")
    models: list[ModelId] = Field(default_factory=list, description="Models to plan; empty means all.")
    targets: list[PlanTarget] = Field(default_factory=list, description="Empty means the models' own coverage targets.")
    resources: dict[str, Amount] = Field(default_factory=dict, description="Available per period: pool name -> amount.")
    priorities: Priorities = Field(default_factory=Priorities)
    pilot_first: bool = True
    note: str = ""


# --- nhanrong.toml -----------------------------------------------------------------


class KindSpec(Strict):
    """A kind of unit the data uses, with the words the province uses for it."""

    name: str = Field(min_length=1, description='Vietnamese word(s), as the province writes them, e.g. "thôn, bản, tổ dân phố".')
    name_en: str = ""
    parents: list[KindId] = Field(default_factory=list, description="Kinds its parent may be; empty means any.")


class SettingsFile(Strict):
    """The data repository's own settings (``nhanrong.toml`` at its root; optional)."""

    name: str = Field("", description="The programme's name, shown in the app and the brief.")
    name_en: str = ""
    models: list[ModelId] = Field(default_factory=list, description="The order models are shown in; models not listed follow, by id.")
    kinds: dict[KindId, KindSpec] = Field(default_factory=dict, description="Unit kinds the data declares, or the province's words for the built-in ones.")


# --- indicators/*.toml -------------------------------------------------------------
#
# The top-down track: the province's own indicators (its DTI rank, products on e-commerce platforms,
# cashless payments...) with dated readings and targets, each reading with its source, and the
# programme's target sets ("22 chỉ tiêu CĐS đến 2025") whose "16/22 đạt" is counted from data.


class SourcedFigure(Strict):
    """A dated figure and where it comes from (a reading of an indicator, or of how many targets are met)."""

    date: Day
    source: str = Field(min_length=1, description='Where the figure comes from: a document number, a newspaper '
                                                  'article and its date, a URL, or "giả định" (an assumption: say why in note).')
    note: str = ""


class IndicatorReading(SourcedFigure):
    value: Number = Field(description='The figure; a share in 0..1 when the unit is "%" (0.4 is 40%).')


class IndicatorTarget(Strict):
    date: Day = Field(description="The date by which the target is to be reached.")
    value: Number
    source: str = Field("", description="The document that sets the target (number and date).")
    note: str = ""


class MetricLink(Strict):
    """An indicator whose value is a model's roll-up: the same number is never entered twice."""

    model: ModelId
    metric: MetricId


class IndicatorSpec(Strict):
    """One indicator the province reports on, with its readings and targets."""

    id: MetricId
    name: str = Field(min_length=1, description="Vietnamese name, as written.")
    name_en: str = ""
    pillar: Pillar | None = Field(None, description="DTI pillar; empty for the programme as a whole (the overall DTI rank).")
    unit: str = Field(min_length=1, description='Unit of measure: sản phẩm, văn bản, "%" (values are shares in 0..1), '
                                               '"/63" (a rank out of 63, written 27/63).')
    direction: Literal["higher", "lower"] = Field("higher", description='"lower" when less is better (a rank).')
    level: Literal["province", "district", "commune"] = Field("province", description="The level the figure is reported at.")
    from_: MetricLink | None = Field(None, alias="from", description="Take the value from a model's metric, rolled up "
                                                                     "at the file's scope; readings are then not typed.")
    readings: list[IndicatorReading] = Field(default_factory=list)
    targets: list[IndicatorTarget] = Field(default_factory=list)
    note: str = ""


class MetCount(SourcedFigure):
    value: int = Field(ge=0, description="How many of the targets were met on that date.")


class SetTarget(Strict):
    """A target of a target set: an indicator (met when its target is), or ``count`` targets with dated met counts."""

    indicator: MetricId | None = Field(None, description="An indicator's id: the target is met when that indicator's target is.")
    name: str = ""
    pillar: Pillar | None = None
    count: int = Field(1, ge=1, le=10_000, description="How many targets this line stands for.")
    met: list[MetCount] = Field(default_factory=list, description="How many of them were met, by date.")
    note: str = ""


class TargetSetSpec(Strict):
    """The programme's own set of targets, e.g. "22 chỉ tiêu chuyển đổi số đến năm 2025"."""

    id: MetricId
    name: str = Field(min_length=1)
    name_en: str = ""
    date: Day = Field(description="The deadline of the set.")
    source: str = Field("", description="The document that sets the targets.")
    note: str = ""
    targets: list[SetTarget] = Field(min_length=1)
    met: list[MetCount] = Field(default_factory=list, description="Met counts of the whole set, when a source gives only the total.")


class IndicatorsFile(Strict):
    """Indicators and target sets of one unit (file ``indicators/<name>.toml``)."""

    scope: Code = Field(description="The unit the figures are about, e.g. 15 (the province).")
    structure: Structure = Field(description='The structure the scope code belongs to: "old" (before 1/7/2025) or "new".')
    illustrative: bool = False
    source: str = ""
    indicator: list[IndicatorSpec] = Field(default_factory=list)
    target_set: list[TargetSetSpec] = Field(default_factory=list)


FILE_KINDS: dict[str, type[BaseModel]] = {
    "models": ModelFile,
    "units": UnitsFile,
    "pilots": PilotsFile,
    "plans": PlanFile,
    "settings": SettingsFile,
    "indicators": IndicatorsFile,
}
