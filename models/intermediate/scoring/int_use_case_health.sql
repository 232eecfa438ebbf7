{#-
    Every use-case row of int_health_scores (instance-months and
    account-months) with what it would take to reach its next color (issue
    12): that color and the use-case score it needs (score_color_bands); the
    limiting measure, the weighted measure whose move to its own next color
    lifts the use-case score most (ties: measure_labels.display_order); the
    score and color after that move; and `next_step`, one sentence filled
    from the templates of explanation_phrases with the labels and units of
    measure_labels. The best color and an unscored use case have none.

    The use cases and their measures' moves are stacked and one window per
    use case brings the largest move onto the use case's row, so no large
    relation is joined to another: on PostgreSQL, which has no statistics
    for them, such a join is planned as a nested loop and takes minutes.
#}

{%- set string = var('string_type')[target.type] %}

with

use_case_health as (

    select * from {{ ref('int_health_scores') }}
    where health_component_type = 'use_case'

),

measure_next_colors as (

    select * from {{ ref('int_measure_next_colors') }}

),

use_case_measures as (

    select * from {{ ref('use_case_measures') }}

),

color_bands as (

    select * from {{ ref('score_color_bands') }}

),

phrases as (

    select * from {{ ref('explanation_phrases') }}

),

-- One row, one column per phrase key.
phrase_book as (

    select
        max(case when phrase_key = 'bound_above' then phrase end) as bound_above,
        max(case when phrase_key = 'bound_at_least' then phrase end) as bound_at_least,
        max(case when phrase_key = 'bound_below' then phrase end) as bound_below,
        max(case when phrase_key = 'bound_at_most' then phrase end) as bound_at_most,
        max(case when phrase_key = 'change_more' then phrase end) as change_more,
        max(case when phrase_key = 'change_fewer' then phrase end) as change_fewer,
        max(case when phrase_key = 'numerator_gap' then phrase end) as numerator_gap,
        max(case when phrase_key = 'step_reaches_next_color' then phrase end) as step_reaches_next_color,
        max(case when phrase_key = 'step_raises_score' then phrase end) as step_raises_score
    from phrases

),

-- Each color with the color after it: the better color of lowest rank.
band_successors as (

    select
        current_band.color_rank as from_color_rank,
        better.color as next_color,
        better.color_rank as next_color_rank,
        better.min_score,
        better.min_inclusive,
        better.max_score,
        better.max_inclusive,
        row_number() over (
            partition by current_band.color_rank
            order by better.color_rank asc
        ) as choice
    from color_bands as current_band
    inner join color_bands as better
        on current_band.color_rank < better.color_rank

),

-- Every use case, with its next color and the score that color needs
-- (none at the best color or when unscored).
use_cases as (

    select
        use_case_health.*,
        band_successors.next_color,
        band_successors.next_color_rank,
        {{ approach_to_interval(
            'use_case_health.score',
            'band_successors.min_score', 'band_successors.min_inclusive',
            'band_successors.max_score', 'band_successors.max_inclusive',
            'approach'
        ) }}
    from use_case_health
    left join band_successors
        on use_case_health.color_rank = band_successors.from_color_rank
        and band_successors.choice = 1

),

-- Each weighted measure that has a better color, and the weighted points
-- its move would add (divided by the use case's scored weight, the lift).
measure_moves as (

    select
        measure_next_colors.*,
        use_case_measures.use_case as weighted_use_case,
        cast(use_case_measures.weight as {{ type_double() }})
            * (measure_next_colors.next_color_score - measure_next_colors.measure_score) as weighted_gain
    from measure_next_colors
    inner join use_case_measures
        on measure_next_colors.measure = use_case_measures.measure
    where
        use_case_measures.weight > 0
        and measure_next_colors.next_color is not null

),

stacked as (

    select
        entity_type,
        entity_id,
        reporting_month,
        health_component as use_case,
        1 as is_use_case,
        health_component_type,
        display_order,
        counts_toward_platform_score,
        score,
        inputs_scored,
        scored_weight,
        color,
        color_rank,
        is_adopted,
        is_overridden,
        override_reason,
        effective_color,
        effective_color_rank,
        effective_is_adopted,
        next_color,
        next_color_rank,
        approach_direction,
        approach_bound,
        approach_bound_inclusive,
        cast(null as {{ string }}) as measure,
        cast(null as {{ type_double() }}) as measure_value,
        cast(null as {{ string }}) as measure_color,
        cast(null as {{ string }}) as measure_next_color,
        cast(null as {{ string }}) as measure_direction,
        cast(null as decimal(18, 6)) as measure_threshold,
        cast(null as boolean) as measure_threshold_inclusive,
        cast(null as {{ type_double() }}) as measure_gap,
        cast(null as bigint) as measure_numerator_gap,
        cast(null as {{ string }}) as measure_label,
        cast(null as {{ string }}) as numerator_unit,
        cast(null as integer) as measure_display_order,
        cast(null as {{ type_double() }}) as weighted_gain
    from use_cases

    union all

    select
        entity_type,
        entity_id,
        reporting_month,
        weighted_use_case as use_case,
        0 as is_use_case,
        cast(null as {{ string }}) as health_component_type,
        cast(null as integer) as display_order,
        cast(null as boolean) as counts_toward_platform_score,
        cast(null as {{ type_double() }}) as score,
        cast(null as bigint) as inputs_scored,
        cast(null as {{ type_double() }}) as scored_weight,
        cast(null as {{ string }}) as color,
        cast(null as integer) as color_rank,
        cast(null as boolean) as is_adopted,
        cast(null as boolean) as is_overridden,
        cast(null as {{ string }}) as override_reason,
        cast(null as {{ string }}) as effective_color,
        cast(null as integer) as effective_color_rank,
        cast(null as boolean) as effective_is_adopted,
        cast(null as {{ string }}) as next_color,
        cast(null as integer) as next_color_rank,
        cast(null as {{ string }}) as approach_direction,
        cast(null as decimal(9, 4)) as approach_bound,
        cast(null as boolean) as approach_bound_inclusive,
        measure,
        measure_value,
        measure_color,
        next_color as measure_next_color,
        next_color_direction as measure_direction,
        next_color_threshold as measure_threshold,
        next_color_threshold_inclusive as measure_threshold_inclusive,
        gap_to_next_color as measure_gap,
        numerator_gap_to_next_color as measure_numerator_gap,
        measure_label,
        numerator_unit,
        measure_display_order,
        weighted_gain
    from measure_moves

),

-- The largest move of each use case (first in this order) onto its row;
-- the use cases' rows only.
{%- set best_move = 'over (partition by entity_type, entity_id, reporting_month, use_case'
    ~ ' order by is_use_case asc, weighted_gain desc, measure_display_order asc nulls last, '
    ~ byte_order('measure') ~ ' asc)' %}
{%- set limiting_columns = [
    'measure', 'measure_value', 'measure_color', 'measure_next_color', 'measure_direction',
    'measure_threshold', 'measure_threshold_inclusive', 'measure_gap', 'measure_numerator_gap',
    'measure_label', 'numerator_unit', 'weighted_gain',
] %}

with_best_move as (

    select
        stacked.*,
        {%- for column in limiting_columns %}
        first_value({{ column }}) {{ best_move }} as limiting_{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from stacked

),

-- A use case at its best color (or unscored) has no limiting measure.
use_case_outcomes as (

    select
        entity_type,
        entity_id,
        reporting_month,
        use_case,
        health_component_type,
        display_order,
        counts_toward_platform_score,
        score,
        inputs_scored,
        color,
        color_rank,
        is_adopted,
        is_overridden,
        override_reason,
        effective_color,
        effective_color_rank,
        effective_is_adopted,
        next_color,
        next_color_rank,
        approach_direction as next_color_score_direction,
        -- The seeds' types: the bounds are score_color_bands and measure_thresholds values.
        cast(approach_bound as decimal(9, 4)) as next_color_score_threshold,
        approach_bound_inclusive as next_color_score_threshold_inclusive,
        {%- for column in limiting_columns %}
        case when next_color is not null then limiting_{{ column }} end as limiting_{{ column }},
        {%- endfor %}
        case
            when next_color is not null
                then {{ round_double(
                    'score + limiting_weighted_gain / scored_weight', var('comparison_decimal_places') | int
                ) }}
        end as score_if_limiting_measure_improves
    from with_best_move
    where is_use_case = 1

),

with_color_after as (

    select
        use_case_outcomes.*,
        color_bands.color as color_if_limiting_measure_improves,
        color_bands.color_rank as color_rank_if_limiting_measure_improves
    from use_case_outcomes
    left join color_bands
        on {{ value_in_interval(
            'use_case_outcomes.score_if_limiting_measure_improves',
            'color_bands.min_score', 'color_bands.min_inclusive',
            'color_bands.max_score', 'color_bands.max_inclusive'
        ) }}

),

-- The words of each sentence, chosen from the phrase book.
worded as (

    select
        with_color_after.*,
        case
            when with_color_after.color_rank_if_limiting_measure_improves >= with_color_after.next_color_rank
                then phrase_book.step_reaches_next_color
            else phrase_book.step_raises_score
        end as step_template,
        {{ bound_phrase('limiting_measure_direction', 'limiting_measure_threshold_inclusive') }}
            as measure_bound_phrase,
        {{ bound_phrase('next_color_score_direction', 'next_color_score_threshold_inclusive') }}
            as score_bound_phrase,
        case
            when
                with_color_after.limiting_measure_numerator_gap is not null
                and with_color_after.limiting_numerator_unit is not null
                then {{ fill_template('phrase_book.numerator_gap', [
                    ('count', 'cast(with_color_after.limiting_measure_numerator_gap as ' ~ string ~ ')'),
                    ('more_or_fewer', "case when with_color_after.limiting_measure_direction = 'lower'"
                        ~ ' then phrase_book.change_fewer else phrase_book.change_more end'),
                    ('numerator_unit', 'with_color_after.limiting_numerator_unit'),
                ]) }}
            else ''
        end as numerator_gap_phrase
    from with_color_after
    cross join phrase_book

),

final as (

    select
        entity_type,
        entity_id,
        reporting_month,
        health_component_type,
        use_case as health_component,
        display_order,
        counts_toward_platform_score,
        score,
        inputs_scored,
        color,
        color_rank,
        is_adopted,
        is_overridden,
        override_reason,
        effective_color,
        effective_color_rank,
        effective_is_adopted,
        next_color,
        next_color_score_threshold,
        next_color_score_threshold_inclusive,
        limiting_measure,
        limiting_measure_value,
        limiting_measure_color,
        limiting_measure_next_color,
        limiting_measure_direction,
        limiting_measure_threshold,
        limiting_measure_threshold_inclusive,
        limiting_measure_gap,
        limiting_measure_numerator_gap,
        score_if_limiting_measure_improves,
        color_if_limiting_measure_improves,
        case
            when limiting_measure is not null then trim({{ fill_template('step_template', [
                ('measure_label', 'coalesce(limiting_measure_label, limiting_measure)'),
                ('measure_value', format_number('limiting_measure_value')),
                ('bound', 'measure_bound_phrase'),
                ('threshold', format_number('limiting_measure_threshold')),
                ('use_case', 'use_case'),
                ('color_after', 'color_if_limiting_measure_improves'),
                ('score', format_number('score')),
                ('score_after', format_number('score_if_limiting_measure_improves')),
                ('next_color', 'next_color'),
                ('score_bound', 'score_bound_phrase'),
                ('score_threshold', format_number('next_color_score_threshold')),
                ('numerator_gap', 'numerator_gap_phrase'),
            ]) }})
        end as next_step
    from worded

)

select * from final
