"""The gaps page's view: what the search box looks in, the gaps left after the filters and the search
(most severe first), the count line, the table in the reader's language and the Excel sheet.

The page keeps its filters, its search box and the ``st.cache_data`` wrappers around
:func:`searchable` and :func:`gaps_table`.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from ..formats import date_format_hint, fmt_number, natural_rank
from ..textfold import contains_all, fold_series
from . import Choices

SEVERITIES = ["high", "medium", "low"]


def header(c: Choices) -> str:
    return c.t("gaps.header", scope=c.scope_name, as_of=c.d(c.as_of))


def search_hint(gaps: pd.DataFrame, c: Choices) -> str:
    """An example drawn from the gaps on screen (a unit's name and its code), else a neutral hint."""
    if len(gaps):
        local = gaps[gaps["unit"].astype(str) != gaps["unit_key"].astype(str)]  # units, not model files
        if len(local):
            first = local.iloc[0]
            return c.t("gaps.search_example", example=f"{first['unit_name']}, {first['unit']}…")
    return c.t("gaps.search_neutral")


def searchable(gaps: pd.DataFrame, pg, structure: str) -> pd.DataFrame:
    """What the search box looks in, one folded column per field (nhanrong.textfold): each gap's unit
    name, its code, its commune, and the names of the commune and district it lies in (in the new
    structure, its new commune too), so "van yen" finds every gap in Huyện Văn Yên. The words typed
    must meet in one field."""
    units = pg.units
    keys = gaps["unit_key"].astype(str).to_numpy()
    fields = {"name": gaps["unit_name"], "code": gaps["unit"],
              "commune_name": gaps.get("commune_name", pd.Series("", index=gaps.index))}
    # The new structure also searches the old commune and district: the names planners know places by.
    for col in ("commune", "district") if structure == "old" else ("new_commune", "commune", "district"):
        if col in units:
            above = units[col].reindex(keys).to_numpy()
            fields[col] = pd.Series(units["name"].reindex(above).to_numpy(), index=gaps.index)
    return pd.DataFrame({k: fold_series(v) for k, v in fields.items()}, index=gaps.index)


def shown_gaps(gaps: pd.DataFrame, models=(), kinds=(), severities=(), search: str = "",
               hay: pd.DataFrame | Callable[[], pd.DataFrame] | None = None) -> pd.DataFrame:
    """The gaps of ``models``, ``kinds`` and ``severities`` (empty: all) whose fields hold every word of
    ``search``, most severe first, then the oldest, then by unit code. ``hay`` is :func:`searchable`'s
    frame for ``gaps`` (or a function giving it, called only when there is a search)."""
    shown = gaps
    if not len(shown):
        return shown
    if models:
        shown = shown[shown["model"].isin(models)]
    if kinds:
        shown = shown[shown["kind"].isin(kinds)]
    if severities:
        shown = shown[shown["severity"].isin(severities)]
    if search:
        hay = hay() if callable(hay) else hay
        shown = shown[contains_all(hay.reindex(shown.index), search).to_numpy()]
    return shown.sort_values(["severity_rank", "since", "unit"], ascending=[False, True, True], kind="stable",
                             key=lambda col: natural_rank(col) if col.name == "unit" else col)


def count_line(shown: pd.DataFrame, c: Choices) -> str:
    """The bold line above the table: how many gaps, how many of them high."""
    high = int((shown["severity"] == "high").sum()) if len(shown) else 0
    return f"**{c.t('gaps.count', n=fmt_number(len(shown), c.lang), high=fmt_number(high, c.lang))}**"


def gaps_table(shown: pd.DataFrame, models, lang: str) -> pd.DataFrame:
    """The rows shown as a table, their sentences written in the reader's language (the gaps frame holds
    message codes and parameters; only the rows left after the filters are rendered)."""
    from ..brief import format_gaps

    return format_gaps(shown, models, lang)


def file_stem(c: Choices) -> str:
    """The downloads' file name without its extension."""
    return f"khoang-trong-{c.scope or 'all'}-{c.as_of.isoformat()}"


def xlsx_sheet(table: pd.DataFrame, shown: pd.DataFrame, c: Choices) -> pd.DataFrame:
    """The table as shown, with real dates for sorting in Excel."""
    sheet = table.copy()
    sheet[c.t("col.since")] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in shown["since"]]
    return sheet


def xlsx_bytes(table: pd.DataFrame, shown: pd.DataFrame, c: Choices) -> bytes:
    """The Excel download: :func:`xlsx_sheet` on a sheet named after the page."""
    from ..exports import to_xlsx_bytes

    return to_xlsx_bytes(xlsx_sheet(table, shown, c), c.t("page.gaps"), date_format_hint(c.lang))


__all__ = ["SEVERITIES", "count_line", "file_stem", "gaps_table", "header", "search_hint", "searchable", "shown_gaps",
           "xlsx_bytes", "xlsx_sheet"]
