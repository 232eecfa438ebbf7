{#-
    The next-step columns of int_use_case_health as both use-case health
    marts publish them (`relation`: its alias), in one order; `next_step`: an
    SQL expression to publish as next_step instead of the relation's own.
-#}
{% macro next_step_columns(relation, next_step=none) -%}
    {{ relation }}.next_color,
    {{ relation }}.next_color_score_threshold,
    {{ relation }}.next_color_score_threshold_inclusive,
    {{ relation }}.limiting_measure,
    {{ relation }}.limiting_measure_value,
    {{ relation }}.limiting_measure_color,
    {{ relation }}.limiting_measure_next_color,
    {{ relation }}.limiting_measure_direction,
    {{ relation }}.limiting_measure_threshold,
    {{ relation }}.limiting_measure_threshold_inclusive,
    {{ relation }}.limiting_measure_gap,
    {{ relation }}.limiting_measure_numerator_gap,
    {{ relation }}.score_if_limiting_measure_improves,
    {{ relation }}.color_if_limiting_measure_improves,
    {% if next_step is none %}{{ relation }}.next_step{% else %}{{ next_step }} as next_step{% endif %}
{%- endmacro %}
