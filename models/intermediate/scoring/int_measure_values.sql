{#-
    The single input of scoring: measure values of instances and of accounts,
    side by side, so thresholds, use-case weights, overall weights and color
    bands are each applied by one model for both grains. Values are rounded to
    `comparison_decimal_places` so floating-point noise never moves a value
    across a seed bound.
#}

with

instance_values as (

    select * from {{ ref('int_instance_measure_values') }}

),

account_values as (

    select * from {{ ref('int_account_measure_values') }}

),

unioned as (

    select
        'instance' as entity_type,
        uuid as entity_id,
        reporting_month,
        measure,
        use_case,
        account_age_months,
        measure_value,
        measure_denominator,
        cast(null as integer) as subscriptions_contributing,
        is_applicable
    from instance_values

    union all

    select
        'account' as entity_type,
        account_id as entity_id,
        reporting_month,
        measure,
        use_case,
        account_age_months,
        measure_value,
        measure_denominator,
        subscriptions_contributing,
        is_applicable
    from account_values

),

final as (

    select
        entity_type,
        entity_id,
        reporting_month,
        measure,
        use_case,
        account_age_months,
        {{ round_double('measure_value', var('comparison_decimal_places') | int) }} as measure_value,
        measure_denominator,
        subscriptions_contributing,
        is_applicable
    from unioned

)

select * from final
