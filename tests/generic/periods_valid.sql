{#-
    Month periods of a seed (`from_month`, `to_month`, both inclusive; an
    empty `to_month` is open-ended), typed as text in the seed so that a date
    in another format is named as written (a `07/01/2026` would otherwise
    load as some date): both are dates written `YYYY-MM-DD` (try_cast_date,
    the rule the models read them with), `from_month` is required, both are
    first days of months, `to_month` is not before `from_month`, and two
    periods of one `partition_by` group do not overlap (each named with its
    CSV line, seed_line_number).
-#}
{% test periods_valid(model, partition_by, row_label) %}
{% set string = dbt.type_string() %}
{% set check_sql %}
with

periods as (

    select
        {{ partition_by | join(', ') }},
        cast(from_month as {{ string }}) as from_month_text,
        cast(to_month as {{ string }}) as to_month_text,
        {{ seed_date('from_month') }} as from_month,
        {{ seed_date('to_month') }} as to_month,
        coalesce({{ seed_date('to_month') }}, cast('9999-12-01' as date)) as period_end,
        {{ row_label }} as row_label,
        {{ seed_line_number() }} as line_number
    from {{ model }}

)

select row_label, 'from_month is required' as problem
from periods
where from_month_text is null

union all

{% for column in ['from_month', 'to_month'] %}
select
    row_label,
    '{{ column }} ''' || {{ column }}_text || ''' is not a date written YYYY-MM-DD (a calendar day)' as problem
from periods
where {{ column }}_text is not null and {{ column }} is null

union all
{% endfor %}

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
    'period on line ' || cast(later.line_number as {{ string }}) || ' overlaps the period of row '
    || earlier.row_label || ' on line ' || cast(earlier.line_number as {{ string }}) as problem
from periods as earlier
inner join periods as later
    on {% for column in partition_by %}earlier.{{ column }} = later.{{ column }} and {% endfor %}
    earlier.line_number < later.line_number
    and earlier.from_month <= later.period_end
    and later.from_month <= earlier.period_end
{% endset %}
{{ raise_seed_problems(check_sql, model.identifier, 'periods_valid') }}
{% endtest %}
