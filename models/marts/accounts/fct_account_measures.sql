{#
    Every measure of every account-month (SPEC §6, issue 12): the
    ARR-weighted value the rollup scores (SPEC §5.2), its score and color,
    last calendar month's value and color, and what it takes to reach the
    next color (int_measure_next_colors); whether fewer subscriptions
    contributed than last month (int_account_measure_data_gaps).
#}

with

measures as (

    select * from {{ ref('int_measure_next_colors') }}
    where entity_type = 'account'

),

data_gaps as (

    select * from {{ ref('int_account_measure_data_gaps') }}

),

use_cases as (

    select * from {{ ref('int_methodology__use_cases') }}

),

final as (

    select
        current_month.entity_id as account_id,
        current_month.reporting_month,
        {{ is_month_complete('current_month.reporting_month') }} as is_month_complete,
        current_month.measure,
        current_month.use_case,
        cast(use_cases.display_order as integer) as use_case_display_order,
        current_month.measure_label,
        cast(current_month.account_age_months as integer) as account_age_months,
        current_month.measure_value,
        current_month.measure_score,
        current_month.measure_color,
        cast(current_month.subscriptions_contributing as integer) as subscriptions_contributing,
        data_gaps.previous_month_subscriptions_contributing,
        coalesce(data_gaps.is_data_gap, false) as is_data_gap,
        previous_month.measure_value as previous_month_value,
        previous_month.measure_color as previous_month_color,
        current_month.next_color,
        current_month.next_color_direction,
        current_month.next_color_threshold,
        current_month.next_color_threshold_inclusive,
        current_month.gap_to_next_color,
        cast(current_month.measure_denominator as bigint) as measure_denominator,
        current_month.numerator_gap_to_next_color,
        current_month.numerator_unit
    from measures as current_month
    left join measures as previous_month
        on {{ months_earlier('current_month', 'previous_month', ['entity_id', 'measure']) }}
    left join use_cases
        on current_month.use_case = use_cases.use_case
    left join data_gaps
        on current_month.entity_id = data_gaps.account_id
        and current_month.reporting_month = data_gaps.reporting_month
        and current_month.measure = data_gaps.measure

)

select
    *,
    {{ build_id() }} as build_id
from final
