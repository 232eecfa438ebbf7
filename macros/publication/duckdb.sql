{#-
    DuckDB: the published set is a separate database file, the env var
    ADOPTION_SERVING_PATH (default data/adoption_serving.duckdb), schema
    `marts`. Every mart and the log are written into a new file beside it
    (`<file>.publishing-<build id>`) in DuckDB's v1.0.0 storage format, which
    DuckDB 1.x clients read; the file is closed, then renamed over the
    published one by the project's dbt-duckdb plugin
    (plugins/adoption_publication.py): one atomic rename(2). A reader holding
    the old file keeps reading it; a new connection opens the new one; the
    build never needs a lock on the published file, so readers never stop it.
    The history of publications is kept in the build database
    (`publication.publication_log`) and recorded there once the rename is done.
-#}

{% macro serving_path() -%}
    {{ return(env_var('ADOPTION_SERVING_PATH', 'data/adoption_serving.duckdb')) }}
{%- endmacro %}


{% macro duckdb__publish_relations(marts, record_sql) %}
    {% set published_file = serving_path() %}
    {% set work_file = published_file ~ '.publishing-' ~ invocation_id %}
    {% set file = api.Relation.create(identifier='adoption_publication') %}
    {% do adapter.store_relation('adoption_publication', file, [], published_file, 'duckdb', {'action': 'clean'}) %}

    {% call statement('publication_history') %}
        create schema if not exists publication;
        create table if not exists publication.publication_log {{ publication_log_ddl() }};
    {% endcall %}
    {#- One transaction writes to one database: the build file's, then the new file's. -#}
    {% do adapter.commit() %}

    {% call statement('publication_write') %}
        attach {{ sql_text(work_file) }} as adoption_publication
            (storage_version {{ sql_text(var("duckdb_published_storage_version")) }});
        create schema adoption_publication.marts;
        {% for node in marts %}
        create table adoption_publication.marts.{{ adapter.quote(node.alias) }} as
            select * from {{ node_relation(node) }};
        {% endfor %}
        create table adoption_publication.marts.publication_log as
            select * from publication.publication_log
            union all
            {{ record_sql }};
    {% endcall %}
    {% do adapter.commit() %}
    {% call statement('publication_close') %}
        detach adoption_publication;
    {% endcall %}
    {% do adapter.commit() %}

    {% do adapter.store_relation(
        'adoption_publication', file, [], work_file, 'duckdb',
        {'action': 'publish', 'published_file': published_file}
    ) %}

    {% call statement('publication_record') %}
        insert into publication.publication_log
        {{ record_sql }};
    {% endcall %}
    {% do adapter.commit() %}
    {{ return(published_file) }}
{% endmacro %}
