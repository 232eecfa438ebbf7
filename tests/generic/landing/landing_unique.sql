{#-
    No two rows of a landing file share the values of `columns` (trimmed): a
    key listed twice. Names the key and the lines it is on. On a column, the
    column alone is the key.
-#}
{% test landing_unique(model, columns=none, column_name=none) %}
{%- set columns = columns or [column_name] %}
{%- set text = dbt.type_string() %}
{%- set key_parts = [] %}
{%- for column in columns %}
    {%- do key_parts.append("'" ~ column ~ "=' || coalesce(trim(" ~ column ~ "), '(blank)')") %}
{%- endfor %}
{% set check_sql %}
select
    {{ key_parts | join(" || ' ' || ") }} as row_label,
    'the key is on ' || cast(count(*) as {{ text }}) || ' lines: '
    || {{ string_agg_ordered('cast(line_number as ' ~ text ~ ')', ', ', 'line_number') }} as problem
from {{ model }}
group by {% for column in columns %}trim({{ column }}){% if not loop.last %}, {% endif %}{% endfor %}
having count(*) > 1
{% endset %}
{{ raise_landing_problems(check_sql, landing_file_name(model), 'landing_unique ' ~ (columns | join(', '))) }}
{% endtest %}
