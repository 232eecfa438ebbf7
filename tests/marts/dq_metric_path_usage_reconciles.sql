{#-
    dq_metric_path_usage accounts for every accepted ping once per metric:
    for each month and catalog metric, the pings supplied by its paths plus
    the pings without a value equal the month's accepted pings, and those
    equal the accepted pings of staging. Every catalog row appears in every
    month. Returns the month and metric that do not add up.
#}

with

usage as (

    select * from {{ ref('dq_metric_path_usage') }}

),

catalog_rows as (

    select count(*) as catalog_rows from {{ ref('metric_catalog') }}

),

accepted as (

    select
        reporting_month,
        count(*) as staged_pings
    from {{ ref('stg_landing__usage_pings') }}
    group by reporting_month

),

by_metric as (

    select
        reporting_month,
        metric,
        max(month_accepted_pings) as accepted_pings,
        max(metric_pings_without_value) + sum(pings_supplied) as accounted_pings
    from usage
    group by reporting_month, metric

),

by_month as (

    select
        reporting_month,
        count(*) as usage_rows
    from usage
    group by reporting_month

)

select
    accepted.reporting_month,
    by_metric.metric,
    accepted.staged_pings,
    by_metric.accepted_pings,
    by_metric.accounted_pings,
    by_month.usage_rows,
    catalog_rows.catalog_rows
from accepted
cross join catalog_rows
left join by_month
    on accepted.reporting_month = by_month.reporting_month
left join by_metric
    on accepted.reporting_month = by_metric.reporting_month
where
    by_month.usage_rows is null
    or by_month.usage_rows <> catalog_rows.catalog_rows
    or by_metric.accepted_pings <> accepted.staged_pings
    or by_metric.accounted_pings <> accepted.staged_pings
