{#-
    Month periods of a seed (`from_month`, `to_month`, both inclusive; an
    empty `to_month` is open-ended): `from_month` is required, both are first
    days of months, `to_month` is not before `from_month`, and two periods of
    one `partition_by` group do not overlap (each names the other).
-#}
{% test periods_valid(model, partition_by, row_label) %}
{% set string = dbt.type_string() %}
{% set check_sql %}
with

periods as (

    select
        {{ partition_by | join(', ') }},
        from_month,
        to_month,
        coalesce(to_month, cast('9999-12-01' as date)) as period_end,
        {{ row_label }} as row_label,
        row_number() over (order by {{ partition_by | join(', ') }}, from_month, to_month) as row_id
    from {{ model }}

)

select row_label, 'from_month is required' as problem
from periods
where from_month is null

union all

select row_label, 'from_month ' || cast(from_month as {{ string }}) || ' is not the first day of a month' as problem
from periods
where extract(day from from_month) <> 1

union all

select row_label, 'to_month ' || cast(to_month as {{ string }}) || ' is not the first day of a month' as problem
from periods
where extract(day from to_month) <> 1

union all

select
    row_label,
    'to_month ' || cast(to_month as {{ string }}) || ' is before from_month '
    || cast(from_month as {{ string }}) as problem
from periods
where to_month < from_month

union all

select
    later.row_label,
    'period overlaps the period of row ' || earlier.row_label as problem
from periods as earlier
inner join periods as later
    on {% for column in partition_by %}earlier.{{ column }} = later.{{ column }} and {% endfor %}
    earlier.row_id < later.row_id
    and earlier.from_month <= later.period_end
    and later.from_month <= earlier.period_end
{% endset %}
{{ raise_seed_problems(check_sql, model.identifier, 'periods_valid') }}
{% endtest %}
