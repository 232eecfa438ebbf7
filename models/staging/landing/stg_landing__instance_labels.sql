with

source as (

    select * from {{ source('landing', 'instances') }}

),

final as (

    select
        trim(uuid) as uuid,
        hostname,
        instance_type,
        {{ try_cast_utc_timestamp('labeled_at') }} as labeled_at
    from source

)

select * from final
