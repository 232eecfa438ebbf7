{#-
    Use the custom schema name as given (`staging`, `intermediate`, `marts`,
    `methodology`) instead of dbt's default `<target_schema>_<custom>`, so BI
    tools find the marts in a schema called `marts` on every engine (SPEC §6).
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
