{#-
    The explanation_phrases key naming a bound in a next-step sentence:
    `bound_above` / `bound_at_least` when the value must rise to it
    (exclusive / inclusive), `bound_below` / `bound_at_most` when it must
    fall; NULL without a direction.
-#}
{% macro bound_phrase_key(direction, inclusive) -%}
    case
        when {{ direction }} = 'higher' and {{ inclusive }} then {{ phrase_key('bound_at_least') }}
        when {{ direction }} = 'higher' then {{ phrase_key('bound_above') }}
        when {{ direction }} = 'lower' and {{ inclusive }} then {{ phrase_key('bound_at_most') }}
        when {{ direction }} = 'lower' then {{ phrase_key('bound_below') }}
    end
{%- endmacro %}
