{#- Every date of `column_name` is the first of a month (arr_month: SPEC §2, §7). -#}
{% test landing_first_of_month(model, column_name) %}
{% set check_sql %}
select
    {{ landing_line_label('line_number') }} as row_label,
    '{{ column_name }} ' || {{ landing_value_text(column_name) }} || ' is not the first day of a month' as problem
from {{ model }}
where {{ landing_try_cast(column_name, 'date') }} <> {{ month_start(landing_try_cast(column_name, 'date')) }}
{% endset %}
{{ raise_landing_problems(check_sql, landing_file_name(model), 'landing_first_of_month ' ~ column_name) }}
{% endtest %}
