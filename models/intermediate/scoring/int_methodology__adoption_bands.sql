{#- The adoption bands seed, the one place marts and rollups read it from. #}

with

bands as (

    select * from {{ ref('adoption_bands') }}

),

final as (

    select
        adoption_band,
        display_order,
        min_use_cases,
        min_inclusive,
        max_use_cases,
        max_inclusive,
        is_no_data_band
    from bands

)

select * from final
