{#- Every earlier published version of each account-month-use-case score and color (docs: _history__docs.md). -#}
with

versions as (

    select * from {{ ref('history_account_use_case_colors') }}

),

final as (

    select
        account_id,
        reporting_month,
        use_case,
        use_case_score,
        use_case_color,
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
