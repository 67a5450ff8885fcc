"""Charts in the language on screen (Vega-Lite's config.locale, through one function), and the
units map drawn from a repository's commune boundaries (a small hand-made file in tests/data)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from nhanrong.charts import (BAND_SHADES, DATE_FORMATS, VEGA_LOCALES, coverage_by_chart, coverage_chart, date_axis,
                             date_tooltip, funnel_chart, gaps_chart, heatmap_chart, localise, map_chart, spread_chart)
from nhanrong.errors import NhanRongError
from nhanrong.maps import BoundariesError, load_boundaries, read_boundaries, rewind, shapes_for

DATA = Path(__file__).parent / "data"
VAN_YEN = DATA / "boundaries-van-yen.geojson"

STATUS = pd.DataFrame({"model": ["m"], "eligible": [1529], "not_started": [0], "assess": [0], "pilot": [0],
                       "evaluate": [0], "scale": [1529]})


def every_chart(lang: str) -> list:
    cells = pd.DataFrame({"unit_name": ["Xã A"], "model_name": ["M"], "level": [4.0], "text": ["x"]})
    pts = pd.DataFrame({"code": ["04375"], "name": ["Xã A"], "lat": [21.9], "lon": [104.7], "coverage": [1.0]})
    return [
        funnel_chart(STATUS, {"m": "Mô hình"}, lang),
        coverage_chart(pd.DataFrame({"model_name": ["M"], "coverage": [0.438], "target": [1.0]}), lang),
        coverage_by_chart(pd.DataFrame({"name": ["Huyện A"], "coverage": [0.5], "eligible": [10]}), "huyện", lang),
        heatmap_chart(cells, "T", lang),
        map_chart(pts, "Map", lang),
        spread_chart(pd.DataFrame({"pilot_name": ["Xã A"], "reach": [1200], "depth": [1]}), lang),
        gaps_chart(pd.DataFrame({"kind": ["stalled"], "severity": ["high"]}), lang),
    ]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_chart_carries_the_locale_of_its_language(lang):
    for chart in every_chart(lang):
        config = chart.to_dict()["config"]
        assert config["locale"] == VEGA_LOCALES[lang]
        assert config["timeFormat"] == DATE_FORMATS[lang]
        assert config["numberFormat"] == ",.4~f"


def test_vietnamese_locale_groups_with_dots_and_names_months_in_vietnamese():
    number, time = VEGA_LOCALES["vi"]["number"], VEGA_LOCALES["vi"]["time"]
    assert (number["decimal"], number["thousands"], number["grouping"]) == (",", ".", [3])
    assert time["months"][0] == "tháng 1" and time["shortMonths"][11] == "thg 12"
    assert time["days"][0] == "Chủ nhật" and time["shortDays"][1] == "T2"
    en = VEGA_LOCALES["en"]
    assert (en["number"]["decimal"], en["number"]["thousands"]) == (".", ",")
    assert en["time"]["shortMonths"][0] == "Jan"
    for lang in VEGA_LOCALES:  # every list complete: d3 needs 12 months and 7 days
        t = VEGA_LOCALES[lang]["time"]
        assert len(t["months"]) == len(t["shortMonths"]) == 12 and len(t["days"]) == len(t["shortDays"]) == 7


def test_localise_is_the_one_configuration_a_page_applies_to_its_own_chart():
    own = alt.Chart(pd.DataFrame({"d": pd.to_datetime(["2023-01-01", "2023-06-30"]), "n": [1000, 14_000_000.5]})).mark_line()
    own = own.encode(x=alt.X("d:T", axis=date_axis("vi")), y="n:Q", tooltip=[date_tooltip("d:T", "Ngày", "vi"), "n:Q"])
    spec = localise(own, "vi").to_dict()
    assert spec["config"]["locale"]["number"]["thousands"] == "."
    assert spec["encoding"]["x"]["axis"]["format"] == "%b %Y"  # "thg 1 2023"
    assert spec["encoding"]["tooltip"][0]["format"] == "%d/%m/%Y"
    assert localise(own, "en").to_dict()["config"]["locale"]["time"]["months"][0] == "January"
    layered = localise(own + own, "vi").to_dict()  # once, on top of a layer
    assert "config" in layered and all("config" not in layer for layer in layered["layer"])


def test_count_axes_have_no_integer_only_label_expression():
    x = funnel_chart(STATUS, {"m": "M"}, "vi").to_dict()["layer"][0]["encoding"]["x"]["axis"]
    assert x["format"] == ",d" and "labelExpr" not in x  # the locale writes 1.000


# --- boundaries -------------------------------------------------------------------------------------


def test_the_hand_made_boundaries_file_reads_three_communes():
    b = read_boundaries(VAN_YEN)
    assert b.structure == "old"
    assert set(b.shapes) == {"04375", "04378", "04381"}  # "ma_xa", "MA_XA" as a number, "code"
    assert b.skipped == 1  # the feature without a code
    assert b.shapes["04381"]["type"] == "MultiPolygon"
    assert shapes_for(b, "old") is b.shapes and shapes_for(b, "new") == {} and shapes_for(None, "old") == {}


def signed_area(ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))


def test_rings_are_rewound_for_vega_whichever_way_the_file_winds_them():
    square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]  # counter-clockwise, the RFC 7946 way
    hole = [[0.2, 0.2], [0.2, 0.8], [0.8, 0.8], [0.8, 0.2], [0.2, 0.2]]
    for rings in ([square, hole], [square[::-1], hole[::-1]]):
        out = rewind({"type": "Polygon", "coordinates": rings})["coordinates"]
        assert signed_area(out[0]) < 0 < signed_area(out[1])  # exterior clockwise, hole counter-clockwise
    b = read_boundaries(VAN_YEN)
    for shape in b.shapes.values():
        polys = shape["coordinates"] if shape["type"] == "MultiPolygon" else [shape["coordinates"]]
        assert all(signed_area(p[0]) < 0 for p in polys)
    assert rewind({"type": "Point", "coordinates": [0, 0]}) is None
    assert rewind({"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}) is None  # too short to be a ring


POINTS = pd.DataFrame({"code": ["04375", "04378", "04381", "04384"],
                       "name": ["Thị trấn Mậu A", "Xã Lang Thíp", "Xã Lâm Giang", "Xã Châu Quế Thượng"],
                       "lat": [21.878379, 22.149242, 22.073065, 22.058132],
                       "lon": [104.696683, 104.437396, 104.507272, 104.414111],
                       "coverage": [1.0, 0.3, 0.0, 0.6]})


def test_a_boundaries_file_draws_polygons_coloured_like_the_points():
    spec = map_chart(POINTS, "Bản đồ", "vi", read_boundaries(VAN_YEN).shapes).to_dict()
    shapes, dots = spec["layer"]
    assert shapes["mark"]["type"] == "geoshape" and dots["mark"]["type"] == "point"
    features = shapes["data"]["values"]
    assert [f["properties"]["code"] for f in features] == ["04375", "04378", "04381"]
    assert all(f["type"] == "Feature" and f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)
    lang_thip = features[1]["properties"]
    assert lang_thip == {"code": "04378", "name": "Xã Lang Thíp", "band": "25–49%", "cov_text": "30,0%"}
    assert shapes["encoding"]["color"]["field"] == dots["encoding"]["color"]["field"] == "band"  # one legend
    assert {"calculate": "datum.properties.band", "as": "band"} in shapes["transform"]
    assert shapes["encoding"]["color"]["scale"]["range"] == dots["encoding"]["color"]["scale"]["range"] == BAND_SHADES
    dot_rows = spec["datasets"][dots["data"]["name"]]
    assert [r["name"] for r in dot_rows] == ["Xã Châu Quế Thượng"]  # no boundary: still a point
    assert spec["projection"]["type"] == "mercator"
    assert "url" not in json.dumps(spec)  # nothing fetched: no tiles, no remote data


def test_without_boundaries_the_map_is_points():
    spec = map_chart(POINTS, "Bản đồ", "en").to_dict()
    assert spec["mark"]["type"] == "point" and len(spec["datasets"][spec["data"]["name"]]) == 4


def test_every_commune_with_a_boundary_leaves_no_point_layer():
    spec = map_chart(POINTS.iloc[:3], "Bản đồ", "vi", read_boundaries(VAN_YEN).shapes).to_dict()
    assert spec["mark"]["type"] == "geoshape" and len(spec["data"]["values"]) == 3


def test_load_boundaries_from_a_repository(tmp_path):
    assert load_boundaries(tmp_path) is None
    (tmp_path / "units").mkdir()
    shutil.copyfile(VAN_YEN, tmp_path / "units" / "boundaries.geojson")
    assert set(load_boundaries(tmp_path).shapes) == {"04375", "04378", "04381"}


@pytest.mark.parametrize("content, words", [
    ("{not json", "không đọc được"),
    ('{"type": "Feature"}', "FeatureCollection"),
    ('{"type": "FeatureCollection", "features": [], "structure": "2025"}', '"structure"'),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"ten": "x"}, "geometry": null}]}',
     "ma_xa"),
])
def test_a_broken_boundaries_file_says_what_is_wrong_in_both_languages(tmp_path, content, words):
    path = tmp_path / "boundaries.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BoundariesError) as err:
        read_boundaries(path)
    assert words in err.value.text("vi") and err.value.text("en") and err.value.text("en") != err.value.text("vi")
    # a domain error like the others: a catalogue code and the file's name as a parameter
    assert isinstance(err.value, NhanRongError) and err.value.code.startswith("error.boundaries.")
    assert err.value.params["name"] == "units/boundaries.geojson" and str(err.value) == err.value.text("vi")
