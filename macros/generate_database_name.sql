{#-
    dbt's own (dispatched per adapter: the target's database, or a model's
    `database` config; none on Spark), except on the `serving` target
    (profiles.yml: the published file attached read-only as `published`),
    where every node but the marts is named in the build database (its
    catalog: the file name of DBT_DUCKDB_PATH without `.duckdb`), where a
    build makes it: the docs site built on that target (scripts/docs_site.sh)
    then shows each relation where it really is, the marts where BI reads
    them. Nothing on `serving` queries those relations.
-#}
{% macro generate_database_name(custom_database_name=none, node=none) -%}
    {%- set is_mart = node is not none and node.resource_type == 'model' and node.fqn[1] == 'marts' -%}
    {%- if target.name == 'serving' and node is not none and not is_mart and custom_database_name is none -%}
        {{ env_var('DBT_DUCKDB_PATH', 'data/adoption.duckdb').split('/')[-1] | replace('.duckdb', '') }}
    {%- else -%}
        {#- dbt's own, per adapter (dbt-spark's names no database at all). -#}
        {{ return(adapter.dispatch('generate_database_name', 'dbt')(custom_database_name, node)) }}
    {%- endif -%}
{%- endmacro %}
