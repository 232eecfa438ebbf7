{#-
    The limiting measure of each use case of each entity-month (issue 12): of
    the use case's weighted measures (use_case_measures, weight > 0) that have
    a next color, the one whose move to it adds the most weighted points
    (weight x (next color's score - score)); ties go to
    measure_labels.display_order, then the measure name. Use cases with no
    such measure have no row.
#}

with

measure_next_colors as (

    select * from {{ ref('int_measure_next_colors') }}
    where next_color is not null

),

use_case_measures as (

    select * from {{ ref('use_case_measures') }}
    where weight > 0

),

moves as (

    select
        measure_next_colors.*,
        use_case_measures.use_case as weighted_use_case,
        cast(use_case_measures.weight as {{ type_double() }})
            * (measure_next_colors.next_color_score - measure_next_colors.measure_score) as weighted_gain
    from measure_next_colors
    inner join use_case_measures
        on measure_next_colors.measure = use_case_measures.measure

),

ranked_moves as (

    select
        *,
        row_number() over (
            partition by entity_type, entity_id, reporting_month, weighted_use_case
            order by weighted_gain desc, measure_display_order asc nulls last, {{ byte_order('measure') }} asc
        ) as choice
    from moves

),

final as (

    select
        entity_type,
        entity_id,
        reporting_month,
        weighted_use_case as use_case,
        measure,
        measure_label,
        numerator_unit,
        numerator_unit_singular,
        measure_value,
        measure_color,
        next_color,
        next_color_direction,
        next_color_threshold,
        next_color_threshold_inclusive,
        gap_to_next_color,
        numerator_gap_to_next_color,
        weighted_gain
    from ranked_moves
    where choice = 1

)

select * from final
