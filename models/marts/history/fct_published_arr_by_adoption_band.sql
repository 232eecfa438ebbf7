{#- Every earlier published version of each month and band's ARR (docs: _history__docs.md). -#}
with

versions as (

    select * from {{ ref('history_arr_by_adoption_band') }}

),

final as (

    select
        reporting_month,
        adoption_band,
        account_count,
        arr,
        pct_of_arr,
        is_month_complete,
        published_build_id,
        cast(dbt_valid_from as timestamp) as published_from,
        cast(dbt_valid_to as timestamp) as published_to,
        is_published
    from versions

)

select
    *,
    {{ build_id() }} as build_id
from final
