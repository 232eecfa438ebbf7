{#-
    One row per account and month in which the account has ARR (SPEC §5):
    total ARR over all subscriptions and categories, Base Products ARR, the
    share of Base Products ARR whose subscription has a primary instance
    (coverage), the account's age in calendar months, and whether it has ARR
    on a tier entitled to every tier-restricted use case (has_ultimate_arr:
    Ultimate, or a tier of the same rank in product_tiers, e.g. Gold), and
    the delivery types of its subscriptions with positive ARR that month, in
    delivery_types seed order (unlisted types after, alphabetically); empty
    when no subscription has positive ARR.
#}

with

subscription_months as (

    select * from {{ ref('int_subscription_months') }}

),

primary_instances as (

    select * from {{ ref('int_subscription_primary_instances') }}

),

-- The highest tier rank a use case requires (Security: Ultimate's).
restricted_tier as (

    select max(required_tier_rank) as required_tier_rank
    from {{ ref('int_methodology__measures') }}

),

accounts as (

    select * from {{ ref('stg_landing__accounts') }}

),

-- Each delivery type once per account-month, with its place in the list:
-- seed order, then types the seed does not list, alphabetically.
account_delivery_types as (

    select
        account_id,
        reporting_month,
        delivery_type,
        dense_rank() over (
            partition by account_id, reporting_month
            order by
                case when delivery_type_display_order is null then 1 else 0 end,
                delivery_type_display_order,
                delivery_type
        ) as delivery_type_position
    from subscription_months
    where total_arr > 0 and delivery_type is not null
    group by
        account_id,
        reporting_month,
        delivery_type,
        delivery_type_display_order

),

delivery_type_lists as (

    select
        account_id,
        reporting_month,
        {{ string_agg_ordered('delivery_type', ', ', 'delivery_type_position') }} as delivery_types
    from account_delivery_types
    group by
        account_id,
        reporting_month

),

aggregated as (

    select
        subscription_months.account_id,
        subscription_months.reporting_month,
        sum(subscription_months.total_arr) as total_arr,
        sum(subscription_months.base_products_arr) as base_products_arr,
        sum(
            case when primary_instances.uuid is not null then subscription_months.base_products_arr else 0 end
        ) as base_products_arr_reporting_usage,
        max(
            case
                when
                    subscription_months.total_arr > 0
                    and coalesce(
                        subscription_months.product_tier_rank >= restricted_tier.required_tier_rank,
                        restricted_tier.required_tier_rank is null
                    )
                    then 1
                else 0
            end
        )
            as has_ultimate_arr_flag,
        count(*) as subscription_count,
        count(primary_instances.uuid) as subscriptions_reporting_usage
    from subscription_months
    cross join restricted_tier
    left join primary_instances
        on subscription_months.subscription_id = primary_instances.subscription_id
        and subscription_months.reporting_month = primary_instances.reporting_month
    group by
        subscription_months.account_id,
        subscription_months.reporting_month

),

final as (

    select
        aggregated.account_id,
        aggregated.reporting_month,
        -- Exact (never rounded below a mart): see stg_landing__arr_monthly.
        cast(aggregated.total_arr as {{ exact_decimal_type() }}) as total_arr,
        cast(aggregated.base_products_arr as {{ exact_decimal_type() }}) as base_products_arr,
        cast(aggregated.base_products_arr_reporting_usage as {{ exact_decimal_type() }})
            as base_products_arr_reporting_usage,
        cast(aggregated.base_products_arr_reporting_usage as {{ type_double() }})
            / nullif(aggregated.base_products_arr, 0) as pct_arr_reporting_usage,
        aggregated.has_ultimate_arr_flag = 1 as has_ultimate_arr,
        aggregated.subscription_count,
        aggregated.subscriptions_reporting_usage,
        coalesce(delivery_type_lists.delivery_types, '') as delivery_types,
        {{ account_age_months('aggregated.reporting_month', 'accounts.customer_since_date') }}
            as account_age_months
    from aggregated
    left join accounts
        on aggregated.account_id = accounts.account_id
    left join delivery_type_lists
        on aggregated.account_id = delivery_type_lists.account_id
        and aggregated.reporting_month = delivery_type_lists.reporting_month

)

select * from final
