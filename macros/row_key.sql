{#-
    The key of a flagged landing row, written one way for every file
    (dq_unrecognized_values.row_key): `name=value` pairs separated by one
    space, each value cast to text, `null_text` when null (empty by default;
    row_checks' `failing_row` shows `NULL`). `parts` is a list of (name, SQL
    expression) pairs, in the order they are shown.
-#}
{% macro row_key(parts, null_text='') -%}
    {%- for name, expression in parts -%}
        '{{ ' ' if not loop.first }}{{ name }}=' || coalesce(cast({{ expression }} as {{ var('string_type')[target.type] }}), '{{ null_text }}')
        {%- if not loop.last %} || {% endif -%}
    {%- endfor -%}
{%- endmacro %}
