with

source as (

    select * from {{ source('landing', 'accounts') }}

),

final as (

    select
        trim(account_id) as account_id,
        account_name,
        {{ landing_try_cast('customer_since_date', 'date') }} as customer_since_date,
        csm_name,
        sales_segment
    from source

)

select * from final
