-- depends_on: {{ ref('metric_catalog') }}
{% set catalog = metric_catalog_rows() %}
{#-
    The metrics of each instance-month in long form (instance x month x
    catalog metric), with the metric's group from the catalog. Missing values
    (absent, negative, unparseable) are left out: a row here is a reported value.
#}

with

instance_months as (

    select * from {{ ref('int_instance_monthly_pings') }}

),

catalog as (

    -- One row per metric: the seed has one per path.
    select distinct
        metric,
        metric_group
    from {{ ref('metric_catalog') }}

),

unpivoted as (

    select
        instance_months.uuid,
        instance_months.reporting_month,
        catalog.metric,
        catalog.metric_group,
        case catalog.metric
            {%- for entry in catalog %}
            when '{{ entry.metric }}' then instance_months.{{ entry.metric }}
            {%- endfor %}
        end as metric_value
    from instance_months
    cross join catalog

),

final as (

    select * from unpivoted
    where metric_value is not null

)

select * from final
