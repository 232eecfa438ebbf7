{#-
    How a value of the interval `current` reaches the interval `better` of
    the same seed (the next color of a measure or of a score): from below
    (`higher`: rise to `better`'s lower bound) when `better` lies above
    `current`, else from above (`lower`: fall to its upper bound). Intervals
    of one seed partition the line, so which side `better` lies on is the
    same for every value of `current`. Emits `<prefix>_direction`,
    `<prefix>_bound` and `<prefix>_bound_inclusive`. `bound` names the
    seed's bound columns: `min_<bound>`, `max_<bound>`, with `min_inclusive`
    and `max_inclusive`. Each case has an `else` branch: PostgreSQL keeps a
    numeric's scale through a case only when every branch has it.
-#}
{% macro approach_to_interval(current, better, bound, prefix) -%}
    {%- set is_above = better ~ '.min_' ~ bound ~ ' >= ' ~ current ~ '.max_' ~ bound -%}
    case when {{ is_above }} then 'higher' else 'lower' end as {{ prefix }}_direction,
    case when {{ is_above }} then {{ better }}.min_{{ bound }} else {{ better }}.max_{{ bound }} end
        as {{ prefix }}_bound,
    case when {{ is_above }} then {{ better }}.min_inclusive else {{ better }}.max_inclusive end
        as {{ prefix }}_bound_inclusive
{%- endmacro %}
