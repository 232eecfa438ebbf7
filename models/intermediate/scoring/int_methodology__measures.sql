{#-
    One row per measure: how it is computed (measure_definitions) and the use
    case it belongs to, with that use case's tier restriction (use_case_measures,
    use_cases). The only model that joins these seeds for measure lookups.
#}

with

definitions as (

    select * from {{ ref('measure_definitions') }}

),

use_case_measures as (

    select * from {{ ref('use_case_measures') }}

),

use_cases as (

    select * from {{ ref('use_cases') }}

),

final as (

    select
        definitions.measure,
        definitions.formula,
        definitions.numerator,
        definitions.denominator,
        definitions.is_scored_for_saas,
        use_case_measures.use_case,
        use_case_measures.weight as use_case_weight,
        use_cases.required_product_tier
    from definitions
    left join use_case_measures
        on definitions.measure = use_case_measures.measure
    left join use_cases
        on use_case_measures.use_case = use_cases.use_case

)

select * from final
