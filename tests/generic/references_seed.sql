{#- Every non-empty value of `column_name` must exist in `to`.`field`. -#}
{% test references_seed(model, column_name, to, field, row_label, where_clause='1 = 1') %}
{% set check_sql %}
select
    {{ row_label }} as row_label,
    'unknown {{ column_name }} ''' || {{ column_name }} || ''' (not a {{ field }} of {{ to.identifier }})'
        as problem
from {{ model }}
where
    {{ column_name }} is not null
    and {{ where_clause }}
    and {{ column_name }} not in (
        select {{ field }} from {{ to }} where {{ field }} is not null
    )
{% endset %}
{{ raise_seed_problems(check_sql, model.identifier, 'references_seed') }}
{% endtest %}
