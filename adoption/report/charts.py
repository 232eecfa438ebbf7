"""The Landscape's charts: Altair specs rendered by vl-convert (no browser, no network) to inline
SVG for the pages and to PNG for the README. Every chart has a title and titled axes; a color is
always also a word (the legend, the axis labels)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import altair as alt
import vl_convert

from adoption.report.data import Row

# Fills for the color words of score_color_bands (by lowercase word); any other word gets one of
# FALLBACK in turn. The word itself is always shown beside it.
COLOR_FILLS = {"red": "#c0392b", "yellow": "#e1b12c", "green": "#2e8b57", "unscored": "#b0b0b0"}
FALLBACK = ["#4c78a8", "#f58518", "#72b7b2", "#b279a2", "#9d755d"]
NO_DATA_FILL = "#b0b0b0"
WIDTH = 640


def month_label(month: date, complete: bool, open_word: str) -> str:
    label = month.strftime("%b %Y")
    return label if complete else f"{label} ({open_word})"


# Inline SVG in HTML needs no namespace declarations (the HTML parser puts <svg> in the SVG
# namespace): dropped, so that no page holds a URL at all.
NAMESPACES = (' xmlns="http://www.w3.org/2000/svg"', ' xmlns:xlink="http://www.w3.org/1999/xlink"')


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an <svg> element to inline in a page."""
    text = vl_convert.vegalite_to_svg(legible(chart).to_dict())
    for declaration in NAMESPACES:
        text = text.replace(declaration, "", 1)
    return text


def png(chart: alt.TopLevelMixin, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(vl_convert.vegalite_to_png(legible(chart).to_dict(), scale=2))
    return path


def legible(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Legend titles and labels never cut short."""
    return chart.configure_legend(titleLimit=0, labelLimit=0)


def band_scale(bands: list[tuple[str, bool]]) -> alt.Scale:
    """Bands in their order, darker for more use cases adopted; the band outside the order (no
    data: no cumulative share) grey."""
    ordered = [band for band, ranked in bands if ranked]
    blues = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"]
    step = max(1, len(blues) // max(1, len(ordered)))
    fills = {band: blues[min(len(blues) - 1, i * step)] for i, band in enumerate(ordered)}
    return alt.Scale(domain=[band for band, _ in bands], range=[fills.get(band, NO_DATA_FILL) for band, _ in bands])


def bands_in_order(shares: Iterable[Row]) -> list[tuple[str, bool]]:
    """(band, is in the ordered scale) in adoption_band_order."""
    seen: dict[str, tuple[int, bool]] = {}
    for row in shares:
        ranked = row.get("cumulative_pct_of_arr_at_or_above") is not None
        order, was_ranked = seen.get(row["adoption_band"], (row["adoption_band_order"], False))
        seen[row["adoption_band"]] = (order, was_ranked or ranked)
    return [(band, ranked) for band, (_, ranked) in sorted(seen.items(), key=lambda item: item[1][0])]


def arr_by_adoption_band(shares: list[Row], open_word: str) -> alt.Chart:
    """The KPI: each month's ARR split by adoption band (rpt_arr_by_adoption_band.pct_of_arr);
    open months are labelled so and drawn lighter."""
    bands = bands_in_order(shares)
    values = [
        {
            "month": month_label(row["reporting_month"], row["is_month_complete"], open_word),
            "reporting_month": row["reporting_month"].isoformat(),
            "band": row["adoption_band"],
            "band_order": row["adoption_band_order"],
            "pct_of_arr": float(row["pct_of_arr"] or 0),
            "arr": float(row["arr"] or 0),
            "complete": bool(row["is_month_complete"]),
        }
        for row in shares
    ]
    order = list(dict.fromkeys(value["month"] for value in sorted(values, key=lambda v: v["reporting_month"])))
    return (
        alt.Chart(alt.Data(values=values), title="Share of ARR by adoption band (use cases adopted)")
        .mark_bar()
        .encode(
            x=alt.X("month:O", sort=order, title="Month", axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("pct_of_arr:Q", stack="normalize", title="Share of ARR", axis=alt.Axis(format="%")),
            color=alt.Color("band:N", scale=band_scale(bands), title="Adoption band", sort=[b for b, _ in bands]),
            order=alt.Order("band_order:Q"),
            opacity=alt.condition("datum.complete", alt.value(1.0), alt.value(0.45)),
        )
        .properties(width=WIDTH, height=280)
    )


def color_scale(colors: list[str]) -> alt.Scale:
    fills = []
    for i, color in enumerate(colors):
        fills.append(COLOR_FILLS.get(color.lower(), FALLBACK[i % len(FALLBACK)]))
    return alt.Scale(domain=colors, range=fills)


def use_case_colors(
    counts: list[Row], colors: list[str], unscored: str, open_word: str, measure: str, title: str, axis_title: str
) -> alt.FacetChart:
    """Accounts (measure="account_count") or ARR (measure="arr") per effective color per use case
    per month, one panel per use case (fct_account_use_case_health)."""
    legend = [*colors, unscored]
    values = [
        {
            "month": month_label(row["reporting_month"], row["is_month_complete"], open_word),
            "reporting_month": row["reporting_month"].isoformat(),
            "use_case": row["use_case"],
            "use_case_order": row["use_case_display_order"],
            "color": row["color"] or unscored,
            "color_order": legend.index(row["color"] or unscored) if (row["color"] or unscored) in legend else 99,
            "value": float(row[measure] or 0),
        }
        for row in counts
    ]
    months = list(dict.fromkeys(v["month"] for v in sorted(values, key=lambda v: v["reporting_month"])))
    use_cases = list(dict.fromkeys(v["use_case"] for v in sorted(values, key=lambda v: v["use_case_order"])))
    return (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X("month:O", sort=months, title="Month", axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("value:Q", stack="zero", title=axis_title),
            color=alt.Color("color:N", scale=color_scale(legend), title="Color", sort=legend),
            order=alt.Order("color_order:Q"),
        )
        .properties(width=WIDTH // 2 - 40, height=180)
        .facet(facet=alt.Facet("use_case:N", sort=use_cases, title="Use case"), columns=2)
        .properties(title=title)
    )


def band_shares_by(
    rows_: list[Row], bands: list[tuple[str, bool]], title: str, axis_title: str, none_word: str
) -> alt.Chart:
    """ARR share by adoption band within each group (a sales segment, a set of delivery types);
    `bands` as bands_in_order() gives them for the KPI."""
    values = [
        {
            "group": row["group_value"] or none_word,
            "band": row["adoption_band"],
            "band_order": row["adoption_band_order"],
            "arr": float(row["arr"] or 0),
        }
        for row in rows_
    ]
    return (
        alt.Chart(alt.Data(values=values), title=title)
        .mark_bar()
        .encode(
            y=alt.Y("group:N", title=axis_title),
            x=alt.X("arr:Q", stack="normalize", title="Share of ARR", axis=alt.Axis(format="%")),
            color=alt.Color("band:N", scale=band_scale(bands), title="Adoption band", sort=[b for b, _ in bands]),
            order=alt.Order("band_order:Q"),
        )
        .properties(width=WIDTH - 120, height=alt.Step(28))
    )
