{#-
    How a value outside a seed interval reaches it (the next color of a
    measure or of a score): from below (`higher`: the value must rise to the
    interval's lower bound) or from above (`lower`: it must fall to the upper
    bound). Emits four columns named `<prefix>_direction`, `<prefix>_bound`,
    `<prefix>_bound_inclusive` and `<prefix>_gap` (the distance to the bound,
    never negative). Which side is better is the seed's color order, not this
    macro: it is applied to the interval of the better color.
-#}
{% macro approach_to_interval(value, min_value, min_inclusive, max_value, max_inclusive, prefix) -%}
    case
        when {{ min_value }} is not null and {{ value }} <= {{ min_value }} then 'higher'
        when {{ max_value }} is not null and {{ value }} >= {{ max_value }} then 'lower'
    end as {{ prefix }}_direction,
    case
        when {{ min_value }} is not null and {{ value }} <= {{ min_value }} then {{ min_value }}
        when {{ max_value }} is not null and {{ value }} >= {{ max_value }} then {{ max_value }}
    end as {{ prefix }}_bound,
    case
        when {{ min_value }} is not null and {{ value }} <= {{ min_value }} then {{ min_inclusive }}
        when {{ max_value }} is not null and {{ value }} >= {{ max_value }} then {{ max_inclusive }}
    end as {{ prefix }}_bound_inclusive,
    case
        when {{ min_value }} is not null and {{ value }} <= {{ min_value }} then {{ min_value }} - {{ value }}
        when {{ max_value }} is not null and {{ value }} >= {{ max_value }} then {{ value }} - {{ max_value }}
    end as {{ prefix }}_gap
{%- endmacro %}


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


{#- `up`, `down` or `same` for a change of a score; empty when either side is missing. -#}
{% macro trend(change) -%}
    case
        when {{ change }} > 0 then 'up'
        when {{ change }} < 0 then 'down'
        when {{ change }} = 0 then 'same'
    end
{%- endmacro %}


{#-
    The phrase_book column naming a bound: `above` / `at least` when the
    value must rise to it (exclusive / inclusive), `below` / `at most` when it
    must fall.
-#}
{% macro bound_phrase(direction, inclusive) -%}
    case
        when {{ direction }} = 'higher' and {{ inclusive }} then phrase_book.bound_at_least
        when {{ direction }} = 'higher' then phrase_book.bound_above
        when {{ direction }} = 'lower' and {{ inclusive }} then phrase_book.bound_at_most
        when {{ direction }} = 'lower' then phrase_book.bound_below
    end
{%- endmacro %}


{#-
    `template` with each `{name}` replaced by the text of its expression
    (`pairs`: (name, SQL expression)); a missing value reads as empty.
-#}
{% macro fill_template(template, pairs) -%}
    {%- set ns = namespace(sql=template) -%}
    {%- for name, expression in pairs -%}
        {%- set ns.sql = 'replace(' ~ ns.sql ~ ", '{" ~ name ~ "}', coalesce(" ~ expression ~ ", ''))" -%}
    {%- endfor -%}
    {{ ns.sql }}
{%- endmacro %}


{#-
    The next-step columns of int_use_case_health as both use-case health
    marts publish them (`relation`: its alias), in one order.
-#}
{% macro next_step_columns(relation) -%}
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
    {{ relation }}.next_step
{%- endmacro %}
