{#-
    True when a measure_thresholds row applies at `age` (account age in
    months): empty bracket bounds are open. The one definition of the age
    bracket, for scoring and for the next color.
-#}
{% macro threshold_applies_at_age(thresholds, age) -%}
    (
        ({{ thresholds }}.account_age_min_months is null or {{ age }} >= {{ thresholds }}.account_age_min_months)
        and ({{ thresholds }}.account_age_max_months is null or {{ age }} <= {{ thresholds }}.account_age_max_months)
    )
{%- endmacro %}
