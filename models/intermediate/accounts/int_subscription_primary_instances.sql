{#-
    The instance that represents each subscription in each month (SPEC §5,
    step 1): among the instances that reported that month with the
    subscription's id and may represent it, the lowest primary_preference of
    the instance_types seed wins (by default a Production instance, then an
    unlabeled, Unknown, one; Non-Production instances are never chosen). Ties
    go to the most billable users, then the latest ping, then the smallest
    uuid.
    `selection_basis` records which label won. An instance excluded that
    month (instance_exclusions) is never chosen, so it counts in no account
    value.
#}

with

instance_months as (

    select * from {{ ref('int_instance_monthly_pings') }}

),

candidates as (

    select
        license_subscription_id as subscription_id,
        reporting_month,
        uuid,
        instance_type,
        billable_user_count,
        recorded_at,
        count(*) over (partition by license_subscription_id, reporting_month) as candidate_count,
        row_number() over (
            partition by license_subscription_id, reporting_month
            order by
                primary_preference asc,
                billable_user_count desc nulls last,
                recorded_at desc,
                {{ byte_order('uuid') }} asc
        ) as preference_rank
    from instance_months
    where
        can_represent_subscription
        -- An instance excluded from health measures (instance_exclusions) never represents its subscription.
        and not is_excluded

),

final as (

    select
        subscription_id,
        reporting_month,
        uuid,
        instance_type as selection_basis,
        candidate_count
    from candidates
    where preference_rank = 1

)

select * from final
