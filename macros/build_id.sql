{#-
    The id of this build: dbt's invocation id. Every mart row carries it as
    `build_id`, and `publication_log` has one row per published build, so a BI
    user can tell which build a figure comes from, and that every mart they
    read comes from the same one (macros/publication/).
-#}
{% macro build_id() -%}
    cast('{{ invocation_id }}' as {{ var('string_type')[target.type] }})
{%- endmacro %}
