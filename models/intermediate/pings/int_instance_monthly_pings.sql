{{ config(materialized='table') }}
-- A table, not a view: several models and tests read it, and as a view each
-- of them would recompute the whole chain beneath it.
-- depends_on: {{ ref('metric_catalog') }}
{% set catalog = metric_catalog_rows() %}
{#-
    One ping per instance per reporting month (SPEC §4): the latest
    recorded_at, ties broken by the greatest ping id. Adds the instance's
    delivery type, its CSM label, the subscription and account it reports
    for (NULL when the subscription is missing or unknown), and whether the
    instance is excluded from health measures that month (instance_exclusions).
#}

with

pings as (

    select * from {{ ref('stg_landing__usage_pings') }}

),

labels as (

    select * from {{ ref('stg_landing__instance_labels') }}

),

subscriptions as (

    select * from {{ ref('stg_landing__subscriptions') }}

),

accounts as (

    select * from {{ ref('stg_landing__accounts') }}

),

exclusions as (

    select * from {{ ref('instance_exclusions') }}

),

ranked_pings as (

    select
        *,
        row_number() over (
            partition by uuid, reporting_month
            order by recorded_at desc, ping_id desc
        ) as recency_rank,
        count(*) over (partition by uuid, reporting_month) as pings_in_month
    from pings

),

latest_labels as (

    select
        uuid,
        instance_type,
        row_number() over (partition by uuid order by labeled_at desc nulls last) as label_rank
    from labels

),

final as (

    select
        ranked_pings.uuid,
        ranked_pings.reporting_month,
        ranked_pings.ping_id,
        ranked_pings.recorded_at,
        ranked_pings.pings_in_month,
        ranked_pings.hostname,
        ranked_pings.gitlab_version,
        case
            {%- set saas_hostnames = var('saas_hostnames') | map('lower') | list %}
            when lower(ranked_pings.hostname) in {{ sql_string_list(saas_hostnames) }} then 'SaaS'
            else 'Self-Managed'
        end as delivery_type,
        coalesce(latest_labels.instance_type, 'Unknown') as instance_type,
        ranked_pings.license_subscription_id,
        subscriptions.subscription_id is not null as is_subscription_known,
        subscriptions.account_id,
        subscriptions.product_tier,
        subscriptions.product_tier_rank,
        {{ calendar_months_between('ranked_pings.reporting_month', 'accounts.customer_since_date') }}
            as account_age_months,
        exclusions.uuid is not null as is_excluded,
        exclusions.reason as exclusion_reason,
        exclusions.from_month as exclusion_from_month,
        exclusions.to_month as exclusion_to_month,
        {%- for entry in catalog %}
        ranked_pings.{{ entry.metric }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from ranked_pings
    left join latest_labels
        on ranked_pings.uuid = latest_labels.uuid
        and latest_labels.label_rank = 1
    left join subscriptions
        on ranked_pings.license_subscription_id = subscriptions.subscription_id
    left join accounts
        on subscriptions.account_id = accounts.account_id
    -- Periods of one instance never overlap (seed check): at most one row.
    left join exclusions
        on ranked_pings.uuid = exclusions.uuid
        and ranked_pings.reporting_month >= exclusions.from_month
        and (exclusions.to_month is null or ranked_pings.reporting_month <= exclusions.to_month)
    where ranked_pings.recency_rank = 1

)

select * from final
