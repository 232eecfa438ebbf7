{#-
    Use the custom schema name as given (`staging`, `intermediate`, `marts`,
    `methodology`) instead of dbt's default `<target_schema>_<custom>`, so BI
    tools find the marts in a schema called `marts` on every engine (SPEC §6).
    On the targets named `serving*` (profiles.yml: `serving`, the published
    DuckDB file attached read-only; `serving_postgres`) the marts are named
    where they are published, `marts`, not where a build makes them,
    `marts_build`: the semantic layer (`mf query`) reads the published set.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.name.startswith('serving') and node is not none and node.resource_type == 'model' and node.fqn[1] == 'marts' -%}
        {{ var('published_schema') }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
