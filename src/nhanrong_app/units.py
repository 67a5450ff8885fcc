"""Đơn vị / Units: drill down province → district → commune → village (old structure) or
province → commune → village (new), with a heat map of units × models and a map of communes.
In the new structure, a commune made of several former ones lists them with their stages: it is
at scale only when all of them are."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nhanrong_app.common import (context, graph, illustrative_banner, kind_label, md_escape, ordered, part_frame,
                              searchable_select, status_frame, unit_stages_frame)
from nhanrong.charts import heatmap_chart, map_chart
from nhanrong.formats import fmt_date, fmt_number, fmt_percent, natural_rank
from nhanrong.maps import BoundariesError, boundaries_path, load_boundaries, shapes_for
from nhanrong.i18n import label, stage_order

ctx = context()
pg = graph()
models = ordered(pg)
names = {m: pg.programme.model_name(m, ctx.lang) for m in models}
model_rank = {m: i for i, m in enumerate(models)}
units = pg.units
if not ctx.scope_key or ctx.scope_key not in units.index:
    st.info(ctx.t("no_data"))
    st.stop()

illustrative_banner(ctx, pg)
ANC = {"province": "province", "district": "district", "commune": "commune"}
CHILD = {"province": "district" if ctx.structure == "old" else "commune", "district": "commune", "commune": None}


@st.cache_data(show_spinner=False, max_entries=64)
def children(_pg, fp: str, parent_key: str, kind: str, as_of) -> list[tuple[str, str, str]]:
    """(key, code, name) of the existing units of ``kind`` directly under ``parent_key``."""
    u = _pg.units
    rows = u[(u["parent"] == parent_key) & (u["kind"] == kind)]
    if "dissolved" in rows:
        rows = rows[rows["dissolved"].isna() | (rows["dissolved"] > pd.Timestamp(as_of))]
    rows = rows.sort_values("code", key=natural_rank, kind="stable")  # "…-2" before "…-10"
    return [(str(k), str(r["code"]), str(r["name"])) for k, r in rows.iterrows()]


def unit_order(frame: pd.DataFrame, key: str, by: str) -> pd.DataFrame:
    """``frame`` sorted unit by unit: the selected unit first, then the others by ``by`` in natural
    order (Thôn 2 before Thôn 10), each unit's models in the repository's order."""
    return frame.assign(_s=(frame[key] != selected_key).astype(int), _n=natural_rank(frame[by].astype(str)),
                        _m=frame["model"].map(model_rank)).sort_values(["_s", "_n", key, "_m"], kind="stable")


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
while CHILD.get(selected_kind):
    kind = CHILD[selected_kind]
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

sel = units.loc[selected_key]
selected_code = str(sel["code"])
st.header(ctx.t("units.header", name=" › ".join(trail)))

# --- heat map: the unit and its children × models -------------------------------------------------
stages = stage_order()
child_kind = CHILD.get(selected_kind)
with st.spinner(ctx.t("computing")):
    if child_kind:
        st_rows = status_frame(pg, ctx.fp, ctx.as_of, ctx.structure, selected_code, child_kind)
        st_rows = st_rows[st_rows["eligible"] > 0]
        st_rows = unit_order(st_rows, "scope_key", "scope")  # registry units by code
        cells = pd.DataFrame({
            "unit_key": st_rows["scope_key"], "unit_name": st_rows["scope_name"].astype(str),
            "model_name": st_rows["model"].map(names), "model_rank": st_rows["model"].map(model_rank),
            "level": st_rows["coverage"].fillna(0) * 4,
            "text": st_rows["coverage"].map(lambda v: fmt_percent(v, ctx.lang, 0)),
        })
        table = pd.DataFrame({
            ctx.t("col.unit"): st_rows["scope_name"].astype(str), ctx.t("col.model"): st_rows["model"].map(names),
            ctx.t("col.eligible"): st_rows["eligible"],
            **{label("stage", s, ctx.lang): st_rows[s] for s in stages},
            ctx.t("col.coverage"): st_rows["coverage"].map(lambda v: fmt_percent(v, ctx.lang)),
        })
    else:
        us = unit_stages_frame(pg, ctx.fp, ctx.as_of, ctx.structure, selected_code)
        us = unit_order(us, "unit", "name")  # villages, schools, party cells by name
        cells = pd.DataFrame({
            "unit_key": us["unit"], "unit_name": us["name"].astype(str), "model_name": us["model"].map(names),
            "model_rank": us["model"].map(model_rank), "level": us["stage"].map(stages.index).astype(float),
            "text": us["stage"].map(lambda s: label("stage", s, ctx.lang)),
        })
        table = pd.DataFrame({
            ctx.t("col.unit"): us["name"].astype(str), ctx.t("col.code"): us["code"].astype(str),
            ctx.t("col.kind"): us["kind"].map(lambda k: kind_label(pg, k, ctx.lang)),
            ctx.t("col.model"): us["model"].map(names),
            ctx.t("col.stage"): us["stage"].map(lambda s: label("stage", s, ctx.lang)),
            ctx.t("col.since"): us["since"].map(lambda d: fmt_date(d, ctx.lang)),
        })
# --- the new structure: the former communes a new commune is made of -------------------------------
# A new commune is at the stage of its least advanced former commune: the planner sees which one holds
# it back, and why the new structure's figures are lower than the old one's.


def stage_text(stage, since) -> str:
    text = label("stage", stage, ctx.lang)
    return text if pd.isna(since) else f"{text} · {fmt_date(since, ctx.lang)}"


def parts_table(ps: pd.DataFrame, whole: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per former unit (and first, with ``whole``, the new unit itself), one column per model."""
    mids = [m for m in models if m in set(ps["model"])]
    ps = ps.assign(_u=natural_rank(ps["code"].astype(str)), _p=natural_rank(ps["part_code"].astype(str)))
    rows = []
    if whole is not None and len(whole):
        got = {r.model: stage_text(r.stage, r.since) for r in whole.itertuples()}
        first = ps.iloc[0]
        rows.append({ctx.t("col.unit"): ctx.t("units.parts_whole", name=first["name"], kind=kind_label(pg, "commune", ctx.lang)),
                     ctx.t("col.code"): str(first["code"]), **{names[m]: got.get(m, "") for m in mids}})
    for (_, _, unit_name, part_name, part_code), g in ps.groupby(["_u", "_p", "name", "part_name", "part_code"], sort=True,
                                                                  observed=True):
        got = {r.model: stage_text(r.stage, r.since) for r in g.itertuples()}
        row = {} if whole is not None else {ctx.t("col.new_unit"): str(unit_name)}
        row.update({ctx.t("col.part") if whole is None else ctx.t("col.unit"): str(part_name),
                    ctx.t("col.part_code") if whole is None else ctx.t("col.code"): str(part_code),
                    **{names[m]: got.get(m, "") for m in mids}})
        rows.append(row)
    return pd.DataFrame(rows)


parts = pd.DataFrame()
if ctx.structure == "new" and selected_kind in ("province", "commune"):
    with st.spinner(ctx.t("computing")):
        parts = part_frame(pg, ctx.fp, ctx.as_of, selected_code)
    if len(parts):
        parts = parts[units["kind"].reindex(parts["unit"]).to_numpy() == "commune"]
parts_rule = ctx.t("units.parts_rule", kind=kind_label(pg, "commune", ctx.lang))
if selected_kind == "commune" and len(parts):  # first: what the planner opened the commune for
    st.subheader(ctx.t("units.parts", kind=kind_label(pg, "commune", ctx.lang, plural=True), name=sel["name"]))
    st.caption(md_escape(parts_rule))
    st.dataframe(parts_table(parts, us[us["unit"] == selected_key] if not child_kind else None), hide_index=True,
                 width="stretch", key="units_parts")

# The heat map keeps the rows' order: units top to bottom as sorted above, models left to right. A name
# several units share (five "Chi bộ Tổ dân phố 1" in a merged commune) gets its code, or their rows would merge.
if len(cells):
    codes = (st_rows["scope"] if child_kind else us["code"]).astype(str).to_numpy()
    first = pd.DataFrame({"key": cells["unit_key"].to_numpy(), "name": cells["unit_name"].to_numpy(), "code": codes})
    first = first.drop_duplicates("key")
    shared = set(first.loc[first["name"].duplicated(keep=False), "key"])
    if shared:
        cells["unit_name"] = [f"{n} ({c})" if k in shared else n
                              for k, n, c in zip(cells["unit_key"], cells["unit_name"], codes)]
st.caption(ctx.t("units.heat_caption"))
if len(cells):
    st.altair_chart(heatmap_chart(cells, ctx.t("units.heat", name=sel["name"]), ctx.lang),
                    width="stretch", key="units_heatmap")
else:
    st.info(ctx.t("no_rows"))

# --- map of communes coloured by one model's coverage ----------------------------------------------
map_key, map_kind = (selected_key, selected_kind) if selected_kind != "commune" else (sel["parent"], "district" if ctx.structure == "old" else "province")
map_code = str(units.loc[map_key, "code"]) if map_key in units.index else selected_code
map_models = [mid for mid, x in models.items() if "commune" in x.adopted_by or "village" in x.adopted_by] or list(models)
map_model = st.selectbox(ctx.t("units.map_model"), map_models, key="units_map_model", format_func=lambda m: names[m],
                         filter_mode=None)
communes = status_frame(pg, ctx.fp, ctx.as_of, ctx.structure, map_code, "commune")
communes = communes[(communes["model"] == map_model) & (communes["level"] == "commune")]
points = communes.join(units[["lat", "lon"]], on="scope_key").rename(columns={"scope_name": "name", "scope": "code"})
# Filled commune boundaries where the data repository has units/boundaries.geojson, points elsewhere.
shapes = shapes_for(boundaries(ctx.root, boundaries_stamp(ctx.root), ctx.lang), ctx.structure)
shaped = points["code"].astype(str).isin(list(shapes))
if (shaped | points["lat"].notna()).any():
    st.altair_chart(map_chart(points, ctx.t("units.map", model=names[map_model]), ctx.lang, shapes),
                    width="stretch", key="units_map")
    st.caption(ctx.t("units.map_shapes", n=fmt_number(int(shaped.sum()), ctx.lang), total=fmt_number(len(points), ctx.lang))
               if shapes else ctx.t("units.map_points"))
else:
    st.info(ctx.t("units.no_coords"))

with st.expander(ctx.t("units.list"), expanded=False):
    st.dataframe(table, hide_index=True, width="stretch", key="units_table")
if selected_kind == "province" and len(parts):
    with st.expander(ctx.t("units.parts_list", kind=kind_label(pg, "commune", ctx.lang)), expanded=False):
        st.caption(md_escape(parts_rule))
        st.dataframe(parts_table(parts), hide_index=True, width="stretch", key="units_parts_list")
