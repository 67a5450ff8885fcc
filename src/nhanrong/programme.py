"""The loaded programme: models, units, adoptions and plans, ready for the graph.

Adoptions and readings are kept as columns (pandas frames), not as one Python
object per record: a whole country has hundreds of thousands of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd

from .i18n import data_name
from .memory import use_system_pool_for_arrow
from .problems import Problem
from .registry import Registry
from .schema import ModelFile, PlanFile, SettingsFile, STAGES

if TYPE_CHECKING:
    from .indicators import Indicators

use_system_pool_for_arrow()  # every face loads a Programme first: the engine's frames then free to the system

ADOPTION_COLUMNS = ["unit", "model", *STAGES, "learned_from", "note", "path", "index"]
READING_COLUMNS = ["unit", "model", "metric", "date", "value"]
UNIT_COLUMNS = ["key", "code", "name", "kind", "structure", "parent", "lat", "lon", "established", "dissolved", "merged_into", "illustrative", "path"]


@dataclass(frozen=True, slots=True)
class LocalUnit:
    """A unit declared under units/: village, school, agency, party cell or a dissolved commune."""

    key: str
    code: str
    name: str
    kind: str
    structure: str
    parent: str | None
    dissolved: object = None  # datetime.date | None
    merged_into: str | None = None
    lat: float | None = None
    lon: float | None = None
    illustrative: bool = False
    path: str = ""
    established: object = None  # datetime.date | None: the unit came into being that day


LOCAL_FIELDS: tuple[str, ...] = ()  # set below: LocalUnit's fields, in order


class LocalUnits(Mapping):
    """The units declared under units/, as columns (one frame indexed by key), read like a dict
    ``key -> LocalUnit``. A national data set declares a quarter of a million units: the loader,
    the units frame and the disk cache work on the columns; a :class:`LocalUnit` is made only
    when one is looked up (all of them, once, when the mapping is iterated by value)."""

    __slots__ = ("frame", "_index", "_all")

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame  # index: key; columns: LocalUnit's fields but key
        self._index = frame.index
        self._all: dict[str, LocalUnit] | None = None

    @classmethod
    def from_units(cls, units) -> "LocalUnits":
        us = list(units.values()) if isinstance(units, Mapping) else list(units)
        cols = {n: pd.Series([getattr(u, n) for u in us], dtype=object) for n in LOCAL_FIELDS[1:]}
        return cls(pd.DataFrame(cols, index=pd.Index([u.key for u in us], dtype=object, name="key")))

    def __getstate__(self):
        return self.frame

    def __setstate__(self, frame) -> None:
        self.frame = frame
        self._index = frame.index
        self._all = None

    def __len__(self) -> int:
        return len(self._index)

    def __iter__(self) -> Iterator[str]:
        return iter(self._index.tolist())

    def __contains__(self, key: object) -> bool:
        try:
            return key in self._index
        except TypeError:
            return False

    def __getitem__(self, key: str) -> "LocalUnit":
        if self._all is not None:
            return self._all[key]
        try:
            i = self._index.get_loc(key)
        except (KeyError, TypeError):
            raise KeyError(key) from None
        if not isinstance(i, (int, np.integer)):
            raise KeyError(key)
        row = self.frame.iloc[int(i)]
        return LocalUnit(key, *(_plain(row[n]) for n in LOCAL_FIELDS[1:]))

    def _materialise(self) -> dict[str, "LocalUnit"]:
        if self._all is None:
            cols = [self.frame[n].tolist() for n in LOCAL_FIELDS[1:]]
            self._all = {k: LocalUnit(k, *(_plain(v) for v in vals)) for k, *vals in zip(self._index.tolist(), *cols)}
        return self._all

    def values(self):
        return self._materialise().values()

    def items(self):
        return self._materialise().items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LocalUnits({len(self)} units)"


def _plain(v):
    """A cell as LocalUnit holds it: None for missing, dates as datetime.date, numbers as float."""
    if v is None:
        return None
    if isinstance(v, float):
        return None if v != v else v
    if isinstance(v, pd.Timestamp):
        return v.date()
    if v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


@dataclass(frozen=True)
class Programme:
    """Everything under one data root, validated. Treat as immutable."""

    root: Path
    models: dict[str, ModelFile]
    model_paths: dict[str, str]
    local_units: Mapping[str, LocalUnit]  # a dict, or LocalUnits (columns) as the loader makes it
    adoptions: pd.DataFrame  # ADOPTION_COLUMNS; stage columns are datetime64 (NaT = not reached)
    readings: pd.DataFrame  # READING_COLUMNS
    plans: dict[str, PlanFile]
    plan_paths: dict[str, str]
    problems: list[Problem]
    illustrative_files: list[str] = field(default_factory=list)
    files: int = 0
    settings: SettingsFile = field(default_factory=SettingsFile)
    indicators: "Indicators | None" = None  # indicators/*.toml (nhanrong.indicators); None: not loaded

    def kind_label(self, kind: str, lang: str = "vi", *, plural: bool = False) -> str:
        """The word this repository uses for a kind of unit (see :mod:`nhanrong.kinds`)."""
        from .kinds import kind_label

        return kind_label(kind, lang, self.settings.kinds, plural=plural)

    @property
    def local_kinds(self) -> list[str]:
        """Kinds of unit declared under units/ (built-in and the repository's own): what a planner
        may add, and what villages-and-below pickers list."""
        from .kinds import known_kinds
        from .schema import ADMIN_KINDS

        return [k for k in known_kinds(self.settings.kinds) if k not in ADMIN_KINDS]

    @property
    def model_order(self) -> list[str]:
        """Model ids in the order the repository lists them (``models`` in nhanrong.toml),
        then the others by id: every screen, table and brief shows models in this order."""
        listed = [m for m in self.settings.models if m in self.models]
        return listed + sorted(m for m in self.models if m not in listed)

    def model_name(self, model_id: str, lang: str = "vi") -> str:
        """A model's name as written (Vietnamese), its English name in English when it has one."""
        m = self.models.get(model_id)
        if m is None:
            return model_id
        return data_name(m.name, m.name_en, lang)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def registry(self) -> Registry:
        from .registry import load_registry

        return load_registry()

    def unit_name(self, key: str) -> str:
        """The unit's name as written, or its code when unknown."""
        if key in self.local_units:
            return self.local_units[key].name
        u = self.registry.get(key)
        return u.name if u else key.partition(":")[2]

    def unit_kind(self, key: str) -> str | None:
        if key in self.local_units:
            return self.local_units[key].kind
        u = self.registry.get(key)
        return u.kind if u else None

    def unit_parent(self, key: str) -> str | None:
        if key in self.local_units:
            return self.local_units[key].parent
        u = self.registry.get(key)
        return u.parent if u else None


LOCAL_FIELDS = tuple(f.name for f in fields(LocalUnit))
