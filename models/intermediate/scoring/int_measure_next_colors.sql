{#-
    What it takes for each scored measure value to reach its next color
    (issue 12): the better color nearest in rank (score_color_bands), the
    bound of its interval in measure_thresholds (same measure, same age
    bracket) and the distance to that bound; the measure's label and the
    unit of its numerator (measure_labels). Whether a measure is better
    higher or lower is read from the seed: the better interval lies above or
    below the value. The best color, a missing value and an unscored value
    have no next color.

    The next interval, and the side the value reaches it from, depend only
    on the measure, the age bracket and the current color, so they are
    found among the seed's few rows; each value then meets at most one of
    them (a measure has one row per color and bracket, and its brackets do
    not overlap: seed tests). Only the gap depends on the value.
#}

with

measure_scores as (

    select * from {{ ref('int_measure_scores') }}

),

thresholds as (

    select * from {{ ref('measure_thresholds') }}

),

color_bands as (

    select * from {{ ref('score_color_bands') }}

),

measure_labels as (

    select * from {{ ref('measure_labels') }}

),

ranked_thresholds as (

    select
        thresholds.*,
        color_bands.color_rank
    from thresholds
    inner join color_bands
        on thresholds.color = color_bands.color

),

-- Each interval with the intervals of better colors in its bracket, nearest
-- in rank first, and the way to reach them.
better_intervals as (

    select
        current_interval.measure,
        current_interval.color as from_color,
        current_interval.account_age_min_months,
        current_interval.account_age_max_months,
        better.color as next_color,
        better.score as next_color_score,
        {{ approach_to_interval('current_interval', 'better', 'value', 'next_color') }},
        row_number() over (
            partition by
                current_interval.measure,
                current_interval.color,
                current_interval.account_age_min_months,
                current_interval.account_age_max_months
            order by better.color_rank asc
        ) as choice
    from ranked_thresholds as current_interval
    inner join ranked_thresholds as better
        on current_interval.measure = better.measure
        and current_interval.color_rank < better.color_rank
        and current_interval.account_age_min_months is not distinct from better.account_age_min_months
        and current_interval.account_age_max_months is not distinct from better.account_age_max_months

),

next_intervals as (

    select * from better_intervals
    where choice = 1

),

-- Each value with the next interval of its color and bracket, and the
-- distance to its bound.
with_next_interval as (

    select
        measure_scores.*,
        next_intervals.next_color,
        next_intervals.next_color_score,
        next_intervals.next_color_direction,
        next_intervals.next_color_bound,
        next_intervals.next_color_bound_inclusive,
        case
            when next_intervals.next_color_direction = 'higher'
                then next_intervals.next_color_bound - measure_scores.measure_value
            when next_intervals.next_color_direction = 'lower'
                then measure_scores.measure_value - next_intervals.next_color_bound
        end as gap
    from measure_scores
    left join next_intervals
        on measure_scores.measure = next_intervals.measure
        and measure_scores.measure_color = next_intervals.from_color
        and {{ threshold_applies_at_age('next_intervals', 'measure_scores.account_age_months') }}

),

final as (

    select
        with_next_interval.entity_type,
        with_next_interval.entity_id,
        with_next_interval.reporting_month,
        with_next_interval.measure,
        with_next_interval.use_case,
        with_next_interval.account_age_months,
        with_next_interval.measure_value,
        with_next_interval.is_applicable,
        with_next_interval.measure_denominator,
        with_next_interval.subscriptions_contributing,
        with_next_interval.measure_score,
        with_next_interval.measure_color,
        measure_labels.measure_label,
        measure_labels.numerator_unit,
        measure_labels.numerator_unit_singular,
        measure_labels.display_order as measure_display_order,
        with_next_interval.next_color,
        with_next_interval.next_color_score,
        with_next_interval.next_color_direction,
        with_next_interval.next_color_bound as next_color_threshold,
        with_next_interval.next_color_bound_inclusive as next_color_threshold_inclusive,
        {{ round_double('with_next_interval.gap', var('comparison_decimal_places') | int) }}
            as gap_to_next_color,
        -- The least whole number of numerator units (users, builds, scans)
        -- that, at the current denominator, reaches the bound: one more than
        -- the exact product when the bound itself is outside the interval.
        cast(
            case
                when with_next_interval.next_color_bound_inclusive
                    then ceil({{ round_double(
                        'with_next_interval.gap * with_next_interval.measure_denominator',
                        var('comparison_decimal_places') | int
                    ) }})
                else floor({{ round_double(
                    'with_next_interval.gap * with_next_interval.measure_denominator',
                    var('comparison_decimal_places') | int
                ) }}) + 1
            end as bigint
        ) as numerator_gap_to_next_color
    from with_next_interval
    left join measure_labels
        on with_next_interval.measure = measure_labels.measure

)

select * from final
