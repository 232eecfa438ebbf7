{#-
    Every non-empty value of a seed's date column (typed as text in the
    seed, so that a date in another format is named as written) is a
    calendar day written `YYYY-MM-DD`: what try_cast_date, the rule the
    models read it with, reads as a date.
-#}
{% test seed_dates_valid(model, column_name, row_label) %}
{% set check_sql %}
select
    {{ row_label }} as row_label,
    '{{ column_name }} ''' || cast({{ column_name }} as {{ dbt.type_string() }})
    || ''' is not a date written YYYY-MM-DD (a calendar day)' as problem
from {{ model }}
where
    {{ column_name }} is not null
    and trim(cast({{ column_name }} as {{ dbt.type_string() }})) <> ''
    and {{ seed_date(column_name) }} is null
{% endset %}
{{ raise_seed_problems(check_sql, model.identifier, 'seed_dates_valid') }}
{% endtest %}
