"""Charts say what they show, label their figures, and keep their order in greyscale."""

from __future__ import annotations

import pandas as pd
import pytest

from nhanrong.charts import (BAND_SHADES, STAGE_SHADES, BANDS, coverage_band, coverage_by_chart, coverage_chart,
                             funnel_chart, gaps_chart, heatmap_chart, map_chart, spread_chart)


def luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("shades", [STAGE_SHADES, BAND_SHADES])
def test_shades_get_darker_in_order(shades):
    lum = [luminance(c) for c in shades]
    assert lum == sorted(lum, reverse=True)
    assert min(a - b for a, b in zip(lum, lum[1:])) > 0.05  # distinguishable on paper


@pytest.mark.parametrize("share, band", [(0, "0%"), (float("nan"), "0%"), (0.1, "1–24%"), (0.25, "25–49%"),
                                         (0.438, "25–49%"), (0.74, "50–74%"), (0.99, "75–99%"), (1.0, "100%")])
def test_coverage_band(share, band):
    assert coverage_band(share) == band and band in BANDS


STATUS = pd.DataFrame({"model": ["party-handbook", "community-team"], "eligible": [1000, 1529],
                       "not_started": [434, 0], "assess": [128, 0], "pilot": [0, 0], "evaluate": [0, 0],
                       "scale": [438, 1529]})
NAMES = {"party-handbook": "Sổ tay đảng viên", "community-team": "Tổ CĐS cộng đồng"}


def spec(chart) -> dict:
    return chart.to_dict()


def all_values(d: dict) -> list[dict]:
    return [row for ds in d.get("datasets", {}).values() for row in ds]


def test_funnel_is_titled_stacked_and_labelled_in_vietnamese():
    d = spec(funnel_chart(STATUS, NAMES, "vi"))
    assert d["title"]["text"] == "Số đơn vị ở từng giai đoạn, theo mô hình"
    rows = all_values(d)
    ph = {r["stage_label"]: r for r in rows if r["model_name"] == "Sổ tay đảng viên"}
    assert ph["Nhân rộng"]["text"] == "438"
    assert ph["Nhân rộng"]["x0"] == 434 + 128 and ph["Nhân rộng"]["x1"] == 1000
    assert ph["Chưa triển khai"]["mid"] == 217


def test_coverage_chart_labels_bars_and_draws_the_target():
    rows = pd.DataFrame({"model_name": ["Sổ tay"], "coverage": [0.438], "target": [1.0]})
    d = spec(coverage_chart(rows, "vi"))
    assert d["title"]["text"] == "Độ bao phủ (đã nhân rộng) so với chỉ tiêu"
    assert all_values(d)[0]["cov_text"] == "43,8%"
    assert any(layer["mark"]["type"] == "tick" for layer in d["layer"])


def test_other_charts_build_with_titles_in_english():
    cov = pd.DataFrame({"name": ["Huyện A", "Huyện B"], "coverage": [0.5, None], "eligible": [10, 0]})
    assert spec(coverage_by_chart(cov, "district", "en"))["title"]["text"] == "Share of units at scale, by district"
    cells = pd.DataFrame({"unit_name": ["Xã A"], "model_name": ["M"], "level": [4.0], "text": ["Scale"]})
    assert spec(heatmap_chart(cells, "Stages", "en"))["title"]["text"] == "Stages"
    pts = pd.DataFrame({"name": ["Xã A", "Xã B"], "lat": [21.7, None], "lon": [104.9, 105.0], "coverage": [1.0, 0.0]})
    d = spec(map_chart(pts, "Map", "en"))
    assert [r["name"] for r in all_values(d)] == ["Xã A"]  # no coordinates, no point
    assert d["projection"]["type"] == "mercator"
    sp = pd.DataFrame({"pilot_name": ["Xã A"], "reach": [4], "depth": [1]})
    assert spec(spread_chart(sp, "en"))["title"]["text"] == "Units that learned from each pilot"
    gaps = pd.DataFrame({"kind": ["stalled", "stalled", "stale"], "severity": ["high", "low", "low"]})
    rows = all_values(spec(gaps_chart(gaps, "vi")))
    assert {(r["kind_label"], r["sev_label"], r["n"]) for r in rows} == {
        ("Dừng quá lâu", "Cao", 1), ("Dừng quá lâu", "Thấp", 1), ("Số liệu cũ", "Thấp", 1)}


def test_layers_with_literal_text_colours_keep_their_own_colour_scale():
    # Vega-Lite refuses to merge a shade scale with literal ink colours: the chart would be blank.
    cells = pd.DataFrame({"unit_name": ["Xã A"], "model_name": ["M"], "level": [2.0], "text": ["Thí điểm"]})
    gaps = pd.DataFrame({"kind": ["stalled"], "severity": ["high"]})
    for chart in (funnel_chart(STATUS, NAMES, "vi"), heatmap_chart(cells, "T", "vi"), gaps_chart(gaps, "vi")):
        assert spec(chart)["resolve"]["scale"]["color"] == "independent"


def test_count_axes_group_thousands_the_vietnamese_way():
    # No label expression that only works for whole numbers: the chart's locale groups the digits.
    vi = spec(funnel_chart(STATUS, NAMES, "vi"))
    en = spec(funnel_chart(STATUS, NAMES, "en"))
    assert vi["layer"][0]["encoding"]["x"]["axis"]["format"] == ",d"
    assert "labelExpr" not in vi["layer"][0]["encoding"]["x"]["axis"]
    assert vi["config"]["locale"]["number"]["thousands"] == "." and en["config"]["locale"]["number"]["thousands"] == ","
