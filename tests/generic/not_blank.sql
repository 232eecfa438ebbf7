{#- Every row of a seed has a value that is not only blanks in each of `columns`. -#}
{% test not_blank(model, columns, row_label) %}
{% set check_sql %}
{% for column in columns %}
select
    {{ row_label }} as row_label,
    'empty {{ column }} (required)' as problem
from {{ model }}
where {{ column }} is null or trim({{ column }}) = ''
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endset %}
{{ raise_seed_problems(check_sql, model.identifier, 'not_blank') }}
{% endtest %}
