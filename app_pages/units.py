"""Đơn vị / Units: drill down province → district → commune → village (old structure) or
province → commune → village (new), with a heat map of units × models and a map of communes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import context, graph, illustrative_banner, ordered, status_frame, unit_stages_frame
from nhanrong.charts import heatmap_chart, map_chart
from nhanrong.formats import fmt_date, fmt_percent
from nhanrong.i18n import label, stage_order

ctx = context()
pg = graph()
models = ordered(pg.programme.models)
names = {m: x.name for m, x in models.items()}
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
    return [(str(k), str(r["code"]), str(r["name"])) for k, r in rows.sort_values("code").iterrows()]


# --- drill down -----------------------------------------------------------------------------------
selected_key, selected_kind = ctx.scope_key, ctx.scope_kind
trail = [units.loc[selected_key, "name"]]
while CHILD.get(selected_kind):
    kind = CHILD[selected_kind]
    options = children(pg, ctx.fp, selected_key, kind, ctx.as_of)
    if not options:
        break
    by_key = {k: n for k, _, n in options}
    pick = st.selectbox(ctx.t("units.drill", level=label("kind", kind, ctx.lang)), ["", *by_key],
                        key=f"units_{ctx.structure}_{kind}_{selected_key}",
                        format_func=lambda k, names=by_key: ctx.t("units.all") if k == "" else names[k])
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
        own = st_rows["scope_key"] == selected_key
        order = [selected_key, *st_rows.loc[~own].sort_values("scope")["scope_key"].unique()]
        cells = pd.DataFrame({
            "unit_key": st_rows["scope_key"], "unit_name": st_rows["scope_name"].astype(str),
            "model_name": st_rows["model"].map(names), "level": st_rows["coverage"].fillna(0) * 4,
            "text": st_rows["coverage"].map(lambda v: fmt_percent(v, ctx.lang, 0)),
        })
        cells["rank"] = cells["unit_key"].map({k: i for i, k in enumerate(order)})
        table = pd.DataFrame({
            ctx.t("col.unit"): st_rows["scope_name"].astype(str), ctx.t("col.model"): st_rows["model"].map(names),
            ctx.t("col.eligible"): st_rows["eligible"],
            **{label("stage", s, ctx.lang): st_rows[s] for s in stages},
            ctx.t("col.coverage"): st_rows["coverage"].map(lambda v: fmt_percent(v, ctx.lang)),
        })
    else:
        us = unit_stages_frame(pg, ctx.fp, ctx.as_of, ctx.structure, selected_code)
        cells = pd.DataFrame({
            "unit_key": us["unit"], "unit_name": us["name"].astype(str), "model_name": us["model"].map(names),
            "level": us["stage"].map(stages.index).astype(float),
            "text": us["stage"].map(lambda s: label("stage", s, ctx.lang)),
        })
        cells["rank"] = (cells["unit_key"] != selected_key).astype(int)
        table = pd.DataFrame({
            ctx.t("col.unit"): us["name"].astype(str), ctx.t("col.code"): us["code"].astype(str),
            ctx.t("col.kind"): us["kind"].map(lambda k: label("kind", k, ctx.lang)),
            ctx.t("col.model"): us["model"].map(names),
            ctx.t("col.stage"): us["stage"].map(lambda s: label("stage", s, ctx.lang)),
            ctx.t("col.since"): us["since"].map(lambda d: fmt_date(d, ctx.lang)),
        })
model_rank = {names[m]: i for i, m in enumerate(models)}
cells = cells.assign(model_rank=cells["model_name"].map(model_rank)).sort_values(
    ["model_rank", "rank", "unit_name"], kind="stable")
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
map_model = st.selectbox(ctx.t("units.map_model"), map_models, key="units_map_model", format_func=lambda m: names[m])
communes = status_frame(pg, ctx.fp, ctx.as_of, ctx.structure, map_code, "commune")
communes = communes[(communes["model"] == map_model) & (communes["level"] == "commune")]
points = communes.join(units[["lat", "lon"]], on="scope_key").rename(columns={"scope_name": "name"})
if len(points.dropna(subset=["lat", "lon"])):
    st.altair_chart(map_chart(points, ctx.t("units.map", model=names[map_model]), ctx.lang),
                    width="stretch", key="units_map")
else:
    st.info(ctx.t("units.no_coords"))

with st.expander(ctx.t("units.list"), expanded=False):
    st.dataframe(table, hide_index=True, width="stretch", key="units_table")
