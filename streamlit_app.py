"""Nhân Rộng: the router. Page config, the shared sidebar (language, as-of date,
structure, scope), and st.navigation over the pages in app_pages/.

Run with `nhanrong serve ROOT` (sets NHANRONG_ROOT) or `make run` for the bundled data.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages.common import (Context, data_root, default_as_of, default_structure, lang, load_graph,
                              province_options, scope_options)
from nhanrong.formats import date_format_hint, fmt_number
from nhanrong.i18n import lang_name, t

st.set_page_config(page_title="Nhân Rộng", page_icon="🌱", layout="wide", initial_sidebar_state="expanded")

# Pages, in menu order: (file, title key, icon, url path). Add a page with one line here.
PAGES: list[tuple[str, str, str, str]] = [
    ("app_pages/overview.py", "page.overview", ":material/dashboard:", "tong-quan"),
    ("app_pages/model.py", "page.model", ":material/category:", "mo-hinh"),
    ("app_pages/units.py", "page.units", ":material/account_tree:", "don-vi"),
    ("app_pages/gaps.py", "page.gaps", ":material/report:", "khoang-trong"),
    ("app_pages/data.py", "page.data", ":material/fact_check:", "du-lieu"),
    ("app_pages/planner.py", "page.planner", ":material/event_note:", "lap-ke-hoach"),
    ("app_pages/record.py", "page.record", ":material/edit_note:", "ghi-nhan"),
]

with st.sidebar:
    st.segmented_control(t("sidebar.lang"), ["vi", "en"], format_func=lang_name, key="lang",
                         default="vi", selection_mode="single")
L = lang()  # a second click deselects the button: that still means Vietnamese

root = data_root()
try:
    pg, fp = load_graph(root)
except Exception as exc:  # noqa: BLE001 - shown to the planner, not swallowed
    st.error(t("error.load", L, error=str(exc)))
    st.stop()

with st.sidebar:
    st.title(t("app.title", L))
    st.caption(t("app.subtitle", L))
    st.session_state.setdefault("as_of", default_as_of(pg))
    as_of: dt.date = st.date_input(t("sidebar.as_of", L), key="as_of", format=date_format_hint(L),
                                   help=t("sidebar.as_of_help", L), min_value=dt.date(2015, 1, 1),
                                   max_value=dt.date(2035, 12, 31))
    st.session_state.setdefault("structure", default_structure(pg, fp))
    structure: str = st.radio(t("sidebar.structure", L), ["old", "new"], key="structure",
                              format_func=lambda s: t(f"structure.{s}", L))
    provinces = {p[0]: p for p in province_options(pg, fp, structure)}
    if len(provinces) > 1:
        prov = st.selectbox(t("sidebar.province", L), list(provinces), key=f"province_{structure}",
                            format_func=lambda c: provinces[c][2])
    else:
        prov = next(iter(provinces), None)
    if prov is not None:
        by_code = {o[0]: o for o in scope_options(pg, fp, structure, provinces[prov][1])}
        widget = f"scope_{structure}_{prov}"
        kept = st.session_state.get(f"_kept_{widget}")
        if widget not in st.session_state and kept in by_code:
            st.session_state[widget] = kept  # Streamlit forgets hidden widgets: restore the choice
        code = st.selectbox(t("sidebar.scope", L), list(by_code), key=widget, format_func=lambda c: by_code[c][2])
        st.session_state[f"_kept_{widget}"] = code
        scope = by_code[code]
    else:
        scope = ("", "", t("units.all", L), "province")
    st.caption(t("sidebar.root", L, root=str(root)))
    st.caption(t("sidebar.loaded", L, files=fmt_number(pg.programme.files, L),
                 records=fmt_number(len(pg.programme.adoptions), L)))

st.session_state["_ctx"] = Context(root=root, fp=fp, lang=L, as_of=as_of, structure=structure,
                                   scope=scope[0], scope_key=scope[1], scope_name=scope[2], scope_kind=scope[3])
st.session_state["_pg"] = pg

nav = st.navigation([st.Page(path, title=t(key, L), icon=icon, url_path=url, default=(i == 0))
                     for i, (path, key, icon, url) in enumerate(PAGES)])
nav.run()
