{#-
    True when `value` lies in the interval of a methodology seed row: NULL
    bounds are unbounded, the *_inclusive flags say whether a bound belongs to
    the interval. The one definition of "in the interval" used by thresholds,
    color bands and adoption bands.
-#}
{% macro value_in_interval(value, min_value, min_inclusive, max_value, max_inclusive) -%}
    (
        {{ value }} is not null
        and (
            {{ min_value }} is null
            or {{ value }} > {{ min_value }}
            or ({{ min_inclusive }} and {{ value }} = {{ min_value }})
        )
        and (
            {{ max_value }} is null
            or {{ value }} < {{ max_value }}
            or ({{ max_inclusive }} and {{ value }} = {{ max_value }})
        )
    )
{%- endmacro %}
