{#- True when the whole of `expression` matches the regular expression `pattern`. -#}
{% macro regex_full_match(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'adoption_scoring')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(expression, pattern) -%}
    regexp_full_match({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{#- `~` finds a match anywhere: anchor the whole pattern. -#}
{% macro postgres__regex_full_match(expression, pattern) -%}
    ({{ expression }} ~ '^(?:{{ pattern }})$')
{%- endmacro %}

{#- Java regular expressions; backslashes doubled for Spark's string literals. -#}
{% macro spark__regex_full_match(expression, pattern) -%}
    ({{ expression }} rlike '^(?:{{ pattern | replace('\\', '\\\\') }})$')
{%- endmacro %}


{#- `expression` with every match of `pattern` removed. -#}
{% macro regex_remove(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_remove', 'adoption_scoring')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_remove(expression, pattern) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '', 'g')
{%- endmacro %}

{% macro spark__regex_remove(expression, pattern) -%}
    regexp_replace({{ expression }}, '{{ pattern | replace('\\', '\\\\') }}', '')
{%- endmacro %}
