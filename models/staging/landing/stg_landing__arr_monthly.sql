{#-
    arr_monthly.csv, typed. product_category and product_tier are open sets
    (SPEC §2.2), kept as written (trimmed). weights_usage comes from the
    product_categories seed, matched case-insensitively: a category the seed
    does not list counts in every ARR total and in no usage weight, and
    dq_unrecognized_values lists it.
-#}

with

source as (

    select * from {{ source('landing', 'arr_monthly') }}

),

product_categories as (

    select * from {{ ref('product_categories') }}

),

final as (

    select
        cast(source.arr_month as date) as arr_month,
        trim(source.subscription_id) as subscription_id,
        trim(source.product_category) as product_category,
        coalesce(product_categories.weights_usage, false) as weights_usage,
        trim(source.product_tier) as product_tier,
        cast(source.arr as decimal(18, 2)) as arr,
        cast(source.seats as integer) as seats
    from source
    left join product_categories
        on lower(trim(source.product_category)) = lower(trim(product_categories.product_category))

)

select * from final
