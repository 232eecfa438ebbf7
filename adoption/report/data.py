"""Every query the report runs, on the published set only (`published.marts.*`).

Summary figures (the Landscape) are small aggregates computed by DuckDB. Per-account figures are
read a slice of accounts at a time: `accounts()` streams `dim_accounts` in `account_id` order
(fetchmany), and `AccountSlice` reads every other mart for the accounts of one slice with an
`account_id between` filter. The published marts are written in the order of their key
(docs/publishing.md), so each slice reads only the row groups holding its accounts, and Python
never holds more than one slice of any mart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

import duckdb

from adoption.published import MARTS


class Row(dict[str, Any]):
    """A row: its columns by name, as `row["total_arr"]` and as `row.total_arr`. Templates read
    `row.total_arr`, which Jinja tries as an attribute first: found here at once, where a plain
    dict would raise AttributeError first (a third of the render time of a page)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[Row]:
    cursor = con.execute(sql, params or [])
    names = [column[0] for column in cursor.description]
    return [Row(zip(names, values, strict=True)) for values in cursor.fetchall()]


class Columns:
    """Which columns the published set has: a publication written before a column was added
    still reads (the report shows what it has: an older set has no data-gap columns)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._columns = {
            (table, column)
            for table, column in con.execute(
                "select table_name, column_name from duckdb_columns() where database_name = 'published' "
                "and schema_name = 'marts'"
            ).fetchall()
        }

    def has(self, table: str, column: str) -> bool:
        return (table, column) in self._columns

    def select(self, table: str, column: str, alias: str, otherwise: str) -> str:
        """`alias.column`, or `otherwise` (a SQL literal) when the published mart lacks it."""
        return f"{alias}.{column}" if self.has(table, column) else f"{otherwise} as {column}"


# --- Account Landscape -------------------------------------------------------------------------


def band_shares(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """rpt_arr_by_adoption_band as published: every month, every band."""
    return rows(
        con,
        f"select reporting_month, is_month_complete, adoption_band, adoption_band_order, account_count, arr, "
        f"pct_of_arr, cumulative_pct_of_arr_at_or_above from {MARTS}.rpt_arr_by_adoption_band "
        f"order by reporting_month, adoption_band_order",
    )


def color_order(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The use-case colors, worst first (fct_account_use_case_health.use_case_color_rank)."""
    return [
        color
        for (color,) in con.execute(
            f"select use_case_color from {MARTS}.fct_account_use_case_health where use_case_color is not null "
            f"group by use_case_color order by min(use_case_color_rank), use_case_color"
        ).fetchall()
    ]


def use_case_colors(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Accounts and ARR per effective color per use case per month (color null = not scored)."""
    return rows(
        con,
        f"select reporting_month, is_month_complete, use_case, use_case_display_order, effective_color as color, "
        f"count(*) as account_count, sum(total_arr) as arr from {MARTS}.fct_account_use_case_health "
        f"group by all order by reporting_month, use_case_display_order, color nulls last",
    )


def band_shares_by(con: duckdb.DuckDBPyConnection, columns: Columns, month: date, dimension: str) -> list[Row]:
    """ARR and accounts per adoption band within each `dimension` group (sales_segment from
    dim_accounts, delivery_types from fct_account_platform_adoption) in one month."""
    if dimension == "sales_segment":
        group = "a.sales_segment"
    elif columns.has("fct_account_platform_adoption", dimension):
        group = f"p.{dimension}"
    else:
        return []
    return rows(
        con,
        f"select {group} as group_value, p.adoption_band, p.adoption_band_order, count(*) as account_count, "
        f"sum(p.total_arr) as arr, sum(p.total_arr) / nullif(sum(sum(p.total_arr)) over (partition by {group}), 0) "
        f"as pct_of_arr from {MARTS}.fct_account_platform_adoption as p "
        f"join {MARTS}.dim_accounts as a using (account_id) where p.reporting_month = ? "
        f"group by {group}, p.adoption_band, p.adoption_band_order order by group_value nulls last, "
        f"p.adoption_band_order",
        [month],
    )


def movers(con: duckdb.DuckDBPyConnection, columns: Columns, month: date) -> list[Row]:
    """The month's band changes and use-case alerts (fct_adoption_alerts), by account ARR."""
    return rows(
        con,
        f"select al.account_id, a.account_name, al.alert_subject, al.use_case, al.alert_type, al.previous_color, "
        f"al.current_color, al.previous_adoption_band, al.current_adoption_band, al.csm_name, "
        f"{columns.select('fct_adoption_alerts', 'alert_sentence', 'al', 'null')}, "
        f"{columns.select('fct_adoption_alerts', 'is_data_gap', 'al', 'false')}, p.total_arr "
        f"from {MARTS}.fct_adoption_alerts as al join {MARTS}.dim_accounts as a using (account_id) "
        f"left join {MARTS}.fct_account_platform_adoption as p using (account_id, reporting_month) "
        f"where al.reporting_month = ? and (al.alert_subject = 'adoption_band' or al.use_case is not null) "
        f"order by p.total_arr desc nulls last, al.account_id, al.use_case_display_order nulls first",
        [month],
    )


def csms(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Every CSM of dim_accounts (null: accounts without one), with their accounts."""
    return rows(
        con,
        f"select csm_name, count(*) as account_count from {MARTS}.dim_accounts group by csm_name "
        f"order by csm_name nulls last",
    )


# --- Per account ---------------------------------------------------------------------------------


def accounts(con: duckdb.DuckDBPyConnection, slice_size: int) -> Iterator[list[Row]]:
    """dim_accounts in account_id order, `slice_size` accounts at a time (its own cursor, so the
    slice queries can run while it streams)."""
    cursor = con.cursor()
    result = cursor.execute(
        f"select account_id, account_name, csm_name, sales_segment, customer_since_date, first_arr_month, "
        f"latest_arr_month from {MARTS}.dim_accounts order by account_id"
    )
    names = [column[0] for column in result.description]
    try:
        while batch := result.fetchmany(slice_size):
            yield [Row(zip(names, values, strict=True)) for values in batch]
    finally:
        cursor.close()


def by_account(found: list[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in found:
        grouped[row["account_id"]].append(row)
    return grouped


class AccountSlice:
    """Every mart's rows for the accounts from `first` to `last` (account_id order)."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, columns: Columns, first: str, last: str, month: date | None
    ) -> None:
        span = [first, last]
        at_month = [first, last, month]
        self.platform = by_account(
            rows(
                con,
                f"select account_id, reporting_month, is_month_complete, total_arr, pct_arr_reporting_usage, "
                f"subscription_count, subscriptions_reporting_usage, overall_product_score, overall_product_color, "
                f"overall_trend, use_cases_adopted, adopted_use_cases, adoption_band, platform_score_trend "
                f"from {MARTS}.fct_account_platform_adoption "
                f"where account_id between ? and ? order by account_id, reporting_month",
                span,
            )
        )
        data_gap = columns.select("fct_account_use_case_health", "is_data_gap", "h", "false")
        # Every month's colors (the grid), then the latest complete month's whole rows.
        self.grid = by_account(
            rows(
                con,
                f"select h.account_id, h.reporting_month, h.is_month_complete, h.use_case, h.effective_color, "
                f"h.is_overridden, {data_gap} from {MARTS}.fct_account_use_case_health as h "
                f"where h.account_id between ? and ? "
                f"order by h.account_id, h.reporting_month, h.use_case_display_order",
                span,
            )
        )
        self.health = by_account(
            rows(
                con,
                f"select h.account_id, h.reporting_month, h.is_month_complete, h.use_case, h.use_case_display_order, "
                f"h.use_case_score, h.use_case_color, h.effective_color, h.is_overridden, h.override_reason, "
                f"h.is_adopted, h.trend, h.score_change, h.next_color, h.limiting_measure, h.next_step, "
                f"h.lack_of_adoption_reason, h.is_lack_of_adoption_reason_accepted, h.total_arr, {data_gap} "
                f"from {MARTS}.fct_account_use_case_health as h where h.account_id between ? and ? "
                f"and h.reporting_month = ? order by h.account_id, h.use_case_display_order",
                at_month,
            )
        )
        self.measures = by_account(
            rows(
                con,
                f"select m.account_id, m.use_case, m.use_case_display_order, m.measure, m.measure_label, "
                f"m.measure_value, m.measure_color, m.previous_month_value, m.previous_month_color, m.next_color, "
                f"m.next_color_direction, m.next_color_threshold, m.next_color_threshold_inclusive, "
                f"m.gap_to_next_color, "
                f"m.numerator_gap_to_next_color, m.numerator_unit, m.subscriptions_contributing, "
                f"{columns.select('fct_account_measures', 'previous_month_subscriptions_contributing', 'm', 'null')}, "
                f"{columns.select('fct_account_measures', 'is_data_gap', 'm', 'false')} "
                f"from {MARTS}.fct_account_measures as m where m.account_id between ? and ? "
                f"and m.reporting_month = ? order by m.account_id, m.use_case_display_order, m.measure",
                at_month,
            )
        )
        self.alerts = by_account(
            rows(
                con,
                f"select al.account_id, al.reporting_month, al.is_month_complete, al.alert_subject, al.use_case, "
                f"al.alert_type, al.previous_color, al.current_color, al.previous_adoption_band, "
                f"al.current_adoption_band, al.current_score, al.previous_score, "
                f"{columns.select('fct_adoption_alerts', 'alert_sentence', 'al', 'null')}, "
                f"{columns.select('fct_adoption_alerts', 'is_data_gap', 'al', 'false')} "
                f"from {MARTS}.fct_adoption_alerts as al where al.account_id between ? and ? "
                f"order by al.account_id, al.reporting_month desc, al.use_case_display_order nulls first, "
                f"al.alert_subject",
                span,
            )
        )
        self.reasons_owed = by_account(
            rows(
                con,
                f"select account_id, account_latest_month, use_case, use_case_color, lack_of_adoption_reason, "
                f"issue_type from {MARTS}.rpt_adoption_reason_hygiene where account_id between ? and ? "
                f"order by account_id, use_case_display_order",
                span,
            )
        )
        self.exclusions = by_account(
            rows(
                con,
                f"select account_id, uuid, subscription_id, reporting_month, instance_type, exclusion_reason, "
                f"exclusion_from_month, exclusion_to_month from {MARTS}.dq_excluded_instances "
                f"where account_id between ? and ? order by account_id, reporting_month desc, subscription_id, uuid",
                span,
            )
        )
        self.subscriptions = by_account(
            rows(
                con,
                f"select account_id, subscription_id, product_tier, delivery_type, "
                f"count(distinct uuid) as instances, count(distinct uuid) filter (where is_primary_instance) "
                f"as primary_instances from {MARTS}.fct_instance_use_case_health "
                f"where account_id between ? and ? and reporting_month = ? "
                f"group by all order by account_id, subscription_id",
                at_month,
            )
        )
