with

source as (

    select * from {{ source('landing', 'accounts') }}

),

final as (

    select
        trim(account_id) as account_id,
        account_name,
        cast(customer_since_date as date) as customer_since_date,
        csm_name,
        sales_segment
    from source

)

select * from final
