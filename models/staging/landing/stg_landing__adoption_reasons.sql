with

source as (

    select * from {{ source('landing', 'adoption_reasons') }}

),

final as (

    select
        trim(account_id) as account_id,
        trim(use_case) as use_case,
        trim(reason) as reason,
        nullif(trim(updated_at), '') as updated_at_text,
        {{ try_cast_utc_timestamp('updated_at') }} as updated_at
    from source

)

select * from final
