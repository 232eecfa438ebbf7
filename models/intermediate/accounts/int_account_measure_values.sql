{#-
    Account value of every measure (SPEC §5, step 2): the Base-Products-ARR
    weighted mean of the primary instances' values, over the account's
    subscriptions whose primary instance has that measure. Measures of a
    tier-restricted use case (Security) use only subscriptions whose tier
    ranks at least as high (product_tiers); a tier of unknown rank, none.
#}

with

account_months as (

    select * from {{ ref('int_account_months') }}

),

subscription_months as (

    select * from {{ ref('int_subscription_months') }}

),

primary_instances as (

    select * from {{ ref('int_subscription_primary_instances') }}

),

instance_measures as (

    select * from {{ ref('int_instance_measure_values') }}

),

measures as (

    select * from {{ ref('int_methodology__measures') }}

),

weighted_values as (

    select
        subscription_months.account_id,
        subscription_months.reporting_month,
        instance_measures.measure,
        subscription_months.base_products_arr as subscription_weight,
        instance_measures.measure_value,
        instance_measures.measure_denominator
    from subscription_months
    inner join primary_instances
        on subscription_months.subscription_id = primary_instances.subscription_id
        and subscription_months.reporting_month = primary_instances.reporting_month
    inner join instance_measures
        on primary_instances.uuid = instance_measures.uuid
        and primary_instances.reporting_month = instance_measures.reporting_month
    inner join measures
        on instance_measures.measure = measures.measure
    where
        instance_measures.measure_value is not null
        and subscription_months.base_products_arr > 0
        and (
            measures.required_tier_rank is null
            or subscription_months.product_tier_rank >= measures.required_tier_rank
        )

),

rolled_up as (

    select
        account_id,
        reporting_month,
        measure,
        sum(subscription_weight * measure_value) / sum(subscription_weight) as measure_value,
        count(*) as subscriptions_contributing,
        -- If every contributing instance's value rose by g, the account value
        -- would rise by g and the numerators by g x this sum.
        sum(measure_denominator) as measure_denominator
    from weighted_values
    group by
        account_id,
        reporting_month,
        measure

),

final as (

    select
        account_months.account_id,
        account_months.reporting_month,
        measures.measure,
        measures.use_case,
        account_months.account_age_months,
        rolled_up.measure_value,
        rolled_up.measure_denominator,
        coalesce(rolled_up.subscriptions_contributing, 0) as subscriptions_contributing,
        true as is_applicable
    from account_months
    cross join measures
    left join rolled_up
        on account_months.account_id = rolled_up.account_id
        and account_months.reporting_month = rolled_up.reporting_month
        and measures.measure = rolled_up.measure

)

select * from final
