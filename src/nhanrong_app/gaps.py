"""Khoảng trống / Gaps: what is missing or behind, filtered, most severe first, exportable
to CSV and Excel for the people who have to act on it. The page draws :mod:`nhanrong.views.gaps`."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nhanrong_app.common import context, gaps_frame, graph, illustrative_banner, ordered
from nhanrong.charts import gaps_chart
from nhanrong.exports import CSV_MIME, XLSX_MIME, to_csv_bytes
from nhanrong.i18n import GAP_KIND_LABELS, label
from nhanrong.views import gaps as view
from nhanrong.views.gaps import SEVERITIES

ctx = context()
c = ctx.choices
pg = graph()
models = ordered(pg)

st.header(view.header(c))
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


@st.cache_data(show_spinner=False, max_entries=32)
def searchable(_gaps: pd.DataFrame, _pg, fp: str, as_of, structure: str, scope: str) -> pd.DataFrame:
    """What the search box looks in (views.gaps.searchable): once per gaps frame, not once per keystroke."""
    return view.searchable(_gaps, _pg, structure)


# Diacritics optional; decomposed text and the old tone placement ("Hoà") find the same rows.
search = c4.text_input(ctx.t("gaps.search"), key="gaps_search", placeholder=view.search_hint(gaps, c), live=True,
                       icon=":material/search:", help=ctx.t("search.help")).strip()

shown = view.shown_gaps(gaps, pick_models, pick_kinds, pick_sev, search,
                        lambda: searchable(gaps, pg, ctx.fp, ctx.as_of, ctx.structure, ctx.scope))
st.markdown(view.count_line(shown, c))
if not len(shown):
    st.info(ctx.t("no_rows"))
    st.stop()


@st.cache_data(show_spinner=False, max_entries=16)
def gaps_table(_shown: pd.DataFrame, _models, fp: str, as_of, structure: str, scope: str, lang: str,
               picked: tuple, search: str) -> pd.DataFrame:
    """The rows shown as a table in the reader's language (views.gaps.gaps_table), once per filter choice
    and not again on every rerun."""
    return view.gaps_table(_shown, _models, lang)


st.altair_chart(gaps_chart(shown, ctx.lang), width="stretch", key="gaps_chart")
table = gaps_table(shown, models, ctx.fp, ctx.as_of, ctx.structure, ctx.scope, ctx.lang,
                   (tuple(pick_models), tuple(pick_kinds), tuple(pick_sev)), search)
st.dataframe(table, hide_index=True, width="stretch", key="gaps_table")

stem = view.file_stem(c)
d1, d2 = st.columns(2)
d1.download_button(ctx.t("gaps.csv"), data=lambda: to_csv_bytes(table), file_name=f"{stem}.csv", mime=CSV_MIME,
                   key="gaps_csv", on_click="ignore", icon=":material/download:")
# Built on click: the table as shown, with real dates for sorting in Excel.
d2.download_button(ctx.t("gaps.xlsx"), data=lambda: view.xlsx_bytes(table, shown, c), file_name=f"{stem}.xlsx",
                   mime=XLSX_MIME, key="gaps_xlsx", on_click="ignore", icon=":material/download:")
