{#-
    The one rule for matching an open-set landing value (a product tier,
    category, delivery type, instance type) against the seed that lists it:
    case and surrounding blanks do not count. `open_set_key` is the folded
    form the rule compares (also used to group spellings that the rule would
    treat as one value); `open_set_match` is the comparison itself.
-#}
{% macro open_set_key(value) -%}
    lower(trim({{ value }}))
{%- endmacro %}

{% macro open_set_match(left_value, right_value) -%}
    {{ open_set_key(left_value) }} = {{ open_set_key(right_value) }}
{%- endmacro %}
