{#- Every non-empty value of `column_name` must match the regular expression `pattern` in full. -#}
{% test matches_pattern(model, column_name, pattern, row_label) %}
{% set check_sql %}
select
    {{ row_label }} as row_label,
    '{{ column_name }} ''' || {{ column_name }} || ''' does not match {{ pattern }}' as problem
from {{ model }}
where {{ column_name }} is not null and not {{ regex_full_match(column_name, pattern) }}
{% endset %}
{{ raise_seed_problems(check_sql, model.identifier, 'matches_pattern') }}
{% endtest %}
