{#- The use_cases seed, the one place marts read it from (their display order). #}

with

use_cases as (

    select * from {{ ref('use_cases') }}

),

final as (

    select
        use_case,
        display_order,
        required_product_tier,
        counts_toward_platform_score
    from use_cases

)

select * from final
