{#- No two rows share the same values of `columns` (a composite primary key). -#}
{% test unique_combination(model, columns) %}
{{ duplicate_keys(model, columns) }}
{% endtest %}
