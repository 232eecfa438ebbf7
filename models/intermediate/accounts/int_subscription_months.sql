-- depends_on: {{ ref('int_recompute_window') }}
{#-
    ARR per subscription and month (SPEC §5): total ARR over all product
    categories, and Base Products ARR (the categories whose product_categories
    row has weights_usage), which weights usage in the rollup.
#}

with

arr as (

    select * from {{ ref('stg_landing__arr_monthly') }}

),

subscriptions as (

    select * from {{ ref('stg_landing__subscriptions') }}

),

monthly as (

    select
        subscription_id,
        arr_month as reporting_month,
        sum(arr) as total_arr,
        sum(case when weights_usage then arr else 0 end) as base_products_arr
    from arr
    group by
        subscription_id,
        arr_month

),

final as (

    select
        monthly.subscription_id,
        monthly.reporting_month,
        subscriptions.account_id,
        subscriptions.product_tier,
        subscriptions.product_tier_rank,
        subscriptions.delivery_type,
        subscriptions.delivery_type_display_order,
        -- Exact (never rounded below a mart): see stg_landing__arr_monthly.
        cast(monthly.total_arr as {{ exact_decimal_type() }}) as total_arr,
        cast(monthly.base_products_arr as {{ exact_decimal_type() }}) as base_products_arr
    from monthly
    inner join subscriptions
        on monthly.subscription_id = subscriptions.subscription_id

)

select * from final
