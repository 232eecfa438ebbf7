{#-
    Score and color of every measure value (SPEC §4.2): the one row of
    measure_thresholds whose interval holds the value and, for age-bracketed
    measures (license utilization), whose bracket holds the account's age.
    Missing values, values of non-applicable measures and ages outside every
    bracket get no score: missing is never Red.
#}

with

measure_values as (

    select * from {{ ref('int_measure_values') }}

),

thresholds as (

    select * from {{ ref('measure_thresholds') }}

),

final as (

    select
        measure_values.entity_type,
        measure_values.entity_id,
        measure_values.reporting_month,
        measure_values.measure,
        measure_values.use_case,
        measure_values.account_age_months,
        measure_values.measure_value,
        measure_values.is_applicable,
        measure_values.measure_denominator,
        measure_values.subscriptions_contributing,
        thresholds.score as measure_score,
        thresholds.color as measure_color
    from measure_values
    left join thresholds
        on measure_values.measure = thresholds.measure
        and measure_values.is_applicable
        and {{ value_in_interval(
            'measure_values.measure_value',
            'thresholds.min_value', 'thresholds.min_inclusive',
            'thresholds.max_value', 'thresholds.max_inclusive'
        ) }}
        and {{ threshold_applies_at_age('thresholds', 'measure_values.account_age_months') }}

)

select * from final
