{#-
    What it takes for each scored measure value to reach its next color
    (issue 12): the better color nearest in rank (score_color_bands), the
    bound of its interval in measure_thresholds (same measure, same age
    bracket) and the distance to that bound; the measure's label and the
    unit of its numerator (measure_labels). Whether a measure is better
    higher or lower is read from the seed: the better interval lies above or
    below the value. The best color, a missing value and an unscored value
    have no next color.

    One pass: every value meets the (few) better intervals of its measure,
    and a window keeps the first; no join back onto the values, which on
    PostgreSQL would be planned as a nested loop over a window.
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

-- Each threshold interval with the rank of its color.
ranked_thresholds as (

    select
        thresholds.*,
        color_bands.color_rank
    from thresholds
    inner join color_bands
        on thresholds.color = color_bands.color

),

-- Every value with each interval of a better color, and the way to reach it.
better_intervals as (

    select
        measure_scores.*,
        better.color as next_color,
        better.score as next_color_score,
        better.color_rank as next_color_rank,
        {{ approach_to_interval(
            'measure_scores.measure_value',
            'better.min_value', 'better.min_inclusive',
            'better.max_value', 'better.max_inclusive',
            'approach'
        ) }}
    from measure_scores
    left join color_bands as current_color
        on measure_scores.measure_color = current_color.color
    left join ranked_thresholds as better
        on measure_scores.measure = better.measure
        and {{ threshold_applies_at_age('better', 'measure_scores.account_age_months') }}
        and current_color.color_rank < better.color_rank

),

-- The next color is the better color of lowest rank; if it has several
-- intervals, the nearest one.
next_colors as (

    select
        *,
        row_number() over (
            partition by entity_type, entity_id, reporting_month, measure
            order by next_color_rank asc nulls last, approach_gap asc nulls last
        ) as choice
    from better_intervals

),

final as (

    select
        next_colors.entity_type,
        next_colors.entity_id,
        next_colors.reporting_month,
        next_colors.measure,
        next_colors.use_case,
        next_colors.account_age_months,
        next_colors.measure_value,
        next_colors.is_applicable,
        next_colors.measure_denominator,
        next_colors.subscriptions_contributing,
        next_colors.measure_score,
        next_colors.measure_color,
        measure_labels.measure_label,
        measure_labels.numerator_unit,
        measure_labels.display_order as measure_display_order,
        next_colors.next_color,
        next_colors.next_color_score,
        next_colors.approach_direction as next_color_direction,
        -- The seed's type: the bound is a measure_thresholds value.
        cast(next_colors.approach_bound as decimal(18, 6)) as next_color_threshold,
        next_colors.approach_bound_inclusive as next_color_threshold_inclusive,
        {{ round_double('next_colors.approach_gap', var('comparison_decimal_places') | int) }}
            as gap_to_next_color,
        -- The least whole number of numerator units (users, builds, scans)
        -- that, at the current denominator, reaches the bound: one more than
        -- the exact product when the bound itself is outside the interval.
        cast(
            case
                when next_colors.approach_bound_inclusive
                    then ceil({{ round_double(
                        'next_colors.approach_gap * next_colors.measure_denominator',
                        var('comparison_decimal_places') | int
                    ) }})
                else floor({{ round_double(
                    'next_colors.approach_gap * next_colors.measure_denominator',
                    var('comparison_decimal_places') | int
                ) }}) + 1
            end as bigint
        ) as numerator_gap_to_next_color
    from next_colors
    left join measure_labels
        on next_colors.measure = measure_labels.measure
    where next_colors.choice = 1

)

select * from final
