{#-
    None of `columns` is NULL in any row of the model: one test (one scan)
    per model instead of one per column. Fails with a row per column that
    has NULLs, and how many.
-#}
{% test not_null_columns(model, columns) %}

with

null_counts as (

    select
        {%- for column in columns %}
        count(*) - count({{ column }}) as {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ model }}

)

{% for column in columns %}
select
    '{{ column }}' as column_name,
    {{ column }} as null_rows
from null_counts
where {{ column }} > 0
{% if not loop.last %}union all{% endif %}
{% endfor %}

{% endtest %}
