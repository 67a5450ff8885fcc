"""The loaded programme: models, units, adoptions and plans, ready for the graph.

Adoptions and readings are kept as columns (pandas frames), not as one Python
object per record: a whole country has hundreds of thousands of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .problems import Problem
from .registry import Registry
from .schema import ModelFile, PlanFile, SettingsFile, STAGES

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


@dataclass(frozen=True)
class Programme:
    """Everything under one data root, validated. Treat as immutable."""

    root: Path
    models: dict[str, ModelFile]
    model_paths: dict[str, str]
    local_units: dict[str, LocalUnit]
    adoptions: pd.DataFrame  # ADOPTION_COLUMNS; stage columns are datetime64 (NaT = not reached)
    readings: pd.DataFrame  # READING_COLUMNS
    plans: dict[str, PlanFile]
    plan_paths: dict[str, str]
    problems: list[Problem]
    illustrative_files: list[str] = field(default_factory=list)
    files: int = 0
    settings: SettingsFile = field(default_factory=SettingsFile)

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
        return (m.name_en or m.name) if lang == "en" else m.name

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
