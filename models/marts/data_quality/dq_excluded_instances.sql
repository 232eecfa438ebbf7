{#
    Instance-months excluded from health measures (seed instance_exclusions,
    issue 12) with the reason: the instance is never primary that month and
    counts in no account value; it stays in the instance marts, flagged.
    `would_be_candidate` says whether it would otherwise have competed to
    represent its subscription (int_instance_monthly_pings.can_represent_subscription).
#}

with

instance_months as (

    select * from {{ ref('int_instance_monthly_pings') }}

),

final as (

    select
        uuid,
        reporting_month,
        license_subscription_id as subscription_id,
        account_id,
        instance_type,
        exclusion_reason,
        exclusion_from_month,
        exclusion_to_month,
        can_represent_subscription as would_be_candidate
    from instance_months
    where is_excluded

)

select
    *,
    {{ build_id() }} as build_id
from final
