{#
    Accepted pings whose license_subscription_id is missing or not in
    subscriptions.csv (SPEC §7). They stay scored at instance level; they
    cannot be rolled up to an account.
#}

with

pings as (

    select * from {{ ref('stg_landing__usage_pings') }}

),

subscriptions as (

    select * from {{ ref('stg_landing__subscriptions') }}

),

final as (

    select
        pings.ping_id,
        pings.uuid,
        pings.hostname,
        pings.recorded_at,
        pings.reporting_month,
        pings.license_subscription_id,
        case
            when pings.license_subscription_id is null then 'missing_subscription_id'
            else 'unknown_subscription_id'
        end as issue_type
    from pings
    left join subscriptions
        on pings.license_subscription_id = subscriptions.subscription_id
    where subscriptions.subscription_id is null

)

select
    *,
    {{ build_id() }} as build_id
from final
