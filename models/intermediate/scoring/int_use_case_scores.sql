{#-
    Use-case score of every instance-month and account-month (SPEC §4.3):
    the weighted mean of the scores of the use case's measures that have a
    score; weight-0 measures are reported but never counted. Missing when no
    weighted measure has a score.
#}

with

measure_scores as (

    select * from {{ ref('int_measure_scores') }}

),

use_case_measures as (

    select * from {{ ref('use_case_measures') }}

),

use_cases as (

    select * from {{ ref('use_cases') }}

),

entity_months as (

    {{ entity_month_spine('measure_scores') }}

),

weighted_scores as (

    select
        measure_scores.entity_type,
        measure_scores.entity_id,
        measure_scores.reporting_month,
        use_case_measures.use_case,
        sum(use_case_measures.weight * measure_scores.measure_score) as weighted_score_sum,
        sum(use_case_measures.weight) as weight_sum,
        count(*) as measures_scored
    from measure_scores
    inner join use_case_measures
        on measure_scores.measure = use_case_measures.measure
    where
        measure_scores.measure_score is not null
        and use_case_measures.weight > 0
    group by
        measure_scores.entity_type,
        measure_scores.entity_id,
        measure_scores.reporting_month,
        use_case_measures.use_case

),

final as (

    select
        entity_months.entity_type,
        entity_months.entity_id,
        entity_months.reporting_month,
        use_cases.use_case,
        use_cases.display_order,
        use_cases.counts_toward_platform_score,
        cast(weighted_scores.weighted_score_sum as {{ type_double() }})
            / weighted_scores.weight_sum as use_case_score,
        -- The weights of the scored measures: one measure moving by d points
        -- moves the use-case score by its weight x d / this.
        cast(weighted_scores.weight_sum as {{ type_double() }}) as scored_weight,
        coalesce(weighted_scores.measures_scored, 0) as measures_scored
    from entity_months
    cross join use_cases
    left join weighted_scores
        on entity_months.entity_type = weighted_scores.entity_type
        and entity_months.entity_id = weighted_scores.entity_id
        and entity_months.reporting_month = weighted_scores.reporting_month
        and use_cases.use_case = weighted_scores.use_case

)

select * from final
