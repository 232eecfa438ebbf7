{#- No two rows of a seed spell the same value (compared lowercase, blanks trimmed). -#}
{% test unique_case_insensitive(model, column_name) %}
{% set check_sql %}
select
    '{{ column_name }}=' || min({{ column_name }}) as row_label,
    cast(count(*) as varchar(20)) || ' rows spell ''' || {{ open_set_key(column_name) }}
    || ''' (values are matched case-insensitively)' as problem
from {{ model }}
group by {{ open_set_key(column_name) }}
having count(*) > 1
{% endset %}
{{ raise_seed_problems(check_sql, model.identifier, 'unique_case_insensitive') }}
{% endtest %}
