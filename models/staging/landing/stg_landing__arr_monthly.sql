{#-
    arr_monthly.csv, typed. product_category and product_tier are open sets
    (SPEC §2.2), kept as written (trimmed). weights_usage comes from the
    product_categories seed, matched case-insensitively: a category the seed
    does not list counts in every ARR total and in no usage weight, and
    dq_unrecognized_values lists it, as it lists a tier the product_tiers
    seed does not (the is_*_listed flags). `arr` is kept exact (up to 9
    decimals, exact_decimal_type): marts round totals, never lines, so the
    published ARR is the file's own sum to the cent. A negative line (a
    credit) is kept, counts in every total and is listed (is_negative_arr).
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
        {{ landing_try_cast('source.arr_month', 'date') }} as arr_month,
        trim(source.subscription_id) as subscription_id,
        trim(source.product_category) as product_category,
        coalesce(product_categories.weights_usage, false) as weights_usage,
        product_categories.product_category is not null as is_product_category_listed,
        trim(source.product_tier) as product_tier,
        product_tiers.product_tier is not null as is_product_tier_listed,
        {{ landing_try_cast('source.arr', 'decimal') }} as arr,
        {{ landing_try_cast('source.arr', 'decimal') }} < 0 as is_negative_arr,
        cast({{ landing_try_cast('source.seats', 'integer') }} as integer) as seats
    from source
    left join product_categories
        on {{ open_set_match('source.product_category', 'product_categories.product_category') }}
    left join product_tiers
        on {{ open_set_match('source.product_tier', 'product_tiers.product_tier') }}

)

select * from final
