{#-
    Every use-case row of int_health_scores (instance-months and
    account-months) with what it would take to reach its next color (issue
    12): that color and the use-case score it needs (score_color_bands); the
    limiting measure (int_use_case_limiting_measures); the score and color
    after its move; and `next_step`, one sentence filled from the templates
    of explanation_phrases. The best color and an unscored use case have none.
    Its numbers are grouped by thousands and written apart from their bounds
    (format_number_apart), its unit is singular for a count of 1, and a
    measure without a label reads as its name in words (words_of_name).

    Every seed joined here is a few rows; the one large join, onto the
    limiting measures, is between two tables. Over 150 lines for one idea,
    the next step of a use case: its sentence reads each phrase by its key
    (one join each), and a model of its own would write these 2.6 million
    rows (at 10,000 accounts) a second time.
#}

with

use_case_health as (

    select * from {{ ref('int_health_scores') }}
    where health_component_type = 'use_case'

),

limiting_measures as (

    select * from {{ ref('int_use_case_limiting_measures') }}

),

color_bands as (

    select * from {{ ref('score_color_bands') }}

),

phrases as (

    select * from {{ ref('explanation_phrases') }}

),

-- Each color with the bands of better colors, nearest in rank first, and
-- the way to reach them.
better_bands as (

    select
        current_band.color_rank as from_color_rank,
        better.color as next_color,
        better.color_rank as next_color_rank,
        {{ approach_to_interval('current_band', 'better', 'score', 'next_color_score') }},
        row_number() over (partition by current_band.color_rank order by better.color_rank asc) as choice
    from color_bands as current_band
    inner join color_bands as better
        on current_band.color_rank < better.color_rank

),

next_bands as (

    select * from better_bands
    where choice = 1

),

-- Each use case with its next color and the score that color needs.
with_next_color as (

    select
        use_case_health.*,
        next_bands.next_color,
        next_bands.next_color_rank,
        next_bands.next_color_score_direction,
        next_bands.next_color_score_bound,
        next_bands.next_color_score_bound_inclusive
    from use_case_health
    left join next_bands
        on use_case_health.color_rank = next_bands.from_color_rank

),

-- When it has a next color: its limiting measure and the score after its move.
with_limiting_measure as (

    select
        with_next_color.*,
        limiting_measures.measure as limiting_measure,
        limiting_measures.measure_label as limiting_measure_label,
        limiting_measures.numerator_unit as limiting_numerator_unit,
        limiting_measures.numerator_unit_singular as limiting_numerator_unit_singular,
        limiting_measures.measure_value as limiting_measure_value,
        limiting_measures.measure_color as limiting_measure_color,
        limiting_measures.next_color as limiting_measure_next_color,
        limiting_measures.next_color_direction as limiting_measure_direction,
        limiting_measures.next_color_threshold as limiting_measure_threshold,
        limiting_measures.next_color_threshold_inclusive as limiting_measure_threshold_inclusive,
        limiting_measures.gap_to_next_color as limiting_measure_gap,
        limiting_measures.numerator_gap_to_next_color as limiting_measure_numerator_gap,
        {{ round_double(
            'with_next_color.score + limiting_measures.weighted_gain / with_next_color.scored_weight',
            var('comparison_decimal_places') | int
        ) }} as score_if_limiting_measure_improves
    from with_next_color
    left join limiting_measures
        on with_next_color.entity_type = limiting_measures.entity_type
        and with_next_color.entity_id = limiting_measures.entity_id
        and with_next_color.reporting_month = limiting_measures.reporting_month
        and with_next_color.health_component = limiting_measures.use_case
        and with_next_color.next_color is not null

),

with_color_after as (

    select
        with_limiting_measure.*,
        color_bands.color as color_if_limiting_measure_improves,
        color_bands.color_rank as color_rank_if_limiting_measure_improves
    from with_limiting_measure
    left join color_bands
        on {{ value_in_interval(
            'with_limiting_measure.score_if_limiting_measure_improves',
            'color_bands.min_score', 'color_bands.min_inclusive',
            'color_bands.max_score', 'color_bands.max_inclusive'
        ) }}

),

-- The words of each sentence, each phrase read by its key.
worded as (

    select
        with_color_after.*,
        step_template.phrase as step_template,
        measure_bound.phrase as measure_bound_phrase,
        score_bound.phrase as score_bound_phrase,
        case
            when
                with_color_after.limiting_measure_numerator_gap is not null
                and with_color_after.limiting_numerator_unit is not null
                then {{ fill_template('numerator_gap.phrase', [
                    ('count', format_number('with_color_after.limiting_measure_numerator_gap')),
                    ('more_or_fewer', 'more_or_fewer.phrase'),
                    ('numerator_unit', 'case when with_color_after.limiting_measure_numerator_gap = 1'
                        ~ ' then with_color_after.limiting_numerator_unit_singular'
                        ~ ' else with_color_after.limiting_numerator_unit end'),
                ]) }}
            else ''
        end as numerator_gap_phrase,
        -- The numbers as words: grouped by thousands, each written apart
        -- from the bounds it has not reached.
        coalesce(
            with_color_after.limiting_measure_label, {{ words_of_name('with_color_after.limiting_measure') }}
        ) as measure_label_text,
        {{ format_number_apart(
            'with_color_after.limiting_measure_value', ['with_color_after.limiting_measure_threshold']
        ) }} as measure_value_text,
        {{ format_number_apart(
            'with_color_after.limiting_measure_threshold', ['with_color_after.limiting_measure_value']
        ) }} as threshold_text,
        {{ format_number_apart(
            'with_color_after.score',
            ['with_color_after.next_color_score_bound', 'with_color_after.score_if_limiting_measure_improves']
        ) }} as score_text,
        {{ format_number_apart(
            'with_color_after.score_if_limiting_measure_improves',
            ['with_color_after.next_color_score_bound', 'with_color_after.score']
        ) }} as score_after_text,
        {{ format_number_apart(
            'with_color_after.next_color_score_bound',
            ['with_color_after.score', 'with_color_after.score_if_limiting_measure_improves']
        ) }} as score_threshold_text
    from with_color_after
    left join phrases as step_template
        on step_template.phrase_key = case
            when with_color_after.color_rank_if_limiting_measure_improves >= with_color_after.next_color_rank
                then {{ phrase_key('step_reaches_next_color') }}
            else {{ phrase_key('step_raises_score') }}
        end
    left join phrases as measure_bound
        on measure_bound.phrase_key = {{ bound_phrase_key(
            'with_color_after.limiting_measure_direction', 'with_color_after.limiting_measure_threshold_inclusive'
        ) }}
    left join phrases as score_bound
        on score_bound.phrase_key = {{ bound_phrase_key(
            'with_color_after.next_color_score_direction', 'with_color_after.next_color_score_bound_inclusive'
        ) }}
    left join phrases as numerator_gap
        on numerator_gap.phrase_key = {{ phrase_key('numerator_gap') }}
    left join phrases as more_or_fewer
        on more_or_fewer.phrase_key = case
            when with_color_after.limiting_measure_direction = 'lower' then {{ phrase_key('change_fewer') }}
            else {{ phrase_key('change_more') }}
        end

),

final as (

    select
        entity_type,
        entity_id,
        reporting_month,
        health_component_type,
        health_component,
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
        next_color_score_bound as next_color_score_threshold,
        next_color_score_bound_inclusive as next_color_score_threshold_inclusive,
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
                ('measure_label', 'measure_label_text'),
                ('measure_value', 'measure_value_text'),
                ('bound', 'measure_bound_phrase'),
                ('threshold', 'threshold_text'),
                ('use_case', 'health_component'),
                ('color_after', 'color_if_limiting_measure_improves'),
                ('score', 'score_text'),
                ('score_after', 'score_after_text'),
                ('next_color', 'next_color'),
                ('score_bound', 'score_bound_phrase'),
                ('score_threshold', 'score_threshold_text'),
                ('numerator_gap', 'numerator_gap_phrase'),
            ]) }})
        end as next_step
    from worded

)

select * from final
