{#-
    Overall product score of every instance-month and account-month (SPEC
    §4.4): the weighted mean over the components of overall_score_weights
    (measures such as license utilization, and use cases) that have a score;
    weights of missing components drop out and the rest are rescaled to sum
    to 1. Missing when every component is missing.
#}

with

measure_scores as (

    select * from {{ ref('int_measure_scores') }}

),

use_case_scores as (

    select * from {{ ref('int_use_case_scores') }}

),

weights as (

    select * from {{ ref('overall_score_weights') }}

),

entity_months as (

    {{ entity_month_spine('measure_scores') }}

),

component_scores as (

    select
        entity_type,
        entity_id,
        reporting_month,
        'measure' as component_type,
        measure as component,
        measure_score as component_score
    from measure_scores

    union all

    select
        entity_type,
        entity_id,
        reporting_month,
        'use_case' as component_type,
        use_case as component,
        use_case_score as component_score
    from use_case_scores

),

weighted as (

    select
        component_scores.entity_type,
        component_scores.entity_id,
        component_scores.reporting_month,
        sum(weights.weight * component_scores.component_score) / sum(weights.weight) as overall_score,
        count(*) as components_scored
    from component_scores
    inner join weights
        on component_scores.component_type = weights.component_type
        and component_scores.component = weights.component
    where
        component_scores.component_score is not null
        and weights.weight > 0
    group by
        component_scores.entity_type,
        component_scores.entity_id,
        component_scores.reporting_month

),

final as (

    select
        entity_months.entity_type,
        entity_months.entity_id,
        entity_months.reporting_month,
        cast(weighted.overall_score as {{ type_double() }}) as overall_score,
        coalesce(weighted.components_scored, 0) as components_scored
    from entity_months
    left join weighted
        on entity_months.entity_type = weighted.entity_type
        and entity_months.entity_id = weighted.entity_id
        and entity_months.reporting_month = weighted.reporting_month

)

select * from final
