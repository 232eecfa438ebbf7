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
