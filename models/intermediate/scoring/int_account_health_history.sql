{#-
    Each account-month's health scores (use cases and overall, from
    int_health_scores) beside the same component's scores in the previous
    calendar month and three months earlier: the one place that looks back in
    time at health scores. fct_account_use_case_health shows the history and
    the trend; fct_adoption_alerts compares the two months. A month without a
    row for the component (no ARR then) gives empty previous columns.
-#}

with

health as (

    select * from {{ ref('int_health_scores') }}
    where entity_type = 'account'

),

final as (

    select
        current_month.entity_id as account_id,
        current_month.reporting_month,
        current_month.health_component_type,
        current_month.health_component,
        previous_month.score as previous_month_score,
        previous_month.color as previous_month_color,
        previous_month.effective_color as previous_month_effective_color,
        previous_month.effective_color_rank as previous_month_effective_color_rank,
        previous_month.effective_is_adopted as previous_month_effective_is_adopted,
        three_months_ago.color as color_3_months_ago
    from health as current_month
    left join health as previous_month
        on {{ months_earlier('current_month', 'previous_month', ['entity_id', 'health_component']) }}
    left join health as three_months_ago
        on {{ months_earlier('current_month', 'three_months_ago', ['entity_id', 'health_component'], 3) }}

)

select * from final
