-- depends_on: {{ ref('metric_catalog') }}
{#-
    Accepted pings: one row per distinct ping id, typed, metrics
    negative-to-NULL, with the catalog path each multi-path metric came
    from, and the user counts as sent with their plausibility flag. The
    raw line is not carried: an accepted line lives on in its typed columns
    (the parsed model keeps raw lines of rejects only).
-#}
{%- set catalog = metric_catalog_rows() %}
{%- set user_count_fields = ping_user_count_fields() %}
{%- set fallback_metrics = metrics_with_fallback_paths(catalog) %}

with

parsed as (

    select * from {{ ref('stg_landing__usage_pings_parsed') }}

),

final as (

    select
        source_file,
        line_number,
        ping_id,
        uuid,
        hostname,
        recorded_at_text,
        recorded_at,
        reporting_month,
        gitlab_version,
        license_subscription_id
        {%- for column_name, path in user_count_fields %},
        {{ column_name }}
        {%- endfor %},
        -- Billable users are a subset of active users: more is implausible
        -- (kept as sent; dq_unrecognized_values lists the ping).
        coalesce(
            reported_active_users >= 0 and reported_billable_users > reported_active_users, false
        ) as has_more_billable_than_active_users
        {%- for entry in catalog %},
        {{ entry.metric }}
        {%- endfor %}
        {%- for metric in fallback_metrics %},
        {{ metric }}_path_priority
        {%- endfor %}
    from parsed
    where rejection_reason is null

)

select * from final
