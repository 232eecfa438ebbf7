-- depends_on: {{ ref('int_recompute_window') }}
-- depends_on: {{ ref('metric_catalog') }}
{% set catalog = metric_catalog_rows() %}
{#-
    One ping per instance per reporting month (SPEC §4): the latest
    recorded_at, ties broken by the greatest ping id. Adds the instance's
    delivery type, its CSM label, the subscription and account it reports
    for (NULL when the subscription is missing or unknown), and whether the
    instance is excluded from health measures that month (instance_exclusions).
    Whether it may represent its subscription, and its preference among the
    instances that may, come from the instance_types seed (primary_preference);
    int_subscription_primary_instances chooses, dq_excluded_instances reports.
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

    -- The months are text in the seed (checked YYYY-MM-DD by periods_valid).
    select
        uuid,
        reason,
        {{ seed_date('from_month') }} as from_month,
        {{ seed_date('to_month') }} as to_month
    from {{ ref('instance_exclusions') }}

),

instance_types as (

    select * from {{ ref('instance_types') }}

),

ranked_pings as (

    select
        *,
        row_number() over (
            partition by uuid, reporting_month
            order by recorded_at desc, {{ byte_order('ping_id') }} desc
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

labeled as (

    select
        ranked_pings.*,
        -- An instance no CSM labeled (or labeled with a label instance_types
        -- does not list) is `Unknown`, a row of that seed.
        coalesce(latest_labels.instance_type, '{{ var("unlabeled_instance_type") }}') as instance_type
    from ranked_pings
    left join latest_labels
        on ranked_pings.uuid = latest_labels.uuid
        and latest_labels.label_rank = 1
    where ranked_pings.recency_rank = 1

),

final as (

    select
        labeled.uuid,
        labeled.reporting_month,
        labeled.ping_id,
        labeled.recorded_at,
        labeled.pings_in_month,
        labeled.hostname,
        labeled.gitlab_version,
        case
            {%- set saas_hostnames = var('saas_hostnames') | map('lower') | list %}
            when lower(labeled.hostname) in {{ sql_string_list(saas_hostnames) }} then 'SaaS'
            else 'Self-Managed'
        end as delivery_type,
        labeled.instance_type,
        instance_types.primary_preference,
        subscriptions.subscription_id is not null and instance_types.primary_preference is not null
            as can_represent_subscription,
        labeled.license_subscription_id,
        subscriptions.subscription_id is not null as is_subscription_known,
        subscriptions.account_id,
        subscriptions.product_tier,
        subscriptions.product_tier_rank,
        {{ account_age_months('labeled.reporting_month', 'accounts.customer_since_date') }}
            as account_age_months,
        exclusions.uuid is not null as is_excluded,
        exclusions.reason as exclusion_reason,
        exclusions.from_month as exclusion_from_month,
        exclusions.to_month as exclusion_to_month,
        {%- for entry in catalog %}
        labeled.{{ entry.metric }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from labeled
    left join instance_types
        on labeled.instance_type = instance_types.instance_type
    left join subscriptions
        on labeled.license_subscription_id = subscriptions.subscription_id
    left join accounts
        on subscriptions.account_id = accounts.account_id
    -- Periods of one instance never overlap (seed check): at most one row.
    left join exclusions
        on labeled.uuid = exclusions.uuid
        and labeled.reporting_month >= exclusions.from_month
        and (exclusions.to_month is null or labeled.reporting_month <= exclusions.to_month)

)

select * from final
