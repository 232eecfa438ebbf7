{#-
    The key of a flagged landing row, written one way for every file
    (dq_unrecognized_values.row_key): `name=value` pairs separated by one
    space, each value cast to text, empty when null. `parts` is a list of
    (name, SQL expression) pairs, in the order they are shown.
-#}
{% macro row_key(parts) -%}
    {%- for name, expression in parts -%}
        '{{ ' ' if not loop.first }}{{ name }}=' || coalesce(cast({{ expression }} as {{ var('string_type')[target.type] }}), '')
        {%- if not loop.last %} || {% endif -%}
    {%- endfor -%}
{%- endmacro %}
