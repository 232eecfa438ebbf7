"""Before (the published set) against after (the scratch build), in SQL over one connection.

The connection has the published file attached read-only as `published` and the scratch build
database attached read-only as `scratch`. Months compared: the published set's latest complete
month and the 12 months ending with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

BEFORE = "published.marts"
MONTHS = 12


@dataclass(frozen=True)
class Relations:
    """Where the scratch build's relations are (schemas of the scratch database)."""

    intermediate: str
    marts: str


def window(latest: date) -> str:
    """SQL condition on `reporting_month`: the 12 months ending with `latest`."""
    return (
        f"reporting_month <= date '{latest.isoformat()}' "
        f"and reporting_month > date '{latest.isoformat()}' - interval {MONTHS} month"
    )


def account_changes_sql(after: Relations, latest: date) -> str:
    """One row per account, month and what changed: a use case's color, the platform score or the band."""
    return f"""
        with
        before_colors as (
            select account_id, reporting_month, use_case as component, use_case_color as color
            from {BEFORE}.fct_account_use_case_health
            where {window(latest)}
        ),
        after_colors as (
            select entity_id as account_id, reporting_month, health_component as component, color
            from {after.intermediate}.int_health_scores
            where entity_type = 'account' and health_component_type = 'use_case' and {window(latest)}
        ),
        before_platform as (
            select * from {BEFORE}.fct_account_platform_adoption where {window(latest)}
        ),
        after_platform as (
            select * from {after.marts}.fct_account_platform_adoption where {window(latest)}
        ),
        color_changes as (
            select
                coalesce(b.account_id, a.account_id) as account_id,
                coalesce(b.reporting_month, a.reporting_month) as reporting_month,
                coalesce(b.component, a.component) as changed,
                b.color as before_value,
                a.color as after_value
            from before_colors as b
            full outer join after_colors as a
                on b.account_id = a.account_id
                and b.reporting_month = a.reporting_month
                and b.component = a.component
            where b.color is distinct from a.color
        ),
        platform_changes as (
            select
                coalesce(b.account_id, a.account_id) as account_id,
                coalesce(b.reporting_month, a.reporting_month) as reporting_month,
                changes.changed,
                changes.before_value,
                changes.after_value
            from before_platform as b
            full outer join after_platform as a
                on b.account_id = a.account_id
                and b.reporting_month = a.reporting_month
            cross join lateral (
                values
                    ('platform score', cast(b.use_cases_adopted as varchar), cast(a.use_cases_adopted as varchar)),
                    ('adoption band', b.adoption_band, a.adoption_band)
            ) as changes (changed, before_value, after_value)
            where changes.before_value is distinct from changes.after_value
        ),
        changes as (
            select * from color_changes
            union all
            select * from platform_changes
        )
        select
            changes.reporting_month,
            changes.account_id,
            accounts.account_name,
            coalesce(b.total_arr, a.total_arr) as total_arr,
            changes.changed,
            changes.before_value,
            changes.after_value
        from changes
        left join {BEFORE}.dim_accounts as accounts
            on changes.account_id = accounts.account_id
        left join before_platform as b
            on changes.account_id = b.account_id and changes.reporting_month = b.reporting_month
        left join after_platform as a
            on changes.account_id = a.account_id and changes.reporting_month = a.reporting_month
        order by
            changes.reporting_month desc,
            total_arr desc nulls last,
            changes.account_id,
            changes.changed = 'adoption band',
            changes.changed = 'platform score',
            changes.changed
    """


def arr_by_band_sql(after: Relations, latest: date) -> str:
    """ARR and accounts per adoption band and month, before and after."""
    return f"""
        select
            coalesce(b.reporting_month, a.reporting_month) as reporting_month,
            coalesce(b.adoption_band, a.adoption_band) as adoption_band,
            coalesce(b.account_count, 0) as accounts_before,
            coalesce(a.account_count, 0) as accounts_after,
            coalesce(b.arr, 0) as arr_before,
            coalesce(a.arr, 0) as arr_after,
            coalesce(a.arr, 0) - coalesce(b.arr, 0) as arr_change,
            coalesce(b.pct_of_arr, 0) as pct_of_arr_before,
            coalesce(a.pct_of_arr, 0) as pct_of_arr_after
        from (select * from {BEFORE}.rpt_arr_by_adoption_band where {window(latest)}) as b
        full outer join (select * from {after.marts}.rpt_arr_by_adoption_band where {window(latest)}) as a
            on b.reporting_month = a.reporting_month
            and b.adoption_band = a.adoption_band
        order by reporting_month desc, coalesce(b.adoption_band_order, a.adoption_band_order)
    """


def reference_agreement_sql(after: Relations, has_before: bool) -> str:
    """Per use case: the reference expectations and how many agree, before and after."""
    before = (
        f"select * from {BEFORE}.rpt_reference_account_agreement"
        if has_before
        else "select * from (select null as use_case, null as reporting_month, 0 as expectations, "
        "0 as agreeing, 0 as disagreeing, 0 as unscored, null as share_agreeing, null as use_case_display_order) "
        "where false"
    )
    return f"""
        select
            coalesce(b.use_case, a.use_case) as use_case,
            a.reporting_month,
            coalesce(a.expectations, b.expectations) as expectations,
            b.agreeing as agreeing_before,
            a.agreeing as agreeing_after,
            b.disagreeing as disagreeing_before,
            a.disagreeing as disagreeing_after,
            b.unscored as unscored_before,
            a.unscored as unscored_after,
            b.share_agreeing as share_agreeing_before,
            a.share_agreeing as share_agreeing_after
        from ({before}) as b
        full outer join {after.marts}.rpt_reference_account_agreement as a
            on b.use_case = a.use_case
        order by coalesce(b.use_case_display_order, a.use_case_display_order), use_case
    """


def reference_checks_sql(after: Relations, has_before: bool) -> str:
    """Each reference expectation whose computed color or agreement changes."""
    before = (
        f"select * from {BEFORE}.fct_reference_account_checks"
        if has_before
        else f"select * from {after.marts}.fct_reference_account_checks where false"
    )
    return f"""
        select
            a.account_id,
            a.account_name,
            a.use_case,
            a.expected_color,
            b.computed_color as computed_color_before,
            a.computed_color as computed_color_after,
            b.agreement as agreement_before,
            a.agreement as agreement_after
        from {after.marts}.fct_reference_account_checks as a
        left join ({before}) as b
            on a.account_id = b.account_id and a.use_case = b.use_case
        order by a.use_case_display_order, a.account_id
    """


def has_table(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where database_name = ? and schema_name = ? and table_name = ?",
            [catalog, schema, table],
        ).fetchall()[0][0]
    )
