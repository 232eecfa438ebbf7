{#- Every earlier published version of each account-month's platform adoption (docs: _history__docs.md). -#}
with

versions as (

    select * from {{ ref('history_account_platform_adoption') }}

),

final as (

    select
        account_id,
        reporting_month,
        total_arr,
        overall_product_color,
        use_cases_adopted,
        adoption_band,
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
