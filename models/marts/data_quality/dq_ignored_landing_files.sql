{#-
    Files in usage_pings/ that are not read (SPEC §7): only `*.ndjson` and
    `*.ndjson.gz` are ping files, so a `2026-11.ndjson.bak` or a `.zip` left
    beside them is ignored, and listed here so nobody wonders where its pings
    went.
-#}
with

files as (

    select * from {{ ref('stg_landing__usage_ping_files') }}

),

final as (

    select
        source_file,
        'ignored: only *.ndjson and *.ndjson.gz files are read as pings' as reason
    from files
    where not is_ping_file

)

select
    *,
    {{ build_id() }} as build_id
from final
