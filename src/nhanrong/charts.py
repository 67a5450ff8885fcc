"""Altair charts of status, coverage, spread and gaps, built from the engine's frames.

Every chart must survive a black-and-white printer: colours are ordered shades of
one hue (light = early, dark = advanced), shapes repeat the encoding where marks
overlap, and the figure is written on the mark as text. Titles say what is shown.
No streamlit here: pages call these and pass the result to ``st.altair_chart``.

Every chart goes through :func:`localise` (the charts here do it themselves; a page that
builds its own chart calls it): Vega-Lite's ``config.locale`` gives axis labels, tooltips and
month names in the language on screen ("1.000", "14.000.000,5", "thg 1 2023" in Vietnamese).
"""

from __future__ import annotations

from typing import Mapping

import altair as alt
import pandas as pd

from .formats import fmt_date, fmt_number, fmt_percent
from .i18n import data_name, label, stage_order, t

# Light -> dark, monotonic in luminance so greyscale keeps the order.
STAGE_SHADES = ["#f2f2f2", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
SEVERITY_SHADES = {"low": "#d9d9d9", "medium": "#737373", "high": "#141414"}
BANDS = ["0%", "1–24%", "25–49%", "50–74%", "75–99%", "100%"]
BAND_SHADES = ["#ffffff", "#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08306b"]
BAND_SHAPES = ["circle", "triangle-down", "diamond", "square", "triangle-up", "cross"]
FONT = "sans-serif"

# --- the language of numbers and dates inside charts -------------------------------------------
# d3-format and d3-time-format locales, as Vega-Lite's config.locale takes them. Vietnamese: a comma
# for decimals, a dot for thousands (as nhanrong.formats writes them), months "tháng 1" / "thg 1".
VEGA_LOCALES: dict[str, dict] = {
    "vi": {
        "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"], "minus": "-",
                   "nan": "–"},
        "time": {
            "dateTime": "%H:%M:%S %d/%m/%Y", "date": "%d/%m/%Y", "time": "%H:%M:%S", "periods": ["SA", "CH"],
            "days": ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"],
            "shortDays": ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
            "months": [f"tháng {i}" for i in range(1, 13)],
            "shortMonths": [f"thg {i}" for i in range(1, 13)],
        },
    },
    "en": {
        "number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", " VND"], "minus": "-",
                   "nan": "–"},
        "time": {
            "dateTime": "%Y-%m-%d %H:%M:%S", "date": "%Y-%m-%d", "time": "%H:%M:%S", "periods": ["AM", "PM"],
            "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
            "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
            "months": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                       "October", "November", "December"],
            "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        },
    },
}
DATE_FORMATS = {"vi": "%d/%m/%Y", "en": "%Y-%m-%d"}  # as nhanrong.formats.fmt_date writes dates
MONTH_FORMAT = "%b %Y"  # "thg 1 2023" / "Jan 2023"
NUMBER_FORMAT = ",.4~f"  # grouped, up to four decimals, no trailing zeros: 1.000; 14.000.000,5; 0,4385


def localise(chart, lang: str = "vi"):
    """The one chart configuration: the language's number and date locale (axis labels, tooltips,
    text marks) and default number and date formats. Apply it to the top-level chart, once, after
    layering (a layer cannot hold a configured chart). The font stays the app theme's."""
    lang = "en" if lang == "en" else "vi"
    return chart.configure(locale=VEGA_LOCALES[lang], numberFormat=NUMBER_FORMAT, timeFormat=DATE_FORMATS[lang])


def date_tooltip(field: str, title: str, lang: str) -> alt.Tooltip:
    """A tooltip of a date as the app writes dates (31/12/2022; 2022-12-31)."""
    return alt.Tooltip(field, title=title, format=DATE_FORMATS["en" if lang == "en" else "vi"])


def _count_axis(lang: str) -> alt.Axis:
    """A count axis grouped the language's way (1.000 in Vietnamese, 1,000 in English: the locale does it)."""
    # Whole units only: a small domain would otherwise get ticks at 0.2, 0.4... all labelled "0".
    return alt.Axis(format=",d", tickMinStep=1)


def date_axis(lang: str) -> alt.Axis:
    """A time axis labelled by month in the language on screen ("thg 1 2023", "Jan 2023")."""
    return alt.Axis(format=MONTH_FORMAT, labelOverlap=True)


def _title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=subtitle or "", anchor="start", font=FONT, fontSize=15)


def _ink(shade_index: pd.Series, dark_from: int) -> pd.Series:
    """Text colour for a label on a shaded mark: white on dark shades, black on light."""
    return shade_index.map(lambda i: "white" if i >= dark_from else "black")


def _stack(frame: pd.DataFrame, group: str, value: str) -> pd.DataFrame:
    """Start, end and middle of each stacked segment, in the frame's order within each group."""
    out = frame.copy()
    out[value] = pd.to_numeric(out[value]).astype(float)
    out["x1"] = out.groupby(group, sort=False)[value].cumsum()
    out["x0"] = out["x1"] - out[value]
    out["mid"] = (out["x0"] + out["x1"]) / 2
    return out


def coverage_band(share: float) -> str:
    """The band a coverage share falls into (for maps and legends)."""
    if pd.isna(share) or share <= 0:
        return BANDS[0]
    if share >= 1:
        return BANDS[5]
    return BANDS[1 + min(int(share * 4), 3)]


def funnel_chart(status: pd.DataFrame, names: dict[str, str], lang: str = "vi") -> alt.Chart:
    """One bar per model split into its stages (units at each stage), counts written on the bar."""
    stages = stage_order()
    labels = [label("stage", s, lang) for s in stages]
    order = {m: i for i, m in enumerate(names)}
    rows = status.assign(model_name=status["model"].map(lambda m: names.get(m, m)),
                         _rank=status["model"].map(lambda m: order.get(m, len(order))))
    rows = rows.sort_values(["_rank", "model_name"], kind="stable")
    long = rows.melt(id_vars=["model_name"], value_vars=stages, var_name="stage", value_name="units")
    long["stage_label"] = long["stage"].map(lambda s: label("stage", s, lang))
    long["order"] = long["stage"].map(stages.index)
    widest = float(rows[stages].sum(axis=1).max() or 1)
    # A label only where it fits: segments under 7% of the widest bar stay unlabelled (tooltip has it).
    long["text"] = [fmt_number(v, lang) if v and v >= 0.07 * widest else "" for v in long["units"]]
    long["count"] = long["units"].map(lambda v: fmt_number(v, lang))
    long["ink"] = _ink(long["order"], 3)
    long = _stack(long, "model_name", "units")
    y = alt.Y("model_name:N", title=None, sort=list(rows["model_name"]), axis=alt.Axis(labelLimit=260))
    base = alt.Chart(long).encode(y=y)
    bars = base.mark_bar(stroke="#555", strokeWidth=0.5).encode(
        x=alt.X("x0:Q", title=t("chart.units", lang), axis=_count_axis(lang)), x2="x1:Q",
        color=alt.Color("stage_label:N", sort=labels, scale=alt.Scale(domain=labels, range=STAGE_SHADES),
                        legend=alt.Legend(title=t("col.stage", lang), orient="bottom", direction="horizontal",
                                          columns=5, labelLimit=220)),
        tooltip=[alt.Tooltip("model_name:N", title=t("col.model", lang)),
                 alt.Tooltip("stage_label:N", title=t("col.stage", lang)),
                 alt.Tooltip("count:N", title=t("chart.units", lang))],
    )
    text = base.mark_text(align="center", baseline="middle", fontSize=10).transform_filter(
        alt.datum.text != "").encode(x="mid:Q", text="text:N", color=alt.Color("ink:N", scale=None))
    return localise((bars + text).resolve_scale(color="independent").properties(
        title=_title(t("chart.funnel", lang)), height=alt.Step(28)), lang)


def coverage_chart(rows: pd.DataFrame, lang: str = "vi") -> alt.Chart:
    """Coverage per model (bar, labelled) with its target as a black tick.

    ``rows``: model_name, coverage (0..1), target (0..1 or NaN).
    """
    data = rows.copy()
    data["cov_text"] = data["coverage"].map(lambda v: fmt_percent(v, lang))
    data["target_text"] = data["target"].map(lambda v: fmt_percent(v, lang))
    y = alt.Y("model_name:N", title=None, sort=list(data["model_name"]), axis=alt.Axis(labelLimit=260))
    x_scale = alt.Scale(domain=[0, 1])
    bars = alt.Chart(data).mark_bar(color="#6baed6", stroke="#333", strokeWidth=0.5).encode(
        y=y, x=alt.X("coverage:Q", scale=x_scale, axis=alt.Axis(format=".0%"), title=t("chart.share", lang)),
        tooltip=[alt.Tooltip("model_name:N", title=t("col.model", lang)),
                 alt.Tooltip("cov_text:N", title=t("col.coverage", lang)),
                 alt.Tooltip("target_text:N", title=t("col.target", lang))])
    ticks = alt.Chart(data).mark_tick(color="black", thickness=3, size=22).encode(
        y=y, x=alt.X("target:Q", scale=x_scale)).transform_filter("isValid(datum.target)")
    text = alt.Chart(data).mark_text(align="left", dx=4, fontSize=11, color="black").encode(
        y=y, x=alt.X("coverage:Q", scale=x_scale), text="cov_text:N")
    return localise((bars + ticks + text).properties(
        title=_title(t("chart.coverage", lang), t("chart.target_tick", lang)), height=alt.Step(28)), lang)


def coverage_by_chart(rows: pd.DataFrame, level_label: str, lang: str = "vi", parts: bool = False) -> alt.Chart:
    """Share at scale per sub-unit (``rows``: name, coverage, eligible), labelled and sorted.

    With ``parts`` (the new structure, ``rows`` with parts and parts_scale), the tooltip also
    gives how many of the former units behind each unit are at scale ("3/5").
    """
    data = rows.dropna(subset=["coverage"]).sort_values(["coverage", "name"], ascending=[False, True])
    data = data.assign(cov_text=data["coverage"].map(lambda v: fmt_percent(v, lang)),
                       eligible_text=data["eligible"].map(lambda v: fmt_number(v, lang)))
    tooltip = [alt.Tooltip("name:N", title=t("col.unit", lang)), alt.Tooltip("cov_text:N", title=t("col.coverage", lang)),
               alt.Tooltip("eligible_text:N", title=t("col.eligible", lang))]
    if parts and {"parts", "parts_scale"} <= set(data.columns):
        data["parts_text"] = [f"{fmt_number(a, lang)}/{fmt_number(b, lang)}" for a, b in zip(data["parts_scale"], data["parts"])]
        tooltip.append(alt.Tooltip("parts_text:N", title=t("chart.parts", lang)))
    y = alt.Y("name:N", title=None, sort=list(data["name"]), axis=alt.Axis(labelLimit=220))
    x = alt.X("coverage:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%"), title=t("chart.share", lang))
    bars = alt.Chart(data).mark_bar(color="#4292c6", stroke="#333", strokeWidth=0.5).encode(y=y, x=x, tooltip=tooltip)
    text = alt.Chart(data).mark_text(align="left", dx=4, fontSize=11).encode(y=y, x=x, text="cov_text:N")
    return localise((bars + text).properties(title=_title(t("chart.coverage_by", lang, level=level_label)),
                                             height=alt.Step(20)), lang)


def heatmap_chart(cells: pd.DataFrame, title: str, lang: str = "vi") -> alt.Chart:
    """Units (rows) x models (columns); ``cells``: unit_name, model_name, level (0..4), text.

    ``level`` is the stage index (0 = not started .. 4 = scale), or for an
    administrative unit its share at scale mapped onto the same 0..4 scale.
    """
    data = cells.copy()
    data["ink"] = _ink(data["level"].round().astype(int), 3)
    units = list(dict.fromkeys(data["unit_name"]))
    if "model_rank" in data:  # the repository's order, whichever unit comes first
        models = list(dict.fromkeys(data.sort_values("model_rank", kind="stable")["model_name"]))
    else:
        models = list(dict.fromkeys(data["model_name"]))  # in the caller's order
    base = alt.Chart(data).encode(
        x=alt.X("model_name:N", title=None, sort=models,
                axis=alt.Axis(labelAngle=-35, labelLimit=220, labelOverlap=False, orient="top")),
        y=alt.Y("unit_name:N", title=None, sort=units, axis=alt.Axis(labelLimit=220)),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("level:Q", scale=alt.Scale(domain=[0, 4], range=[STAGE_SHADES[0], STAGE_SHADES[-1]]),
                        legend=None),
        tooltip=[alt.Tooltip("unit_name:N", title=t("col.unit", lang)),
                 alt.Tooltip("model_name:N", title=t("col.model", lang)),
                 alt.Tooltip("text:N", title=t("col.stage", lang))])
    text = base.mark_text(fontSize=10).encode(text="text:N", color=alt.Color("ink:N", scale=None))
    # The shade scale (quantitative) and the ink colours (literal) must not share one scale.
    return localise((rect + text).resolve_scale(color="independent").properties(title=_title(title), height=alt.Step(24)),
                    lang)


def map_chart(points: pd.DataFrame, title: str, lang: str = "vi", shapes: Mapping[str, dict] | None = None) -> alt.Chart:
    """Communes coloured by coverage band: filled polygons where the repository has their boundaries,
    points at the register's coordinates otherwise.

    ``points``: code, name, lat, lon, coverage (0..1). ``shapes``: commune code -> GeoJSON geometry
    (nhanrong.maps.Boundaries.shapes). Drawn in a plain Mercator projection with no background
    tiles: nothing is fetched from the internet.
    """
    data = points.copy()
    data["band"] = data["coverage"].map(coverage_band)
    data["cov_text"] = data["coverage"].map(lambda v: fmt_percent(v, lang))
    codes = data["code"].astype(str) if "code" in data else pd.Series("", index=data.index)
    shapes = shapes or {}
    has_shape = codes.isin(list(shapes)).to_numpy() if shapes else pd.Series(False, index=data.index).to_numpy()
    features = [{"type": "Feature", "geometry": shapes[c],
                 "properties": {"code": c, "name": str(n), "band": b, "cov_text": x}}
                for c, n, b, x in zip(codes[has_shape], data["name"][has_shape], data["band"][has_shape],
                                      data["cov_text"][has_shape])]
    color_scale = alt.Scale(domain=BANDS, range=BAND_SHADES)
    legend = alt.Legend(title=t("col.coverage", lang), orient="right")
    dots_data = data[~has_shape].dropna(subset=["lat", "lon"])
    tooltip = [alt.Tooltip("name:N", title=t("col.unit", lang)), alt.Tooltip("cov_text:N", title=t("col.coverage", lang))]
    dots = alt.Chart(dots_data).mark_point(filled=True, size=110, stroke="black", strokeWidth=0.7, opacity=1).encode(
        longitude="lon:Q", latitude="lat:Q",
        color=alt.Color("band:N", sort=BANDS, scale=color_scale, legend=legend),
        shape=alt.Shape("band:N", sort=BANDS, scale=alt.Scale(domain=BANDS, range=BAND_SHAPES), legend=legend),
        tooltip=tooltip,
    )
    if not features:
        chart = dots
    else:
        # The features' properties as plain fields, so both layers share one colour scale and one legend.
        polygons = alt.Chart(alt.Data(values=features)).transform_calculate(
            band="datum.properties.band", name="datum.properties.name", cov_text="datum.properties.cov_text",
        ).mark_geoshape(stroke="black", strokeWidth=0.6).encode(
            color=alt.Color("band:N", sort=BANDS, scale=color_scale, legend=legend), tooltip=tooltip)
        chart = polygons + dots if len(dots_data) else polygons
    return localise(chart.project(type="mercator").properties(title=_title(title), height=480), lang)


def spread_chart(rows: pd.DataFrame, lang: str = "vi") -> alt.Chart:
    """Units that learned from each pilot (``rows``: pilot_name, reach, depth), labelled."""
    data = rows.sort_values(["reach", "pilot_name"], ascending=[False, True]).head(30).copy()
    data["text"] = data["reach"].map(lambda v: fmt_number(v, lang))
    y = alt.Y("pilot_name:N", title=None, sort=list(data["pilot_name"]), axis=alt.Axis(labelLimit=220))
    x = alt.X("reach:Q", title=t("col.reach", lang), axis=_count_axis(lang))
    bars = alt.Chart(data).mark_bar(color="#2171b5", stroke="#333", strokeWidth=0.5).encode(
        y=y, x=x, tooltip=[alt.Tooltip("pilot_name:N", title=t("col.pilot", lang)), alt.Tooltip("text:N", title=t("col.reach", lang)),
                           alt.Tooltip("depth:Q", title=t("col.depth", lang))])
    text = alt.Chart(data).mark_text(align="left", dx=4, fontSize=11).encode(y=y, x=x, text="text:N")
    return localise((bars + text).properties(title=_title(t("chart.spread", lang)), height=alt.Step(22)), lang)


def gaps_chart(gaps: pd.DataFrame, lang: str = "vi") -> alt.Chart:
    """Number of gaps per kind, split by severity (dark = high), counts written on the bars."""
    sev_order = ["high", "medium", "low"]
    sev_labels = [label("severity", s, lang) for s in sev_order]
    counts = gaps.groupby(["kind", "severity"], observed=True).size().rename("n").reset_index()
    counts["kind_label"] = counts["kind"].map(lambda k: label("gap_kind", k, lang))
    counts["sev_label"] = counts["severity"].map(lambda s: label("severity", s, lang))
    counts["order"] = counts["severity"].map(sev_order.index)
    widest = float(counts.groupby("kind")["n"].sum().max() or 1)
    counts["count"] = counts["n"].map(lambda v: fmt_number(v, lang))
    counts["text"] = [fmt_number(v, lang) if v >= 0.05 * widest else "" for v in counts["n"]]
    counts["ink"] = counts["severity"].map(lambda s: "black" if s == "low" else "white")
    counts = _stack(counts.sort_values("order"), "kind_label", "n")
    base = alt.Chart(counts).encode(y=alt.Y("kind_label:N", title=None, axis=alt.Axis(labelLimit=200)))
    bars = base.mark_bar(stroke="#333", strokeWidth=0.5).encode(
        x=alt.X("x0:Q", title=t("chart.units", lang), axis=_count_axis(lang)), x2="x1:Q",
        color=alt.Color("sev_label:N", sort=sev_labels,
                        scale=alt.Scale(domain=sev_labels, range=[SEVERITY_SHADES[s] for s in sev_order]),
                        legend=alt.Legend(title=t("col.severity", lang), orient="bottom")),
        tooltip=[alt.Tooltip("kind_label:N", title=t("col.gap_kind", lang)), alt.Tooltip("sev_label:N", title=t("col.severity", lang)),
                 alt.Tooltip("count:N", title=t("chart.units", lang))])
    text = base.mark_text(fontSize=10).transform_filter(alt.datum.text != "").encode(
        x="mid:Q", text="text:N", color=alt.Color("ink:N", scale=None))
    return localise((bars + text).resolve_scale(color="independent").properties(
        title=_title(t("gaps.by_kind", lang)), height=alt.Step(26)), lang)


RANK_SHADES = ["#08306b", "#2171b5", "#6baed6", "#737373", "#252525", "#9ecae1"]
RANK_SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"]
RANK_DASHES = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2], [4, 4], [1, 3]]


def rank_chart(rows: pd.DataFrame, lang: str = "vi") -> alt.Chart:
    """Ranks over time (``rows``: nhanrong.indicators.rank_trend), one line per indicator, the rank axis
    reversed so that 1 is at the top, each rank written at its point, each target a dashed line.

    Lines differ by shade, dash and point shape, so the chart survives a black-and-white printer; dates
    are the reports' own (31/12/2022), one step each."""
    data = rows.copy()
    data["series"] = [data_name(n, e, lang) for n, e in zip(data["name"], data["name_en"])]
    data["when"] = data["date"].map(lambda d: fmt_date(d, lang))
    data["text"] = data["value"].map(lambda v: fmt_number(v, lang))
    data = data[["indicator", "series", "date", "when", "value", "text", "target"]]
    series = list(dict.fromkeys(data["series"]))
    whens = list(dict.fromkeys(data.sort_values("date")["when"]))
    n = len(series)
    legend = alt.Legend(title=None, orient="bottom", direction="vertical", labelLimit=360)
    x = alt.X("when:O", sort=whens, title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=t("indicators.rank_axis", lang),
              scale=alt.Scale(reverse=True, zero=False, nice=False, domainMin=1), axis=_count_axis(lang))
    tooltip = [alt.Tooltip("series:N", title=t("col.metric", lang)), alt.Tooltip("when:N", title=t("col.date", lang)),
               alt.Tooltip("text:N", title=t("col.value", lang))]
    base = alt.Chart(data).encode(x=x, y=y)
    lines = base.mark_line(strokeWidth=2).encode(
        color=alt.Color("series:N", sort=series, scale=alt.Scale(domain=series, range=RANK_SHADES[:n]), legend=legend),
        strokeDash=alt.StrokeDash("series:N", sort=series, scale=alt.Scale(domain=series, range=RANK_DASHES[:n]),
                                  legend=legend))
    points = base.mark_point(filled=True, size=70, opacity=1).encode(
        color=alt.Color("series:N", sort=series, scale=alt.Scale(domain=series, range=RANK_SHADES[:n]), legend=legend),
        shape=alt.Shape("series:N", sort=series, scale=alt.Scale(domain=series, range=RANK_SHAPES[:n]), legend=legend),
        tooltip=tooltip)
    labels = base.mark_text(dy=-11, fontSize=11, color="black").encode(text="text:N")
    goals = data.dropna(subset=["target"]).drop_duplicates("indicator")
    layers = [lines, points, labels]
    if len(goals):
        goals = goals.assign(goal_text=[t("indicators.at_most", lang, value=fmt_number(v, lang)) for v in goals["target"]])
        rule = alt.Chart(goals).mark_rule(color="black", strokeDash=[5, 4], strokeWidth=1.2).encode(y=alt.Y("target:Q"))
        goal_text = alt.Chart(goals).mark_text(align="left", baseline="bottom", dx=4, dy=-2, fontSize=10, color="black").encode(
            y=alt.Y("target:Q"), x=alt.value(0), text="goal_text:N")
        layers += [rule, goal_text]
    chart = alt.layer(*layers).resolve_scale(color="shared")
    return localise(chart.properties(title=_title(t("indicators.trend", lang), t("indicators.trend_caption", lang)),
                                     height=300), lang)
