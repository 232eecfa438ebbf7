{#-
    metric_catalog lists each metric's paths in a clear order (SPEC §3): every
    row has a priority >= 1, no two paths of a metric share a priority or
    repeat a path, every row of a metric names the same metric_group, and a
    metric with fallback paths has a name short enough for its
    `<metric>_path_priority` column on every engine (63 characters on
    PostgreSQL).
-#}
{% set check_sql %}
with

catalog as (

    select * from {{ ref('metric_catalog') }}

),

labelled as (

    select
        *,
        'metric=' || metric || ' priority=' || coalesce(cast(priority as varchar(20)), '') as row_label,
        count(*) over (partition by metric) as metric_paths,
        count(*) over (partition by metric, priority) as rows_with_priority,
        count(*) over (partition by metric, payload_path) as rows_with_path,
        min(coalesce(metric_group, '')) over (partition by metric) as first_metric_group,
        max(coalesce(metric_group, '')) over (partition by metric) as last_metric_group
    from catalog

),

problems as (

    select
        row_label,
        'priority is missing or below 1; give a whole number, 1 for the first path' as problem
    from labelled
    where priority is null or priority < 1

    union all

    select
        row_label,
        'priority ' || cast(priority as varchar(20)) || ' is given to '
        || cast(rows_with_priority as varchar(20)) || ' paths of this metric; priorities must differ' as problem
    from labelled
    where rows_with_priority > 1

    union all

    select
        row_label,
        'path ''' || payload_path || ''' is listed ' || cast(rows_with_path as varchar(20))
        || ' times for this metric' as problem
    from labelled
    where rows_with_path > 1

    union all

    select
        row_label,
        'metric_group ''' || coalesce(metric_group, '') || ''' differs between the rows of this metric; '
        || 'give every row the same group' as problem
    from labelled
    where first_metric_group <> last_metric_group

    union all

    select
        row_label,
        'a metric with several paths needs a name of at most 49 characters (its column '
        || '<metric>_path_priority must fit 63)' as problem
    from labelled
    where metric_paths > 1 and length(metric) > 49

)

select * from problems
{% endset %}
{{ raise_seed_problems(check_sql, 'metric_catalog', 'paths_well_formed') }}
