with

rejected as (

    select * from {{ ref('stg_landing__usage_pings_rejected') }}

),

final as (

    select
        source_file,
        cast(line_number as bigint) as line_number,
        rejection_reason,
        ping_id,
        uuid,
        recorded_at_text,
        payload
    from rejected

)

select
    *,
    {{ build_id() }} as build_id
from final
