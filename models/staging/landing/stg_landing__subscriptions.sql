with

source as (

    select * from {{ source('landing', 'subscriptions') }}

),

final as (

    select
        trim(subscription_id) as subscription_id,
        trim(account_id) as account_id,
        product_tier,
        delivery_type,
        cast(subscription_start_date as date) as subscription_start_date,
        cast(subscription_end_date as date) as subscription_end_date
    from source

)

select * from final
