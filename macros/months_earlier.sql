{#-
    Join condition: `previous` is the row of the same entity (the `keys`
    columns) `months` calendar months before `current`. The one definition of
    "the previous calendar month" for colors, scores, measure values and bands.
-#}
{% macro months_earlier(current, previous, keys, months=1) -%}
    {%- for key in keys %}{{ current }}.{{ key }} = {{ previous }}.{{ key }}
        and {% endfor -%}
    {{ previous }}.reporting_month = {{ add_months(current ~ '.reporting_month', -months) }}
{%- endmacro %}
