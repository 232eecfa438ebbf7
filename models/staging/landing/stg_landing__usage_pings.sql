-- depends_on: {{ ref('metric_catalog') }}
{#-
    Accepted pings: one row per distinct ping id, typed, metrics
    negative-to-NULL, with the catalog path each multi-path metric came
    from. The raw line is not carried: an accepted line lives on in its
    typed columns (the parsed model keeps raw lines of rejects only).
-#}
{%- set catalog = metric_catalog_rows() %}
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
