with

checks as (

    select * from {{ ref('int_reference_account_checks') }}

),

final as (

    select
        account_id,
        account_name,
        use_case,
        cast(use_case_display_order as integer) as use_case_display_order,
        expected_color,
        confirmed_by,
        confirmed_on,
        note,
        reporting_month,
        use_case_score,
        computed_color,
        agreement,
        is_agreeing,
        cast(color_rank_difference as integer) as color_rank_difference,
        score_miss
    from checks

)

select
    *,
    {{ build_id() }} as build_id
from final
