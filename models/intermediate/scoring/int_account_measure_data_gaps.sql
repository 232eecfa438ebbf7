{#-
    Every account-month measure beside the number of subscriptions (their
    primary instances) that contributed a value in the previous calendar month
    (issue 24): `is_data_gap` when fewer contributed this month than then, or
    the measure has no value this month while it had one then. A churned
    subscription counts as one fewer: the value rests on less data either way.
    No previous-month row (no ARR then) is no gap. The one home of the rule;
    int_account_data_gaps rolls it up to use cases, overall and band.
-#}

with

measures as (

    select * from {{ ref('int_measure_next_colors') }}
    where entity_type = 'account'

),

methodology as (

    select * from {{ ref('int_methodology__measures') }}

),

final as (

    select
        current_month.entity_id as account_id,
        current_month.reporting_month,
        current_month.measure,
        current_month.use_case,
        current_month.measure_label,
        current_month.measure_display_order,
        coalesce(methodology.use_case_weight > 0, false) as is_weighted,
        cast(current_month.subscriptions_contributing as integer) as subscriptions_contributing,
        cast(previous_month.subscriptions_contributing as integer) as previous_month_subscriptions_contributing,
        coalesce(
            current_month.subscriptions_contributing < previous_month.subscriptions_contributing
            or (current_month.measure_value is null and previous_month.measure_value is not null),
            false
        ) as is_data_gap
    from measures as current_month
    left join measures as previous_month
        on {{ months_earlier('current_month', 'previous_month', ['entity_id', 'measure']) }}
    left join methodology
        on current_month.measure = methodology.measure

)

select * from final
