{#-
    Every value of `column_name` (text in the landing file) casts to
    `data_type` (date, decimal, integer) by landing_try_cast, the rule
    staging casts with; a blank value is a problem too unless `allow_blank`.
    Names the file, the line, the column and the value.
-#}
{% test landing_parses(model, column_name, data_type, allow_blank=false) %}
{%- set expected = {
    'date': 'a date (YYYY-MM-DD)',
    'decimal': 'a number (at most 9 decimals)',
    'integer': 'a whole number',
}[data_type] %}
{% set check_sql %}
select
    {{ landing_line_label('line_number') }} as row_label,
    '{{ column_name }} ' || {{ landing_value_text(column_name) }} || ' is not {{ expected }}' as problem
from {{ model }}
where
    {%- if allow_blank %}
    nullif(trim({{ column_name }}), '') is not null and
    {%- endif %}
    {{ landing_try_cast(column_name, data_type) }} is null
{% endset %}
{{ raise_landing_problems(check_sql, landing_file_name(model), 'landing_parses ' ~ column_name) }}
{% endtest %}
