{#- Accepted pings: one row per distinct ping id, typed, metrics negative-to-NULL. -#}
with

parsed as (

    select * from {{ ref('stg_landing__usage_pings_parsed') }}

),

final as (

    select * from parsed
    where rejection_reason is null

)

select * from final
