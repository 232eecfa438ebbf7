{#-
    Every row of a seed has a value in each of `columns`: not NULL and, for
    text, not only blanks (other types are compared as text, so a number or a
    boolean is never blank). One test per seed names every row that lacks a
    required value, instead of a not_null test per column that names none.
-#}
{% test not_blank(model, columns, row_label) %}
{% set check_sql %}
{% for column in columns %}
select
    {{ row_label }} as row_label,
    'empty {{ column }} (required)' as problem
from {{ model }}
where {{ column }} is null or trim(cast({{ column }} as {{ var('string_type')[target.type] }})) = ''
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endset %}
{{ raise_seed_problems(check_sql, model.identifier, 'not_blank') }}
{% endtest %}
