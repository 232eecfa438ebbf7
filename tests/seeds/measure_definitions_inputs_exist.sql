{#-
    Every measure's inputs exist in metric_catalog: ratio and share_of_total
    read two metrics; the group_* formulas read a metric_group (and
    group_sum_ratio a denominator metric).
-#}
{% set check_sql %}
with

definitions as (

    select * from {{ ref('measure_definitions') }}

),

catalog as (

    select * from {{ ref('metric_catalog') }}

),

problems as (

    select
        'measure=' || measure as row_label,
        'numerator ''' || numerator || ''' is not a metric of metric_catalog' as problem
    from definitions
    where formula in ('ratio', 'share_of_total')
        and numerator not in (select metric from catalog)

    union all

    select
        'measure=' || measure as row_label,
        'numerator ''' || numerator || ''' is not a metric_group of metric_catalog' as problem
    from definitions
    where formula in ('group_sum_ratio', 'group_count_positive')
        and numerator not in (select metric_group from catalog where metric_group is not null)

    union all

    select
        'measure=' || measure as row_label,
        'denominator ''' || coalesce(denominator, '') || ''' is not a metric of metric_catalog' as problem
    from definitions
    where formula in ('ratio', 'share_of_total', 'group_sum_ratio')
        and (denominator is null or denominator not in (select metric from catalog))

)

select * from problems
{% endset %}
{{ raise_seed_problems(check_sql, 'measure_definitions', 'inputs_exist') }}
