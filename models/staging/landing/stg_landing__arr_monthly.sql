with

source as (

    select * from {{ source('landing', 'arr_monthly') }}

),

final as (

    select
        cast(arr_month as date) as arr_month,
        trim(subscription_id) as subscription_id,
        product_category,
        product_tier,
        cast(arr as decimal(18, 2)) as arr,
        cast(seats as integer) as seats
    from source

)

select * from final
