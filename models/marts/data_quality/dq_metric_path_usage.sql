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
        pings_without_value,
        accepted_pings
    from metric_path_usage

)

select
    *,
    {{ build_id() }} as build_id
from final
