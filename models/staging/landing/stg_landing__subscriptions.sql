{#-
    subscriptions.csv, typed. product_tier and delivery_type are open sets
    (SPEC §2.2): kept as written (trimmed), the tier ranked from the
    product_tiers seed, matched case-insensitively. A tier the seed does not
    list has no rank: it entitles no tier-restricted use case, and
    dq_unrecognized_values lists it (is_product_tier_listed), as it lists a
    delivery type the delivery_types seed does not (is_delivery_type_listed).
    An add-on tier (Duo Pro, ...) is listed, so not flagged, and has no rank
    either (the seed's check): a subscription whose own tier is an add-on is
    entitled to no tier-restricted use case. The delivery type's display
    order (delivery_types seed) orders an account's delivery_types.
-#}

with

source as (

    select * from {{ source('landing', 'subscriptions') }}

),

product_tiers as (

    select * from {{ ref('product_tiers') }}

),

delivery_types as (

    select * from {{ ref('delivery_types') }}

),

final as (

    select
        trim(source.subscription_id) as subscription_id,
        trim(source.account_id) as account_id,
        trim(source.product_tier) as product_tier,
        product_tiers.tier_rank as product_tier_rank,
        product_tiers.product_tier is not null as is_product_tier_listed,
        trim(source.delivery_type) as delivery_type,
        delivery_types.delivery_type is not null as is_delivery_type_listed,
        delivery_types.display_order as delivery_type_display_order,
        {{ landing_try_cast('source.subscription_start_date', 'date') }} as subscription_start_date,
        {{ landing_try_cast('source.subscription_end_date', 'date') }} as subscription_end_date
    from source
    left join product_tiers
        on {{ open_set_match('source.product_tier', 'product_tiers.product_tier') }}
    left join delivery_types
        on {{ open_set_match('source.delivery_type', 'delivery_types.delivery_type') }}

)

select * from final
