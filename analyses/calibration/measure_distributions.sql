-- Asked by: data engineers tuning the methodology seeds (issue #25, December 2026).
-- Question: where do accounts stand on each measure? The methodology sets a
-- measure's thresholds from how many customers fall into each quartile: for
-- each measure, over the account-months of the calibration window, the count,
-- the share missing, min, deciles, quartiles (p50 is the median) and max of
-- the account values (fct_account_measures.measure_value); overall, by sales
-- segment (dim_accounts) and by delivery type (delivery_types as written in
-- fct_account_platform_adoption).
-- Run by `python -m adoption.calibrate` (docs/calibration.md).

with

measures as (
    select * from {{ ref('fct_account_measures') }}
),

account_months as (
    select * from {{ ref('fct_account_platform_adoption') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

window_months as (
    {{ calibration_window_months('account_months') }}
),

values_in_window as (
    select
        measures.measure,
        measures.use_case,
        measures.use_case_display_order,
        measures.measure_value,
        accounts.sales_segment,
        account_months.delivery_types
    from measures
    inner join window_months
        on measures.reporting_month = window_months.reporting_month
    inner join account_months
        on
            measures.account_id = account_months.account_id
            and measures.reporting_month = account_months.reporting_month
    left join accounts
        on measures.account_id = accounts.account_id
),

-- One row per measure overall, per measure and sales segment, and per measure
-- and delivery type; `breakdown` names the column grouped by.
overall as (
    select
        'overall' as breakdown,
        cast(null as {{ var('string_type')[target.type] }}) as breakdown_value,
        1 as breakdown_order,
        measure,
        use_case,
        use_case_display_order,
        {{ measure_distribution('measure_value') }}
    from values_in_window
    group by measure, use_case, use_case_display_order
),

by_sales_segment as (
    select
        'sales_segment' as breakdown,
        sales_segment as breakdown_value,
        2 as breakdown_order,
        measure,
        use_case,
        use_case_display_order,
        {{ measure_distribution('measure_value') }}
    from values_in_window
    group by sales_segment, measure, use_case, use_case_display_order
),

by_delivery_type as (
    select
        'delivery_types' as breakdown,
        delivery_types as breakdown_value,
        3 as breakdown_order,
        measure,
        use_case,
        use_case_display_order,
        {{ measure_distribution('measure_value') }}
    from values_in_window
    group by delivery_types, measure, use_case, use_case_display_order
),

final as (
    select * from overall
    union all
    select * from by_sales_segment
    union all
    select * from by_delivery_type
)

select * from final
order by
    use_case_display_order nulls first,
    measure,
    breakdown_order,
    breakdown_value nulls last
