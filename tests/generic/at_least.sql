{#- Every non-empty value of `column_name` is at least `minimum` (a whole-number rank, a count). -#}
{% test at_least(model, column_name, minimum, row_label) %}
{% set check_sql %}
select
    {{ row_label }} as row_label,
    '{{ column_name }} ' || cast({{ column_name }} as {{ var('string_type')[target.type] }})
        || ' is below {{ minimum }}' as problem
from {{ model }}
where {{ column_name }} < {{ minimum }}
{% endset %}
{{ raise_seed_problems(check_sql, model.identifier, 'at_least') }}
{% endtest %}
