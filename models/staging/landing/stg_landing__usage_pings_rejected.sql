{#- Every rejected raw ping line, kept whole, with the reason (SPEC §7). -#}
with

parsed as (

    select * from {{ ref('stg_landing__usage_pings_parsed') }}

),

final as (

    select
        source_file,
        line_number,
        rejection_reason,
        ping_id,
        uuid,
        recorded_at_text,
        payload
    from parsed
    where rejection_reason is not null

)

select * from final
