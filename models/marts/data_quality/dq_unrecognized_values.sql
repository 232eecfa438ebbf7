{#-
    Values of the landing zone's open sets that the seeds do not list (SPEC
    §7): a product tier, product category, delivery type or instance label.
    Each is kept in the marts and handled by the documented rule in
    `rule_applied`; none stops the build. Staging matches each value to its
    seed (case-insensitively, so `production` is a known label) where it
    applies the rule; this model only reads the outcome.
-#}

with

subscriptions as (

    select * from {{ ref('stg_landing__subscriptions') }}

),

-- An ARR line's key (the grain of stg_landing__arr_monthly), as shown in row_key.
arr as (

    select
        *,
        'arr_month=' || cast(arr_month as varchar(10)) || ' subscription_id=' || subscription_id
        || ' product_category=' || coalesce(product_category, '')
        || ' product_tier=' || coalesce(product_tier, '') as row_key
    from {{ ref('stg_landing__arr_monthly') }}

),

labels as (

    select * from {{ ref('stg_landing__instance_labels') }}

),

unrecognized as (

    select
        'subscriptions.csv' as source_file,
        'subscription_id=' || subscriptions.subscription_id as row_key,
        'product_tier' as column_name,
        subscriptions.product_tier as value,
        'kept; entitles no tier-restricted use case (Security is not scored)' as rule_applied
    from subscriptions
    where subscriptions.product_tier_rank is null

    union all

    select
        'subscriptions.csv' as source_file,
        'subscription_id=' || subscriptions.subscription_id as row_key,
        'delivery_type' as column_name,
        subscriptions.delivery_type as value,
        'kept; no rule reads it (instances take their delivery type from the ping host name)' as rule_applied
    from subscriptions
    where not subscriptions.is_delivery_type_listed

    union all

    select
        'arr_monthly.csv' as source_file,
        arr.row_key,
        'product_category' as column_name,
        arr.product_category as value,
        'kept; counts in every ARR total, in no usage weight' as rule_applied
    from arr
    where not arr.is_product_category_listed

    union all

    select
        'arr_monthly.csv' as source_file,
        arr.row_key,
        'product_tier' as column_name,
        arr.product_tier as value,
        'kept; counts in every ARR total (entitlement follows the subscription tier)' as rule_applied
    from arr
    where arr.product_tier is not null and not arr.is_product_tier_listed

    union all

    select
        'instances.csv' as source_file,
        'uuid=' || labels.uuid || ' labeled_at=' || coalesce(cast(labels.labeled_at as varchar(30)), '')
            as row_key,
        'instance_type' as column_name,
        labels.instance_type_label as value,
        'kept; the instance counts as unlabeled (Unknown)' as rule_applied
    from labels
    where labels.instance_type is null

)

select
    *,
    {{ build_id() }} as build_id
from unrecognized
