{#- Which metric_catalog path supplied each metric, month by month: int_metric_path_usage, published. -#}
with

metric_path_usage as (

    select * from {{ ref('int_metric_path_usage') }}

),

final as (

    select
        reporting_month,
        metric,
        priority,
        payload_path,
        pings_supplied,
        -- Figures of the metric and of the month, repeated on each path row:
        -- named so, since a sum over paths would count them several times.
        pings_without_value as metric_pings_without_value,
        accepted_pings as month_accepted_pings
    from metric_path_usage

)

select
    *,
    {{ build_id() }} as build_id
from final
