"""View models: what each page of the app shows, computed without Streamlit.

A page of the app asks one function here for its view (``views.overview.overview_view(...)``)
and only draws it: the frames to show, the texts already rendered in the reader's language, the
charts' specifications. So the figures a page shows are tested with pytest directly, and the
computation has one home whichever face (app page, brief, CLI) shows it.

The engine computations a view draws from come from a :class:`Frames`: this one computes them;
the app passes one whose answers are cached (``nhanrong_app.common.CachedFrames``), so caching
stays in the app layer and the views stay pure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ..formats import fmt_date, months_before
from ..i18n import t


@dataclass(frozen=True)
class Choices:
    """The sidebar's choices a view is computed for: language, as-of date, structure and scope."""

    lang: str
    as_of: dt.date
    structure: str
    scope: str = ""  # unit code in ``structure``; "" for the whole data
    scope_key: str = ""
    scope_name: str = ""
    scope_kind: str = "province"

    @property
    def prev(self) -> dt.date:
        """The previous period the trends compare with: six months before as_of."""
        return months_before(self.as_of, 6)

    def t(self, key: str, **values) -> str:
        return t(key, self.lang, **values)

    def d(self, x) -> str:
        return fmt_date(x, self.lang)


def scope_choices(pg, lang: str, as_of: dt.date, structure: str, scope: str = "") -> Choices:
    """The Choices for the unit with code ``scope`` in ``structure`` (or the whole data with "")."""
    from ..registry import unit_key

    if not scope:
        return Choices(lang, as_of, structure, "", "", t("units.all", lang), "province")
    key = unit_key(structure, scope)
    unit = pg.units.loc[key]
    return Choices(lang, as_of, structure, scope, key, str(unit["name"]), str(unit["kind"]))


class Frames:
    """The engine's frames a view draws from, computed on each call (the app caches its own)."""

    def status(self, pg, as_of, structure, scope, level=None) -> pd.DataFrame:
        from ..status import status

        return status(pg, as_of, structure=structure, scope=scope, level=level)

    def unit_stages(self, pg, as_of, structure, scope) -> pd.DataFrame:
        from ..status import unit_stages

        return unit_stages(pg, as_of, structure=structure, scope=scope)

    def metric_values(self, pg, as_of, structure, scope, level=None) -> pd.DataFrame:
        from ..status import metric_values

        return metric_values(pg, as_of, structure=structure, scope=scope, level=level)

    def targets(self, pg, as_of) -> pd.DataFrame:
        from ..targets import evaluate_targets

        return evaluate_targets(pg, as_of)

    def scope_targets(self, pg, as_of, structure, scope) -> pd.DataFrame:
        from ..targets import scope_targets

        return scope_targets(pg, as_of, structure, scope or None)

    def decisions(self, pg, choices: Choices) -> list:
        from ..decisions import find_decisions

        c = choices
        return find_decisions(pg, c.as_of, c.structure, c.scope, c.lang) if c.scope else []

    def indicators(self, pg, as_of, structure, scope) -> pd.DataFrame:
        from ..indicators import evaluate_indicators

        return evaluate_indicators(pg, as_of, scope=(structure, scope))

    def target_sets(self, pg, as_of, structure, scope) -> list:
        from ..indicators import evaluate_target_sets

        return list(evaluate_target_sets(pg, as_of, scope=(structure, scope)))

    def gaps(self, pg, as_of, structure, scope) -> pd.DataFrame:
        from ..gaps import find_gaps

        return find_gaps(pg, as_of, structure=structure, scope=scope)

    def part_stages(self, pg, as_of, scope) -> pd.DataFrame:
        from ..status import part_stages

        return part_stages(pg, as_of, scope=scope, models=pg.programme.model_order)

    def spread(self, pg, model) -> pd.DataFrame:
        from ..spread import spread

        return spread(pg, model)


def ordered(pg) -> dict:
    """The models in the repository's order (``models`` in nhanrong.toml, then the rest by id)."""
    models = pg.programme.models
    return {m: models[m] for m in pg.programme.model_order}


@dataclass(frozen=True)
class Table:
    """A table to show: its frame (column headers in the reader's language) and its column widths."""

    frame: pd.DataFrame
    wide: tuple[str, ...] = ()  # columns shown medium-wide


__all__ = ["Choices", "Frames", "Table", "ordered", "scope_choices"]
