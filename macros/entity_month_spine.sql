{#-
    The entity-months that get a score row (one per instance-month and
    account-month that has measure scores), whether or not any component is
    scored: the spine both int_use_case_scores and int_overall_scores
    left-join their weighted scores to, so the two agree on which rows exist.
-#}
{% macro entity_month_spine(measure_scores) -%}
    select distinct
        entity_type,
        entity_id,
        reporting_month
    from {{ measure_scores }}
{%- endmacro %}
