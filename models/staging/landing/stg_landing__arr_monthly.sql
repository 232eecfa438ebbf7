{#-
    arr_monthly.csv, typed. product_category and product_tier are open sets
    (SPEC §2.2), kept as written (trimmed). weights_usage comes from the
    product_categories seed, matched case-insensitively: a category the seed
    does not list counts in every ARR total and in no usage weight, and
    dq_unrecognized_values lists it, as it lists a tier the product_tiers
    seed does not (the is_*_listed flags).
-#}

with

source as (

    select * from {{ source('landing', 'arr_monthly') }}

),

product_categories as (

    select * from {{ ref('product_categories') }}

),

product_tiers as (

    select * from {{ ref('product_tiers') }}

),

final as (

    select
        cast(source.arr_month as date) as arr_month,
        trim(source.subscription_id) as subscription_id,
        trim(source.product_category) as product_category,
        coalesce(product_categories.weights_usage, false) as weights_usage,
        product_categories.product_category is not null as is_product_category_listed,
        trim(source.product_tier) as product_tier,
        product_tiers.product_tier is not null as is_product_tier_listed,
        cast(source.arr as decimal(18, 2)) as arr,
        cast(source.seats as integer) as seats
    from source
    left join product_categories
        on lower(trim(source.product_category)) = lower(trim(product_categories.product_category))
    left join product_tiers
        on lower(trim(source.product_tier)) = lower(trim(product_tiers.product_tier))

)

select * from final
