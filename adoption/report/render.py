"""Write the report: the Landscape, then one pass over the accounts (a slice at a time) that writes
each Customer 360 page and keeps a one-line summary per account for its CSM's page."""

from __future__ import annotations

import csv
import functools
import hashlib
import os
import re
import shutil
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from adoption.published import Publication, connect, publication
from adoption.report import charts, data
from adoption.report.data import Row

SLICE_SIZE = 500
DUCKDB_MEMORY_LIMIT = "128MB"
# The report's own words that charts need (the pages' words are in the templates).
UNSCORED = "Unscored"
OPEN_MONTH = "open"
NO_VALUE = "none"
OVERRIDDEN = "overridden"
NO_ROW = "no row"
DATA_GAP = "data gap"
NO_CSM_PAGE = "_no-csm"  # "_" never occurs in a slug: no CSM's page can take this name


# --- names ------------------------------------------------------------------------------------


def slug(value: str) -> str:
    """A safe, unique file name for any id or name: its letters and digits (ASCII, lowercase,
    at most 40), then 8 hex digits of its SHA-256, so that two values that read alike
    ("Ana & Bo", "ana-bo") never share a file, on case-insensitive file systems too."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    readable = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-")
    digest = hashlib.sha256(value.encode()).hexdigest()[:8]
    return f"{readable}-{digest}" if readable else digest


def csm_page(csm_name: str | None) -> str:
    return f"{NO_CSM_PAGE if csm_name is None else slug(csm_name)}.html"


# --- formatting (filters) -----------------------------------------------------------------------


def money(value: Any) -> str:
    return "" if value is None else f"${float(value):,.0f}"


def pct(value: Any) -> str:
    return "" if value is None else f"{float(value):.1%}"


def number(value: Any) -> str:
    if value is None:
        return ""
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.3f}"


def bound(row: Row) -> str:
    """Where a measure's next color starts, as a comparison: "> 40", "≥ 2", "< 0.5"."""
    direction, inclusive = row["next_color_direction"], row["next_color_threshold_inclusive"]
    sign = {"higher": ("≥", ">"), "lower": ("≤", "<")}.get(direction)
    value = number(row["next_color_threshold"])
    if sign is None:
        return f"{direction or ''} {value}".strip()
    return f"{sign[0] if inclusive else sign[1]} {value}"


def month_name(value: date | None) -> str:
    return "" if value is None else value.strftime("%B %Y")


def iso(value: date | datetime | None) -> str:
    return "" if value is None else value.isoformat()


def css_word(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def csv_value(value: Any) -> Any:
    """Numbers unformatted, booleans true/false, dates ISO, null empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal | float | int):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


# --- color cells (the HTML contract, docs/report.md) ------------------------------------------------
# Written here rather than as template macros: a Customer 360 page holds about a hundred of them,
# and a cached function is ten times faster than a Jinja macro call.


def marker(word: str) -> str:
    return f' <span class="marker">{escape(word)}</span>'


@functools.lru_cache(maxsize=65536)
def _color_cell(
    use_case: str, month: date, color: str | None, data_gap: bool, overridden: bool, field: str | None
) -> Markup:
    word = color if color is not None else UNSCORED
    attributes = (
        f'class="color color-{css_word(word)}" data-use-case="{escape(use_case)}" '
        f'data-month="{month.isoformat()}" data-color="{escape(word)}"'
    )
    if field:
        attributes += f' data-field="{escape(field)}"'
    if data_gap:
        attributes += ' data-data-gap="true"'
    if overridden:
        attributes += ' data-overridden="true"'
    markers = (marker(OVERRIDDEN) if overridden else "") + (marker(DATA_GAP) if data_gap else "")
    return Markup(f"<td {attributes}>{escape(word)}{markers}</td>")


def color_cell(row: Row, field: str | None = None) -> Markup:
    """A use case's color in one month: `<td class="color color-red" data-use-case="CI"
    data-month="2026-11-01" data-color="Red">Red</td>`, the word always shown (Unscored when
    the use case has no score), data-gap and overridden cells marked in a word too."""
    return _color_cell(
        row["use_case"],
        row["reporting_month"],
        row["effective_color"],
        bool(row["is_data_gap"]),
        bool(row["is_overridden"]),
        field,
    )


@functools.lru_cache(maxsize=1024)
def word_cell(color: str | None) -> Markup:
    """An overall or a measure's color (not a use case's): the word always shown."""
    word = color if color is not None else UNSCORED
    return Markup(f'<td class="score-color color-{css_word(word)}" data-color="{escape(word)}">{escape(word)}</td>')


@functools.lru_cache(maxsize=4096)
def short_month(month: date) -> str:
    return month.strftime("%b %Y")


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("adoption.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=money,
        pct=pct,
        number=number,
        bound=bound,
        month_name=month_name,
        iso=iso,
        css_word=css_word,
        short_month=short_month,
    )
    env.globals.update(
        UNSCORED=UNSCORED,
        OPEN_MONTH=OPEN_MONTH,
        DATA_GAP=DATA_GAP,
        OVERRIDDEN=OVERRIDDEN,
        color_cell=color_cell,
        word_cell=word_cell,
    )
    return env


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a run wrote."""

    out: Path
    index: Path
    accounts: int = 0
    csm_pages: int = 0
    readme_chart: Path | None = None
    seconds: float = 0.0
    exports: list[Path] = field(default_factory=list)


class CsvFile:
    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path = path
        self.columns = columns
        self._file = path.open("w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._file)
        self._writer.writerow(columns)

    def write(self, row: Row) -> None:
        self._writer.writerow([csv_value(row[column]) for column in self.columns])

    def close(self) -> None:
        self._file.close()


CUSTOMER_360_COLUMNS = [
    "account_id",
    "account_name",
    "csm_name",
    "reporting_month",
    "use_case",
    "effective_color",
    "use_case_color",
    "use_case_score",
    "is_overridden",
    "override_reason",
    "trend",
    "next_color",
    "limiting_measure",
    "next_step",
    "lack_of_adoption_reason",
    "is_lack_of_adoption_reason_accepted",
    "is_data_gap",
    "total_arr",
]
PORTFOLIO_COLUMNS = [
    "csm_name",
    "account_id",
    "account_name",
    "reporting_month",
    "total_arr",
    "adoption_band",
    "use_cases_adopted",
    "adopted_use_cases",
    "overall_product_score",
    "overall_product_color",
    "overall_trend",
    "alerts_this_month",
    "reasons_owed",
    "overrides_in_force",
]
BAND_COLUMNS = [
    "reporting_month",
    "is_month_complete",
    "adoption_band",
    "adoption_band_order",
    "account_count",
    "arr",
    "pct_of_arr",
    "cumulative_pct_of_arr_at_or_above",
]
USE_CASE_COLOR_COLUMNS = ["reporting_month", "is_month_complete", "use_case", "color", "account_count", "arr"]


class NotAReport(Exception):
    """--out names a directory that holds something other than a report."""


def refuse_to_replace(out: Path) -> None:
    if out.exists() and not (out.is_dir() and ((out / "index.html").is_file() or not any(out.iterdir()))):
        raise NotAReport(f"{out} exists and is not a report directory (no index.html): choose another --out")


def put_in_place(site: Path, out: Path) -> None:
    """Rename the new site to `out`; the previous report, if any, is moved aside first, then removed."""
    old = out.parent / f".{out.name}.previous-{os.getpid()}"
    if out.exists():
        out.rename(old)
    site.rename(out)
    shutil.rmtree(old, ignore_errors=True)


class Report:
    def __init__(self, published: Path, out: Path, readme_chart: Path | None) -> None:
        self.published = published
        self.out = out
        self.readme_chart = readme_chart
        self.env = environment()
        self.templates = {
            name: self.env.get_template(f"{name}.html.j2")
            for name in ("landscape", "portfolio", "portfolio_row", "customer_360")
        }

    def write(self) -> Summary:
        """Write the whole site beside `out`, then put it in place of the previous one: a reader
        never sees half a report, and no page of an account gone from the published set stays."""
        started = time.monotonic()
        refuse_to_replace(self.out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.site = self.out.parent / f".{self.out.name}.writing-{os.getpid()}"
        shutil.rmtree(self.site, ignore_errors=True)
        for folder in ("csm", "accounts", "exports"):
            (self.site / folder).mkdir(parents=True)
        summary = Summary(self.out, self.out / "index.html")
        try:
            con = connect(self.published)
            try:
                # DuckDB would keep the file's blocks it read cached up to most of the machine's
                # memory; the report reads each block about once: a small cache bounds memory.
                con.execute(f"set memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
                pub = publication(con)
                columns = data.Columns(con)
                use_cases = self.landscape(con, columns, pub, summary)
                portfolios = self.accounts(con, columns, pub, use_cases, summary)
                self.portfolios(pub, use_cases, portfolios, summary)
            finally:
                con.close()
            put_in_place(self.site, self.out)
        except BaseException:
            shutil.rmtree(self.site, ignore_errors=True)
            raise
        summary.exports = [self.out / "exports" / path.name for path in summary.exports]
        summary.seconds = time.monotonic() - started
        return summary

    def page(self, pub: Publication, root: str) -> dict[str, Any]:
        """What every page shows of the publication; `root` leads from the page to index.html."""
        return {"pub": pub, "root": root}

    # Account Landscape ------------------------------------------------------------------------

    def landscape(
        self, con: duckdb.DuckDBPyConnection, columns: data.Columns, pub: Publication, summary: Summary
    ) -> list[str]:
        shares = data.band_shares(con)
        colors = data.color_order(con)
        color_counts = data.use_case_colors(con)
        use_cases = list(
            dict.fromkeys(row["use_case"] for row in sorted(color_counts, key=lambda r: r["use_case_display_order"]))
        )
        month = pub.latest_complete_month
        bands = charts.bands_in_order(shares)
        segments = data.band_shares_by(con, columns, month, "sales_segment") if month else []
        delivery = data.band_shares_by(con, columns, month, "delivery_types") if month else []
        kpi = charts.arr_by_adoption_band(shares, OPEN_MONTH)
        figures = {
            "arr_by_adoption_band": charts.svg(kpi),
            "accounts_by_use_case_color": charts.svg(
                charts.use_case_colors(
                    color_counts,
                    colors,
                    UNSCORED,
                    OPEN_MONTH,
                    "account_count",
                    "Accounts per color, by use case",
                    "Accounts",
                )
            ),
            "arr_by_use_case_color": charts.svg(
                charts.use_case_colors(
                    color_counts, colors, UNSCORED, OPEN_MONTH, "arr", "ARR per color, by use case", "ARR ($)"
                )
            ),
        }
        if segments:
            figures["arr_by_sales_segment"] = charts.svg(
                charts.band_shares_by(
                    segments,
                    bands,
                    f"Share of ARR by adoption band and sales segment, {month_name(month)}",
                    "Sales segment",
                    NO_VALUE,
                )
            )
        if delivery:
            figures["arr_by_delivery_type"] = charts.svg(
                charts.band_shares_by(
                    delivery,
                    bands,
                    f"Share of ARR by adoption band and delivery type, {month_name(month)}",
                    "Delivery types",
                    NO_VALUE,
                )
            )
        if self.readme_chart is not None:
            summary.readme_chart = charts.png(kpi, self.readme_chart)
        csm_rows = [Row(row, page=f"csm/{csm_page(row['csm_name'])}") for row in data.csms(con)]
        moved = (
            [Row(row, page=f"accounts/{slug(row['account_id'])}.html") for row in data.movers(con, columns, month)]
            if month
            else []
        )
        latest_shares = [row for row in shares if row["reporting_month"] == month]
        html = self.templates["landscape"].render(
            **self.page(pub, ""),
            figures={name: Markup(svg) for name, svg in figures.items()},
            latest_shares=latest_shares,
            use_cases=use_cases,
            colors=colors,
            color_counts=sorted(
                (row for row in color_counts if row["reporting_month"] == month),
                key=lambda row: (
                    row["use_case_display_order"],
                    colors.index(row["color"]) if row["color"] in colors else len(colors),
                ),
            ),
            segments=segments,
            delivery=delivery,
            has_delivery=columns.has("fct_account_platform_adoption", "delivery_types"),
            csms=[row for row in csm_rows if row["csm_name"] is not None],
            no_csm=next((row for row in csm_rows if row["csm_name"] is None), None),
            band_moves=[row for row in moved if row["alert_subject"] == "adoption_band"],
            use_case_alerts=[row for row in moved if row["use_case"] is not None],
        )
        (self.site / "index.html").write_text(html, encoding="utf-8")
        for name, rows_, header in (
            ("landscape_band_shares.csv", shares, BAND_COLUMNS),
            ("landscape_use_case_colors.csv", color_counts, USE_CASE_COLOR_COLUMNS),
        ):
            export = CsvFile(self.site / "exports" / name, header)
            for row in rows_:
                export.write(row)
            export.close()
            summary.exports.append(export.path)
        return use_cases

    # Customer 360 -----------------------------------------------------------------------------

    def accounts(
        self,
        con: duckdb.DuckDBPyConnection,
        columns: data.Columns,
        pub: Publication,
        use_cases: list[str],
        summary: Summary,
    ) -> dict[str | None, list[Row]]:
        month = pub.latest_complete_month
        template = self.templates["customer_360"]
        row_template = self.templates["portfolio_row"]
        page = self.page(pub, "../")
        portfolios: dict[str | None, list[Row]] = defaultdict(list)
        export = CsvFile(self.site / "exports" / "customer_360.csv", CUSTOMER_360_COLUMNS)
        for accounts in data.accounts(con, SLICE_SIZE):
            found = data.AccountSlice(con, columns, accounts[0]["account_id"], accounts[-1]["account_id"], month)
            for account in accounts:
                context = customer_360(account, found, month)
                (self.site / "accounts" / f"{context['slug']}.html").write_text(
                    template.render(**page, **context, csm_href=csm_page(account["csm_name"])), encoding="utf-8"
                )
                for row in context["latest_health"]:
                    export.write({**row, **account})
                line = portfolio_line(context)
                # Only the CSM page's row (rendered) and the export's figures are kept until the
                # CSM pages are written: a few hundred bytes an account.
                line["html"] = Markup(row_template.render(line=line, use_cases=use_cases))
                portfolios[account["csm_name"]].append(
                    Row({column: line[column] for column in (*PORTFOLIO_COLUMNS[1:], "html")})
                )
                summary.accounts += 1
            del found
        export.close()
        summary.exports.append(export.path)
        return portfolios

    # CSM Portfolio ----------------------------------------------------------------------------

    def portfolios(
        self, pub: Publication, use_cases: list[str], portfolios: dict[str | None, list[Row]], summary: Summary
    ) -> None:
        template = self.templates["portfolio"]
        page = self.page(pub, "../")
        export = CsvFile(self.site / "exports" / "portfolio.csv", PORTFOLIO_COLUMNS)
        for csm_name in sorted(portfolios, key=lambda name: (name is None, name or "")):
            lines = sorted(
                portfolios[csm_name], key=lambda line: (-(line["total_arr"] or 0), line["account_name"] or "")
            )
            (self.site / "csm" / csm_page(csm_name)).write_text(
                template.render(**page, csm_name=csm_name, lines=lines, use_cases=use_cases), encoding="utf-8"
            )
            for line in sorted(lines, key=lambda line: line["account_id"]):
                export.write({**line, "csm_name": csm_name})
            summary.csm_pages += 1
        export.close()
        summary.exports.append(export.path)


def customer_360(account: Row, found: data.AccountSlice, month: date | None) -> dict[str, Any]:
    account_id = account["account_id"]
    colors = found.grid.get(account_id, [])
    platform = found.platform.get(account_id, [])
    months = list(dict.fromkeys(row["reporting_month"] for row in colors))
    open_months = {row["reporting_month"] for row in colors if not row["is_month_complete"]}
    by_use_case: dict[str, dict[date, Row]] = {}
    for row in colors:
        by_use_case.setdefault(row["use_case"], {})[row["reporting_month"]] = row
    grid = {
        use_case: Markup("").join(color_cell(cells[month]) if month in cells else no_row(month) for month in months)
        for use_case, cells in by_use_case.items()
    }
    latest_health = found.health.get(account_id, [])
    latest_platform = next((row for row in platform if row["reporting_month"] == month), None)
    alerts = found.alerts.get(account_id, [])
    measures = found.measures.get(account_id, [])
    return {
        "slug": slug(account_id),
        "account": account,
        "months": months,
        "open_months": open_months,
        "grid": grid,
        "platform": platform,
        "latest_platform": latest_platform,
        "latest_health": latest_health,
        "measures": measures,
        "labels": {row["measure"]: row["measure_label"] for row in measures if row["measure_label"]},
        "alerts": alerts,
        "month_alerts": [alert for alert in alerts if alert["reporting_month"] == month],
        "reasons_owed": found.reasons_owed.get(account_id, []),
        "exclusions": found.exclusions.get(account_id, []),
        "subscriptions": found.subscriptions.get(account_id, []),
        "overrides": [row for row in latest_health if row["is_overridden"]],
        "reasons_on_file": [row for row in latest_health if row["lack_of_adoption_reason"] is not None],
    }


@functools.lru_cache(maxsize=4096)
def no_row(month: date) -> Markup:
    return Markup(f'<td class="muted" data-month="{month.isoformat()}">{escape(NO_ROW)}</td>')


def portfolio_line(context: dict[str, Any]) -> Row:
    """One account's line on its CSM's page (and in exports/portfolio.csv): the latest complete month."""
    account = context["account"]
    latest = context["latest_platform"] or {}
    return Row(
        {
            "account_id": account["account_id"],
            "account_name": account["account_name"],
            "slug": context["slug"],
            "reporting_month": latest.get("reporting_month"),
            "total_arr": latest.get("total_arr"),
            "adoption_band": latest.get("adoption_band"),
            "use_cases_adopted": latest.get("use_cases_adopted"),
            "adopted_use_cases": latest.get("adopted_use_cases"),
            "overall_product_score": latest.get("overall_product_score"),
            "overall_product_color": latest.get("overall_product_color"),
            "overall_trend": latest.get("overall_trend"),
            "cells": {row["use_case"]: row for row in context["latest_health"]},
            "month_alerts": context["month_alerts"],
            "reasons": context["reasons_owed"],
            "overrides": context["overrides"],
            "alerts_this_month": len(context["month_alerts"]),
            "reasons_owed": len(context["reasons_owed"]),
            "overrides_in_force": len(context["overrides"]),
        }
    )
