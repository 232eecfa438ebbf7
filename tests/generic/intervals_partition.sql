{#-
    The intervals of each group of a seed must partition their domain: no gap,
    no overlap, no empty interval. The domain is the real line unless
    `lower_limit` / `upper_limit` bound it (e.g. scores 0..100, use-case
    counts 0..inf). Bounds are NULL for "unbounded"; *_inclusive flags say
    whether a bound belongs to its interval.
-#}
{% test intervals_partition(
    model, partition_by, min_column, min_inclusive_column, max_column, max_inclusive_column,
    row_label, lower_limit=none, upper_limit=none, where_clause='1 = 1'
) %}
{%- set partition_sql = partition_by | join(', ') if partition_by else "'all rows'" -%}
{%- set text = dbt.type_string() -%}
{% set check_sql %}
with

intervals as (

    select
        {{ row_label }} as row_label,
        {{ min_column }} as min_value,
        {{ min_inclusive_column }} as min_inclusive,
        {{ max_column }} as max_value,
        {{ max_inclusive_column }} as max_inclusive,
        row_number() over (
            partition by {{ partition_sql }}
            order by {{ min_column }} is not null, {{ min_column }}, {{ max_column }} is null, {{ max_column }}
        ) as position,
        count(*) over (partition by {{ partition_sql }}) as interval_count,
        lag({{ max_column }}) over (
            partition by {{ partition_sql }}
            order by {{ min_column }} is not null, {{ min_column }}, {{ max_column }} is null, {{ max_column }}
        ) as previous_max_value,
        lag({{ max_inclusive_column }}) over (
            partition by {{ partition_sql }}
            order by {{ min_column }} is not null, {{ min_column }}, {{ max_column }} is null, {{ max_column }}
        ) as previous_max_inclusive,
        lag({{ row_label }}) over (
            partition by {{ partition_sql }}
            order by {{ min_column }} is not null, {{ min_column }}, {{ max_column }} is null, {{ max_column }}
        ) as previous_row_label
    from {{ model }}
    where {{ where_clause }}

),

problems as (

    select
        row_label,
        'empty interval: min ' || cast(min_value as {{ text }}) || ' is not below max '
        || cast(max_value as {{ text }}) as problem
    from intervals
    where
        min_value is not null
        and max_value is not null
        and (min_value > max_value or (min_value = max_value and not (min_inclusive and max_inclusive)))

    union all

    select
        row_label,
        {% if lower_limit is none -%}
        'gap: values below ' || cast(min_value as {{ text }})
        || ' match no row (the lowest interval must have an empty min)'
        {%- else -%}
        'gap: values from {{ lower_limit }} up to ' || cast(min_value as {{ text }}) || ' match no row'
        {%- endif %} as problem
    from intervals
    where
        position = 1
        and min_value is not null
        {% if lower_limit is not none -%}
        and (min_value > {{ lower_limit }} or (min_value = {{ lower_limit }} and not min_inclusive))
        {%- endif %}

    union all

    select
        row_label,
        {% if upper_limit is none -%}
        'gap: values above ' || cast(max_value as {{ text }})
        || ' match no row (the highest interval must have an empty max)'
        {%- else -%}
        'gap: values from ' || cast(max_value as {{ text }}) || ' up to {{ upper_limit }} match no row'
        {%- endif %} as problem
    from intervals
    where
        position = interval_count
        and max_value is not null
        {% if upper_limit is not none -%}
        and (max_value < {{ upper_limit }} or (max_value = {{ upper_limit }} and not max_inclusive))
        {%- endif %}

    union all

    select
        row_label,
        case
            when previous_max_value is null
                then 'overlap: row ' || previous_row_label || ' is unbounded above and this row starts inside it'
            when min_value is null
                then 'overlap: this row and row ' || previous_row_label || ' are both unbounded below'
            when previous_max_value < min_value
                then 'gap: values between ' || cast(previous_max_value as {{ text }}) || ' and '
                    || cast(min_value as {{ text }}) || ' match no row (after row ' || previous_row_label || ')'
            when previous_max_value > min_value
                then 'overlap: starts at ' || cast(min_value as {{ text }}) || ', inside row '
                    || previous_row_label || ' which ends at ' || cast(previous_max_value as {{ text }})
            when previous_max_inclusive and min_inclusive
                then 'overlap: value ' || cast(min_value as {{ text }}) || ' matches this row and row '
                    || previous_row_label || ' (both bounds inclusive)'
            else 'gap: value ' || cast(min_value as {{ text }}) || ' matches neither this row nor row '
                || previous_row_label || ' (both bounds exclusive)'
        end as problem
    from intervals
    where
        position > 1
        and (
            previous_max_value is null
            or min_value is null
            or previous_max_value <> min_value
            or (previous_max_inclusive and min_inclusive)
            or (not previous_max_inclusive and not min_inclusive)
        )

)

select row_label, problem from problems
{% endset %}
{{ raise_seed_problems(check_sql, model.identifier, 'intervals_partition') }}
{% endtest %}
