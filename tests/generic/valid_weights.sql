{#-
    Weights must be present and non-negative, and each group must have at
    least one positive weight (a weighted mean over all-zero weights is
    undefined).
-#}
{% test valid_weights(model, column_name, group_by, row_label) %}
{%- set group_name = group_by | join(', ') if group_by else 'all rows' -%}
{% set check_sql %}
select
    {{ row_label }} as row_label,
    case
        when {{ column_name }} is null then 'missing {{ column_name }}'
        else 'negative {{ column_name }} ' || cast({{ column_name }} as {{ dbt.type_string() }})
    end as problem
from {{ model }}
where {{ column_name }} is null or {{ column_name }} < 0

union all

select
    min({{ row_label }}) as row_label,
    'every {{ column_name }} of this group ({{ group_name }}) is zero: nothing would be counted' as problem
from {{ model }}
{#- No group by for one group of all rows (PostgreSQL rejects `group by 'constant'`). #}
{% if group_by %}group by {{ group_by | join(', ') }}{% endif %}
having coalesce(max({{ column_name }}), 0) <= 0 and min({{ column_name }}) >= 0
{% endset %}
{{ raise_seed_problems(check_sql, model.identifier, 'valid_weights') }}
{% endtest %}
