{#-
    No two rows of a seed share the values of its key `columns` (empty cells
    equal), whatever their other columns: one error naming the key and the
    CSV lines it is on (seed_line_number; the header is line 1). Rows equal
    in every column are no_duplicate_rows' error instead.
-#}
{% test unique_seed_key(model, columns, row_label) %}
{%- set text = dbt.type_string() %}
{% set check_sql %}
with

numbered as (

    select
        {{ row_label }} as row_label,
        {{ seed_line_number() }} as line_number,
        {{ columns | join(', ') }}
    from {{ model }}

)

select
    min(row_label) as row_label,
    cast(count(*) as {{ text }}) || ' rows, on lines '
    || {{ string_agg_ordered('cast(line_number as ' ~ text ~ ')', ', ', 'line_number') }}
    || ': one row per {{ columns | join(" and ") }} (keep one)' as problem
from numbered
group by {{ columns | join(', ') }}
having count(*) > 1
{% endset %}
{{ raise_seed_problems(check_sql, model.identifier, 'unique_seed_key') }}
{% endtest %}
