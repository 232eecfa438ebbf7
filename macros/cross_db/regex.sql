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

{#- Spark's regexp_replace takes no 'g' flag (it replaces every match), and its literals need backslashes doubled. -#}
{% macro spark__regex_remove(expression, pattern) -%}
    regexp_replace({{ expression }}, '{{ pattern | replace('\\', '\\\\') }}', '')
{%- endmacro %}


{#-
    True when a text holds a control character (C0: U+0000-U+001F, tab and
    line breaks included, or DEL U+007F): never part of a name or a label.
-#}
{% macro has_control_character(expression) -%}
    {{ return(adapter.dispatch('has_control_character', 'adoption_scoring')(expression)) }}
{%- endmacro %}

{% macro default__has_control_character(expression) -%}
    regexp_matches({{ expression }}, '[\x00-\x1F\x7F]')
{%- endmacro %}

{#- PostgreSQL text cannot hold U+0000 (the loader writes U+001A in its place). -#}
{% macro postgres__has_control_character(expression) -%}
    ({{ expression }} ~ '[\x01-\x1F\x7F]')
{%- endmacro %}

{#- Spark matches with rlike (no regexp_matches), and its literals need backslashes doubled. -#}
{% macro spark__has_control_character(expression) -%}
    ({{ expression }} rlike '[\\x00-\\x1F\\x7F]')
{%- endmacro %}
