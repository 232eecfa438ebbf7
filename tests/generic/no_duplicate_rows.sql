{#-
    No row of a seed is listed twice: two rows equal in every column (empty
    cells equal) are one error naming the row and the CSV lines it is on
    (seed_line_number; the header is line 1), not two rows that contradict
    each other in the other checks.
-#}
{% test no_duplicate_rows(model, row_label) %}
{%- set columns = [] %}
{%- if execute %}
    {%- for column in adapter.get_columns_in_relation(model) %}{% do columns.append(adapter.quote(column.name)) %}{% endfor %}
{%- endif %}
{%- set text = dbt.type_string() %}
{% set check_sql %}
with

numbered as (

    select
        {{ row_label }} as row_label,
        {{ seed_line_number() }} as line_number,
        {{ columns | join(', ') if columns else '1 as no_column' }}
    from {{ model }}

)

select
    min(row_label) as row_label,
    cast(count(*) as {{ text }}) || ' identical rows, on lines '
    || {{ string_agg_ordered('cast(line_number as ' ~ text ~ ')', ', ', 'line_number') }}
    || ': the row is listed more than once (keep one)' as problem
from numbered
group by {{ columns | join(', ') if columns else 'no_column' }}
having count(*) > 1
{% endset %}
{{ raise_seed_problems(check_sql, model.identifier, 'no_duplicate_rows') }}
{% endtest %}
