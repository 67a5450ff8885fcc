"""The units page's view: the drill-down's options, the heat map of units × models with its table, the
former communes a new commune is made of, and the map of communes coloured by one model's coverage.

Texts are rendered in ``choices.lang`` and ready for markdown (data escaped with :func:`md_escape`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..charts import heatmap_chart, map_chart
from ..formats import fmt_date, fmt_number, fmt_percent, natural_rank
from ..i18n import label, stage_order
from . import Choices, Frames, ordered
from .text import md_escape


def child_kind(kind: str, structure: str) -> str | None:
    """The kind of unit one level below ``kind`` on the drill-down (no district in the new structure)."""
    return {"province": "district" if structure == "old" else "commune", "district": "commune"}.get(kind)


def children(pg, parent_key: str, kind: str, as_of) -> list[tuple[str, str, str]]:
    """(key, code, name) of the existing units of ``kind`` directly under ``parent_key``."""
    u = pg.units
    rows = u[(u["parent"] == parent_key) & (u["kind"] == kind)]
    if "dissolved" in rows:
        rows = rows[rows["dissolved"].isna() | (rows["dissolved"] > pd.Timestamp(as_of))]
    rows = rows.sort_values("code", key=natural_rank, kind="stable")  # "…-2" before "…-10"
    return [(str(k), str(r["code"]), str(r["name"])) for k, r in rows.iterrows()]


@dataclass
class UnitsView:
    """What the units page draws for the unit the drill-down reached."""

    header: str
    parts_title: str | None  # a new commune made of former ones: its parts first
    parts_rule: str
    parts: pd.DataFrame | None
    heat_caption: str
    heatmap: object | None  # None: no rows
    table: pd.DataFrame
    parts_list_title: str | None  # a new province: every merged commune's parts, in an expander
    parts_list: pd.DataFrame | None


def _unit_order(frame: pd.DataFrame, key: str, by: str, selected_key: str, model_rank: dict) -> pd.DataFrame:
    """``frame`` sorted unit by unit: the selected unit first, then the others by ``by`` in natural
    order (Thôn 2 before Thôn 10), each unit's models in the repository's order."""
    return frame.assign(_s=(frame[key] != selected_key).astype(int), _n=natural_rank(frame[by].astype(str)),
                        _m=frame["model"].map(model_rank)).sort_values(["_s", "_n", key, "_m"], kind="stable")


def _parts_table(pg, c: Choices, names: dict, ps: pd.DataFrame, whole: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per former unit (and first, with ``whole``, the new unit itself), one column per model.
    Built as one pivot, not a loop over (unit, part) groups: a province lists thousands of parts."""

    def stage_text(stage, since) -> str:
        text = label("stage", stage, c.lang)
        return text if pd.isna(since) else f"{text} · {fmt_date(since, c.lang)}"

    mids = [m for m in names if m in set(ps["model"])]
    rows = []
    if whole is not None and len(whole):
        got = {r.model: stage_text(r.stage, r.since) for r in whole.itertuples()}
        first = ps.iloc[0]
        rows.append({c.t("col.unit"): c.t("units.parts_whole", name=first["name"],
                                           kind=pg.programme.kind_label("commune", c.lang)),
                     c.t("col.code"): str(first["code"]), **{names[m]: got.get(m, "") for m in mids}})
    keys = ["_u", "_p", "name", "part_name", "part_code"]
    ps = ps.dropna(subset=keys[2:])  # as a group-by leaves them out
    if not len(ps):
        return pd.DataFrame(rows)
    ps = ps.assign(_u=natural_rank(ps["code"].astype(str)), _p=natural_rank(ps["part_code"].astype(str)),
                   _t=[stage_text(st, since) for st, since in zip(ps["stage"].tolist(), ps["since"].tolist())],
                   model=ps["model"].astype(object))
    # each (unit, part) once, sorted; a model's text is the last row's, as in the records' order
    wide = ps.drop_duplicates(keys + ["model"], keep="last").set_index(keys + ["model"])["_t"].unstack("model")
    wide = wide.sort_index()
    level = lambda name: [str(x) for x in wide.index.get_level_values(name)]  # noqa: E731
    lead = ({c.t("col.unit"): level("part_name"), c.t("col.code"): level("part_code")} if whole is not None else
            {c.t("col.new_unit"): level("name"), c.t("col.part"): level("part_name"), c.t("col.part_code"): level("part_code")})
    table = pd.DataFrame({**lead, **{names[m]: (wide[m].fillna("").tolist() if m in wide.columns else [""] * len(wide))
                                     for m in mids}})
    return pd.concat([pd.DataFrame(rows), table], ignore_index=True) if rows else table


def units_view(pg, c: Choices, selected_key: str, trail: list[str], frames: Frames | None = None) -> UnitsView:
    """The unit ``selected_key`` reached by the drill-down (``trail``: the names from the scope down)."""
    frames = frames or Frames()
    units = pg.units
    kind_label = pg.programme.kind_label
    models = ordered(pg)
    names = {m: pg.programme.model_name(m, c.lang) for m in models}
    model_rank = {m: i for i, m in enumerate(models)}
    sel = units.loc[selected_key]
    selected_kind, selected_code = str(sel["kind"]), str(sel["code"])
    stages = stage_order()
    below = child_kind(selected_kind, c.structure)

    # the heat map: the unit and its children × models
    if below:
        st_rows = frames.status(pg, c.as_of, c.structure, selected_code, below)
        st_rows = st_rows[st_rows["eligible"] > 0]
        st_rows = _unit_order(st_rows, "scope_key", "scope", selected_key, model_rank)  # registry units by code
        codes = st_rows["scope"].astype(str).to_numpy()
        cells = pd.DataFrame({
            "unit_key": st_rows["scope_key"], "unit_name": st_rows["scope_name"].astype(str),
            "model_name": st_rows["model"].map(names), "model_rank": st_rows["model"].map(model_rank),
            "level": st_rows["coverage"].fillna(0) * 4,
            "text": st_rows["coverage"].map(lambda v: fmt_percent(v, c.lang, 0)),
        })
        table = pd.DataFrame({
            c.t("col.unit"): st_rows["scope_name"].astype(str), c.t("col.model"): st_rows["model"].map(names),
            c.t("col.eligible"): st_rows["eligible"],
            **{label("stage", s, c.lang): st_rows[s] for s in stages},
            c.t("col.coverage"): st_rows["coverage"].map(lambda v: fmt_percent(v, c.lang)),
        })
        us = None
    else:
        us = frames.unit_stages(pg, c.as_of, c.structure, selected_code)
        us = _unit_order(us, "unit", "name", selected_key, model_rank)  # villages, schools, party cells by name
        codes = us["code"].astype(str).to_numpy()
        cells = pd.DataFrame({
            "unit_key": us["unit"], "unit_name": us["name"].astype(str), "model_name": us["model"].map(names),
            "model_rank": us["model"].map(model_rank), "level": us["stage"].map(stages.index).astype(float),
            "text": us["stage"].map(lambda s: label("stage", s, c.lang)),
        })
        table = pd.DataFrame({
            c.t("col.unit"): us["name"].astype(str), c.t("col.code"): us["code"].astype(str),
            c.t("col.kind"): us["kind"].map(lambda k: kind_label(k, c.lang)),
            c.t("col.model"): us["model"].map(names),
            c.t("col.stage"): us["stage"].map(lambda s: label("stage", s, c.lang)),
            c.t("col.since"): us["since"].map(lambda d: fmt_date(d, c.lang)),
        })

    # the new structure: the former communes a new commune is made of. A new commune is at the stage of
    # its least advanced former commune: the planner sees which one holds it back, and why the new
    # structure's figures are lower than the old one's.
    parts = pd.DataFrame()
    if c.structure == "new" and selected_kind in ("province", "commune"):
        parts = frames.part_stages(pg, c.as_of, selected_code)
        if len(parts):
            parts = parts[units["kind"].reindex(parts["unit"]).to_numpy() == "commune"]
    commune = kind_label("commune", c.lang)
    view = UnitsView(
        header=c.t("units.header", name=" › ".join(trail)), parts_title=None,
        parts_rule=md_escape(c.t("units.parts_rule", kind=commune)), parts=None,
        heat_caption=c.t("units.heat_caption"), heatmap=None, table=table, parts_list_title=None, parts_list=None)
    if selected_kind == "commune" and len(parts):  # first: what the planner opened the commune for
        view.parts_title = c.t("units.parts", kind=kind_label("commune", c.lang, plural=True), name=sel["name"])
        view.parts = _parts_table(pg, c, names, parts, us[us["unit"] == selected_key] if us is not None else None)
    if selected_kind == "province" and len(parts):
        view.parts_list_title = c.t("units.parts_list", kind=commune)
        view.parts_list = _parts_table(pg, c, names, parts)

    # The heat map keeps the rows' order: units top to bottom as sorted above, models left to right. A name
    # several units share (five "Chi bộ Tổ dân phố 1" in a merged commune) gets its code, or their rows would merge.
    if len(cells):
        first = pd.DataFrame({"key": cells["unit_key"].to_numpy(), "name": cells["unit_name"].to_numpy(), "code": codes})
        first = first.drop_duplicates("key")
        shared = set(first.loc[first["name"].duplicated(keep=False), "key"])
        if shared:
            cells["unit_name"] = [f"{n} ({code})" if k in shared else n
                                  for k, n, code in zip(cells["unit_key"], cells["unit_name"], codes)]
        view.heatmap = heatmap_chart(cells, c.t("units.heat", name=sel["name"]), c.lang)
    return view


@dataclass
class MapView:
    """The map of communes coloured by one model's coverage (points where there is no boundary)."""

    chart: object | None  # None: no coordinates and no boundaries
    caption: str | None
    none: str | None


def map_models(pg) -> list[str]:
    """The models the map can colour by: those adopted by communes or villages (else all)."""
    models = ordered(pg)
    return [mid for mid, x in models.items() if "commune" in x.adopted_by or "village" in x.adopted_by] or list(models)


def map_view(pg, c: Choices, selected_key: str, model: str, boundaries=None, frames: Frames | None = None) -> MapView:
    """The communes around ``selected_key`` (the unit itself, or a commune's parent) coloured by ``model``;
    ``boundaries``: the repository's commune boundaries (nhanrong.maps.load_boundaries), if any."""
    from ..maps import shapes_for

    frames = frames or Frames()
    units = pg.units
    sel = units.loc[selected_key]
    if sel["kind"] != "commune":
        map_key = selected_key
    else:
        map_key = sel["parent"]
    map_code = str(units.loc[map_key, "code"]) if map_key in units.index else str(sel["code"])
    communes = frames.status(pg, c.as_of, c.structure, map_code, "commune")
    communes = communes[(communes["model"] == model) & (communes["level"] == "commune")]
    points = communes.join(units[["lat", "lon"]], on="scope_key").rename(columns={"scope_name": "name", "scope": "code"})
    # Filled commune boundaries where the data repository has units/boundaries.geojson, points elsewhere.
    shapes = shapes_for(boundaries, c.structure)
    shaped = points["code"].astype(str).isin(list(shapes))
    if not (shaped | points["lat"].notna()).any():
        return MapView(None, None, c.t("units.no_coords"))
    chart = map_chart(points, c.t("units.map", model=pg.programme.model_name(model, c.lang)), c.lang, shapes)
    caption = (c.t("units.map_shapes", n=fmt_number(int(shaped.sum()), c.lang), total=fmt_number(len(points), c.lang))
               if shapes else c.t("units.map_points"))
    return MapView(chart, caption, None)


__all__ = ["UnitsView", "MapView", "children", "child_kind", "units_view", "map_view", "map_models"]
