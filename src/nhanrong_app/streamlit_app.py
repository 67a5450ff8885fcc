"""Nhân Rộng: the router. Page config, the shared sidebar (language, as-of date,
structure, scope), and st.navigation over the pages beside it (nhanrong_app/).

Run with `nhanrong serve ROOT` (sets NHANRONG_ROOT) or `make run` for the bundled data.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from nhanrong_app.common import (Context, data_root, default_as_of, default_structure, lang, load_graph, md_escape,
                                 province_options, scope_options, searchable_select, streamlit_words)
from nhanrong.formats import DateParseError, fmt_date, fmt_number, parse_date
from nhanrong.i18n import data_name, lang_name, t

st.set_page_config(page_title="Nhân Rộng", page_icon="🌱", layout="wide", initial_sidebar_state="expanded")

# Pages, in menu order: (file, title key, icon, url path). Add a page with one line here.
PAGES: list[tuple[str, str, str, str]] = [
    ("overview.py", "page.overview", ":material/dashboard:", "tong-quan"),
    ("decisions.py", "page.decisions", ":material/gavel:", "quyet-dinh"),
    ("model.py", "page.model", ":material/category:", "mo-hinh"),
    ("units.py", "page.units", ":material/account_tree:", "don-vi"),
    ("gaps.py", "page.gaps", ":material/report:", "khoang-trong"),
    ("data.py", "page.data", ":material/fact_check:", "du-lieu"),
    ("planner.py", "page.planner", ":material/event_note:", "lap-ke-hoach"),
    ("record.py", "page.record", ":material/edit_note:", "ghi-nhan"),
    ("review.py", "page.review", ":material/rule:", "duyet"),
]

with st.sidebar:
    st.segmented_control(t("sidebar.lang"), ["vi", "en"], format_func=lang_name, key="lang",
                         default="vi", selection_mode="single")
L = lang()  # a second click deselects the button: that still means Vietnamese
streamlit_words(L)  # Streamlit's own English (file uploader, "Press Enter to apply") hidden or replaced

# The sidebar's choices survive a language switch. Their labels (and the date's format) follow the
# language, and a Streamlit that counts them in a widget's identity gives the relabelled widget its
# default value: the structure would fall back to "old" and the overview silently show the other
# structure's figures. So on a switch each choice is assigned again before its widget is drawn (the
# value the planner has on screen, even one changed in the same rerun), which the new widget takes.
# Streamlit also forgets a widget that is not drawn (the scope of the structure not shown): the last
# choice is kept here and put back when its widget returns.
KEPT: dict = st.session_state.setdefault("_sidebar_kept", {})
switched = st.session_state.get("_sidebar_lang", L) != L
st.session_state["_sidebar_lang"] = L


def restore(key: str, valid=None) -> None:
    """Keep a sidebar choice across a language switch, and put back a forgotten one."""
    if key in st.session_state:
        if switched and (valid is None or st.session_state[key] in valid):
            st.session_state[key] = st.session_state[key]
    elif key in KEPT and (valid is None or KEPT[key] in valid):
        st.session_state[key] = KEPT[key]


AS_OF_RANGE = (dt.date(2015, 1, 1), dt.date(2035, 12, 31))


def apply_as_of(lang_: str) -> None:
    """on_change of the as-of field: apply a valid date, refuse any other with a message."""
    text = st.session_state.get("as_of_text", "")
    kept = fmt_date(st.session_state["as_of"], lang_)
    try:
        day = parse_date(text)
    except DateParseError as exc:
        st.session_state["_as_of_error"] = t("as_of.refused", lang_, reason=exc.message, kept=kept)
        return
    if not AS_OF_RANGE[0] <= day <= AS_OF_RANGE[1]:
        st.session_state["_as_of_error"] = t("as_of.range", lang_, text=text.strip(), low=fmt_date(AS_OF_RANGE[0], lang_),
                                             high=fmt_date(AS_OF_RANGE[1], lang_), kept=kept)
        return
    st.session_state["as_of"] = day
    st.session_state["as_of_text"] = fmt_date(day, lang_)  # 1/9/2022 -> 01/09/2022
    st.session_state.pop("_as_of_error", None)


root = data_root()
try:
    pg, fp = load_graph(root)
except Exception as exc:  # noqa: BLE001 - shown to the planner, not swallowed
    st.error(t("error.load", L, error=str(exc)))
    st.stop()

with st.sidebar:
    st.title(t("app.title", L))
    st.caption(t("app.subtitle", L))
    programme = data_name(pg.programme.settings.name, pg.programme.settings.name_en, L)
    if programme:
        st.markdown(f"**{md_escape(programme)}**")
    # The as-of date is typed (dd/mm/yyyy; yyyy-mm-dd in English) and applied on Enter or on leaving
    # the field. Streamlit's date_input applied a typed date only on the next click and showed days
    # that do not exist (31/09). st.session_state["as_of"] holds the date in force; a date that
    # cannot be read or does not exist is refused with a message and the previous date kept.
    st.session_state.setdefault("as_of", default_as_of(pg))
    if switched or "as_of_text" not in st.session_state:
        st.session_state["as_of_text"] = fmt_date(st.session_state["as_of"], L)
        st.session_state.pop("_as_of_error", None)
    st.text_input(t("sidebar.as_of", L), key="as_of_text", on_change=apply_as_of, args=(L,),
                  placeholder=t("as_of.placeholder", L), help=t("as_of.help", L))
    if st.session_state.get("_as_of_error"):
        st.error(st.session_state["_as_of_error"])
    as_of: dt.date = st.session_state["as_of"]
    KEPT["as_of"] = as_of
    restore("structure", ("old", "new"))
    st.session_state.setdefault("structure", default_structure(default_as_of(pg)))
    structure: str = st.radio(t("sidebar.structure", L), ["old", "new"], key="structure",
                              format_func=lambda s: t(f"structure.{s}", L))
    KEPT["structure"] = structure
    provinces = {p[0]: p for p in province_options(pg, fp, structure)}
    if len(provinces) > 1:
        prov = searchable_select(t("sidebar.province", L), {c: p[2] for c, p in provinces.items()},
                                 f"province_{structure}", "province_search", t("sidebar.province_search", L), lang=L,
                                 restore=restore, min_options=8)
        KEPT[f"province_{structure}"] = prov
    else:
        prov = next(iter(provinces), None)
    if prov is not None:
        by_code = {o[0]: o for o in scope_options(pg, fp, structure, provinces[prov][1])}
        widget = f"scope_{structure}_{prov}"
        # A search box in front of the list: "van yen" finds Huyện Văn Yên (diacritics optional).
        code = searchable_select(t("sidebar.scope", L), {c: o[2] for c, o in by_code.items()}, widget, "scope_search",
                                 t("sidebar.scope_search", L), lang=L, restore=restore)
        KEPT[widget] = code
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
if pg.programme.errors:  # every page says that records were left out, not only the overview
    st.warning(t("errors.banner", L, n=fmt_number(len(pg.programme.errors), L)), icon="⚠️")
nav.run()
