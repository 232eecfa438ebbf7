{#- Every file in usage_pings/ and whether it is read as pings (`*.ndjson`, `*.ndjson.gz`). -#}
with

source as (

    select * from {{ source('landing', 'usage_ping_files') }}

),

final as (

    select
        source_file,
        is_ping_file
    from source

)

select * from final
