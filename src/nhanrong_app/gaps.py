"""Khoảng trống / Gaps: what is missing or behind, filtered, most severe first, exportable
to CSV and Excel for the people who have to act on it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nhanrong_app.common import context, gaps_frame, graph, illustrative_banner, ordered
from nhanrong.brief import format_gaps
from nhanrong.charts import gaps_chart
from nhanrong.exports import CSV_MIME, XLSX_MIME, to_csv_bytes, to_xlsx_bytes
from nhanrong.formats import date_format_hint, fmt_number, natural_rank
from nhanrong.i18n import GAP_KIND_LABELS, label
from nhanrong.textfold import contains_all, fold_series

SEVERITIES = ["high", "medium", "low"]

ctx = context()
pg = graph()
models = ordered(pg)

st.header(ctx.t("gaps.header", scope=ctx.scope_name, as_of=ctx.d(ctx.as_of)))
illustrative_banner(ctx, pg)
with st.spinner(ctx.t("computing")):
    gaps = gaps_frame(pg, ctx.fp, ctx.as_of, ctx.structure, ctx.scope or None)

c1, c2, c3, c4 = st.columns([1.7, 1.7, 1.3, 2.6])
# Short lists: no typing inside them (Streamlit's filter answers "No results" in English) and no English
# "Select all"; an empty choice already means all.
QUIET = {"filter_mode": None, "select_all": False, "placeholder": ctx.t("choose")}
pick_models = c1.multiselect(ctx.t("gaps.filter_model"), list(models), key="gaps_models",
                             format_func=lambda m: pg.programme.model_name(m, ctx.lang), **QUIET)
pick_kinds = c2.multiselect(ctx.t("gaps.filter_kind"), list(GAP_KIND_LABELS), key="gaps_kinds",
                            format_func=lambda k: label("gap_kind", k, ctx.lang), **QUIET)
pick_sev = c3.multiselect(ctx.t("gaps.filter_severity"), SEVERITIES, key="gaps_severity",
                          format_func=lambda s: label("severity", s, ctx.lang), **QUIET)


def search_hint(gaps: pd.DataFrame) -> str:
    """An example drawn from the gaps on screen (a unit's name and its code), else a neutral hint."""
    if len(gaps):
        local = gaps[gaps["unit"].astype(str) != gaps["unit_key"].astype(str)]  # units, not model files
        if len(local):
            first = local.iloc[0]
            return ctx.t("gaps.search_example", example=f"{first['unit_name']}, {first['unit']}…")
    return ctx.t("gaps.search_neutral")


@st.cache_data(show_spinner=False, max_entries=32)
def searchable(_gaps: pd.DataFrame, _pg, fp: str, as_of, structure: str, scope: str) -> pd.DataFrame:
    """What the search box looks in, one folded column per field (nhanrong.textfold): each gap's unit
    name, its code, its commune, and the names of the commune and district it lies in (in the new
    structure, its new commune too), so "van yen" finds every gap in Huyện Văn Yên. The words typed
    must meet in one field. Once per gaps frame, not once per keystroke."""
    units = _pg.units
    keys = _gaps["unit_key"].astype(str).to_numpy()
    fields = {"name": _gaps["unit_name"], "code": _gaps["unit"],
              "commune_name": _gaps.get("commune_name", pd.Series("", index=_gaps.index))}
    # The new structure also searches the old commune and district: the names planners know places by.
    for col in ("commune", "district") if structure == "old" else ("new_commune", "commune", "district"):
        if col in units:
            above = units[col].reindex(keys).to_numpy()
            fields[col] = pd.Series(units["name"].reindex(above).to_numpy(), index=_gaps.index)
    return pd.DataFrame({k: fold_series(v) for k, v in fields.items()}, index=_gaps.index)


# Diacritics optional; decomposed text and the old tone placement ("Hoà") find the same rows.
search = c4.text_input(ctx.t("gaps.search"), key="gaps_search", placeholder=search_hint(gaps), live=True,
                       icon=":material/search:", help=ctx.t("search.help")).strip()

shown = gaps
if len(shown):
    if pick_models:
        shown = shown[shown["model"].isin(pick_models)]
    if pick_kinds:
        shown = shown[shown["kind"].isin(pick_kinds)]
    if pick_sev:
        shown = shown[shown["severity"].isin(pick_sev)]
    if search:
        hay = searchable(gaps, pg, ctx.fp, ctx.as_of, ctx.structure, ctx.scope)
        shown = shown[contains_all(hay.reindex(shown.index), search).to_numpy()]
    shown = shown.sort_values(["severity_rank", "since", "unit"], ascending=[False, True, True], kind="stable",
                              key=lambda c: natural_rank(c) if c.name == "unit" else c)

high = int((shown["severity"] == "high").sum()) if len(shown) else 0
st.markdown(f"**{ctx.t('gaps.count', n=fmt_number(len(shown), ctx.lang), high=fmt_number(high, ctx.lang))}**")
if not len(shown):
    st.info(ctx.t("no_rows"))
    st.stop()


@st.cache_data(show_spinner=False, max_entries=16)
def gaps_table(_shown: pd.DataFrame, _models, fp: str, as_of, structure: str, scope: str, lang: str,
               picked: tuple, search: str) -> pd.DataFrame:
    """The rows shown as a table, their sentences written in the reader's language (the gaps frame
    holds message codes and parameters; only the rows left after the filters are rendered), once
    per filter choice and not again on every rerun."""
    return format_gaps(_shown, _models, lang)


st.altair_chart(gaps_chart(shown, ctx.lang), width="stretch", key="gaps_chart")
table = gaps_table(shown, models, ctx.fp, ctx.as_of, ctx.structure, ctx.scope, ctx.lang,
                   (tuple(pick_models), tuple(pick_kinds), tuple(pick_sev)), search)
st.dataframe(table, hide_index=True, width="stretch", key="gaps_table")

stem = f"khoang-trong-{ctx.scope or 'all'}-{ctx.as_of.isoformat()}"


def xlsx_bytes() -> bytes:
    """Built on click: the table as shown, with real dates for sorting in Excel."""
    sheet = table.copy()
    sheet[ctx.t("col.since")] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in shown["since"]]
    return to_xlsx_bytes(sheet, ctx.t("page.gaps"), date_format_hint(ctx.lang))


d1, d2 = st.columns(2)
d1.download_button(ctx.t("gaps.csv"), data=lambda: to_csv_bytes(table), file_name=f"{stem}.csv", mime=CSV_MIME,
                   key="gaps_csv", on_click="ignore", icon=":material/download:")
d2.download_button(ctx.t("gaps.xlsx"), data=xlsx_bytes, file_name=f"{stem}.xlsx", mime=XLSX_MIME,
                   key="gaps_xlsx", on_click="ignore", icon=":material/download:")
