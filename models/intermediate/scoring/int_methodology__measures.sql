{#-
    One row per measure: how it is computed (measure_definitions) and the use
    case it belongs to, with that use case's tier restriction (use_case_measures,
    use_cases) and the rank of that tier (product_tiers): a subscription is
    entitled when its tier's rank is at least this one. The only model that
    joins these seeds for measure lookups.
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

product_tiers as (

    select * from {{ ref('product_tiers') }}

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
        use_cases.required_product_tier,
        product_tiers.tier_rank as required_tier_rank
    from definitions
    left join use_case_measures
        on definitions.measure = use_case_measures.measure
    left join use_cases
        on use_case_measures.use_case = use_cases.use_case
    left join product_tiers
        on use_cases.required_product_tier = product_tiers.product_tier

)

select * from final
