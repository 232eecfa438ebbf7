{#- No value of `column_name` is blank (a key every row of the landing file needs). -#}
{% test landing_required(model, column_name) %}
{% set check_sql %}
select
    {{ landing_line_label('line_number') }} as row_label,
    '{{ column_name }} is blank' as problem
from {{ model }}
where nullif(trim({{ column_name }}), '') is null
{% endset %}
{{ raise_landing_problems(check_sql, landing_file_name(model), 'landing_required ' ~ column_name) }}
{% endtest %}
