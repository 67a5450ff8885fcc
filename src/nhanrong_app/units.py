"""Đơn vị / Units: drill down province → district → commune → village (old structure) or
province → commune → village (new), with a heat map of units × models and a map of communes.
In the new structure, a commune made of several former ones lists them with their stages: it is
at scale only when all of them are. The page draws :mod:`nhanrong.views.units`."""

from __future__ import annotations

import streamlit as st

from nhanrong_app.common import CachedFrames, context, graph, illustrative_banner, kind_label, searchable_select, select
from nhanrong.maps import BoundariesError, boundaries_path, load_boundaries
from nhanrong.views import units as view_units

ctx = context()
pg = graph()
frames = CachedFrames(ctx.fp)
units = pg.units
if not ctx.scope_key or ctx.scope_key not in units.index:
    st.info(ctx.t("no_data"))
    st.stop()

illustrative_banner(ctx, pg)


@st.cache_data(show_spinner=False, max_entries=64)
def children(_pg, fp: str, parent_key: str, kind: str, as_of) -> list[tuple[str, str, str]]:
    """(key, code, name) of the existing units of ``kind`` directly under ``parent_key``, cached."""
    return view_units.children(_pg, parent_key, kind, as_of)


def boundaries_stamp(root) -> tuple:
    """The boundaries file's size and modification time: a new file shows on the next rerun."""
    path = boundaries_path(root)
    try:
        info = path.stat()
    except OSError:
        return ()
    return (info.st_size, info.st_mtime_ns)


@st.cache_data(show_spinner=False, max_entries=4)
def _boundaries(root, stamp: tuple):
    try:
        return load_boundaries(root), None
    except BoundariesError as exc:
        return None, exc


def boundaries(root, stamp: tuple, lang: str):
    """The repository's commune boundaries (units/boundaries.geojson), or None; a broken file is a warning."""
    found, problem = _boundaries(root, stamp) if stamp else (None, None)
    if problem is not None:
        st.warning(problem.text(lang), icon="⚠️")
    return found


# --- drill down -----------------------------------------------------------------------------------
selected_key, selected_kind = ctx.scope_key, ctx.scope_kind
trail = [units.loc[selected_key, "name"]]
while kind := view_units.child_kind(selected_kind, ctx.structure):
    options = children(pg, ctx.fp, selected_key, kind, ctx.as_of)
    if not options:
        break
    by_key = {k: n for k, _, n in options}
    word = kind_label(pg, kind, ctx.lang)
    search_col, pick_col = st.columns([1, 2])
    pick = searchable_select(ctx.t("units.drill", level=word), {"": ctx.t("units.all"), **by_key},
                             f"units_{ctx.structure}_{kind}_{selected_key}",
                             f"units_search_{ctx.structure}_{kind}_{selected_key}", ctx.t("search.drill", level=word),
                             lang=ctx.lang, pinned=("",), container=search_col, select_container=pick_col)
    if not pick:
        break
    selected_key, selected_kind = pick, kind
    trail.append(by_key[pick])

with st.spinner(ctx.t("computing")):
    view = view_units.units_view(pg, ctx.choices, selected_key, trail, frames)
st.header(view.header)

if view.parts is not None:  # a new commune made of former ones: first, what the planner opened it for
    st.subheader(view.parts_title)
    st.caption(view.parts_rule)
    st.dataframe(view.parts, hide_index=True, width="stretch", key="units_parts")

# --- heat map: the unit and its children × models -------------------------------------------------
st.caption(view.heat_caption)
if view.heatmap is not None:
    st.altair_chart(view.heatmap, width="stretch", key="units_heatmap")
else:
    st.info(ctx.t("no_rows"))

# --- map of communes coloured by one model's coverage ----------------------------------------------
map_model = select(ctx.t("units.map_model"), view_units.map_models(pg), key="units_map_model",
                   format_func=lambda m: pg.programme.model_name(m, ctx.lang), lang=ctx.lang)
shown = view_units.map_view(pg, ctx.choices, selected_key, map_model,
                            boundaries(ctx.root, boundaries_stamp(ctx.root), ctx.lang), frames)
if shown.chart is not None:
    st.altair_chart(shown.chart, width="stretch", key="units_map")
    st.caption(shown.caption)
else:
    st.info(shown.none)

with st.expander(ctx.t("units.list"), expanded=False):
    st.dataframe(view.table, hide_index=True, width="stretch", key="units_table")
if view.parts_list is not None:
    with st.expander(view.parts_list_title, expanded=False):
        st.caption(view.parts_rule)
        st.dataframe(view.parts_list, hide_index=True, width="stretch", key="units_parts_list")
