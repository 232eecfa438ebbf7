{#- `up`, `down` or `same` for a change of a score; empty when either side is missing. -#}
{% macro trend(change) -%}
    case
        when {{ change }} > 0 then 'up'
        when {{ change }} < 0 then 'down'
        when {{ change }} = 0 then 'same'
    end
{%- endmacro %}
