-- depends_on: {{ ref('metric_catalog') }}
{#-
    Which metric_catalog path supplied each metric, month by month (SPEC §3;
    published as dq_metric_path_usage, since marts read no seed):
    for every catalog row (metric x priority), how many accepted pings of the
    month took the metric's value from that path, and how many had no value
    from any of the metric's paths. Read by a data engineer checking a
    fallback: e.g. how many pings still score billable users from
    `active_user_count` because they send no `license_billable_users`.

    One pass over the accepted pings counts every (metric, path) pair of the
    catalog; the few monthly counts are then turned into rows.
-#}
{%- set catalog = metric_catalog_rows() %}
{%- set fallback_metrics = metrics_with_fallback_paths(catalog) %}

with

pings as (

    select * from {{ ref('stg_landing__usage_pings') }}

),

monthly_counts as (

    select
        reporting_month,
        count(*) as accepted_pings
        {%- for entry in catalog %}
        {%- set metric_index = loop.index %}
        {%- for path in entry.paths %},
        {%- if entry.metric in fallback_metrics %}
        count(case when {{ entry.metric }}_path_priority = {{ entry.priorities[loop.index0] }} then 1 end)
        {%- else %}
        count({{ entry.metric }})
        {%- endif %} as supplied_{{ metric_index }}_{{ loop.index }}
        {%- endfor %},
        count(case when {{ entry.metric }} is null then 1 end) as without_value_{{ metric_index }}
        {%- endfor %}
    from pings
    group by reporting_month

),

final as (

    {%- for entry in catalog %}
    {%- set metric_index = loop.index %}
    {%- for path in entry.paths %}

    select
        reporting_month,
        {{ sql_string(entry.metric) }} as metric,
        {{ entry.priorities[loop.index0] }} as priority,
        {{ sql_string(path) }} as payload_path,
        supplied_{{ metric_index }}_{{ loop.index }} as pings_supplied,
        without_value_{{ metric_index }} as pings_without_value,
        accepted_pings
    from monthly_counts
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

)

select * from final
