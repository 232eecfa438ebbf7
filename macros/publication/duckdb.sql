{#-
    DuckDB: the published set is a separate database file, the env var
    ADOPTION_SERVING_PATH (default data/adoption_serving.duckdb), schema
    `marts`. Every mart and the log are written into a new file beside it
    (`<file>.publishing-<build id>`) in DuckDB's v1.0.0 storage format, which
    DuckDB 1.x clients read, each mart with its comments and NOT NULL columns
    (metadata.sql) but no primary key: DuckDB 2.0.0 writing an indexed table
    in v1.0.0 storage loses its rows beyond the first row group (122,880
    rows) to every scan while count(*) still reads right, so the key is
    declared on PostgreSQL only and tested by dbt on every engine; the file is closed, then renamed over the
    published one by the project's dbt-duckdb plugin
    (plugins/adoption_publication.py): one atomic rename(2). A reader holding
    the old file keeps reading it; a process opens the new one once none of
    its connections to the path is open (DuckDB shares one instance per path
    within a process: docs/publishing.md); the build never needs a lock on the
    published file, so readers never stop it.
    Beside the marts, schema `build_inputs` (var build_inputs_schema) holds a
    table copy of every staging model the rest of the project reads
    (build_input_models): the parsed landing data these marts were built
    from, written in the same file and so published atomically with them. The
    what-if preview (python -m adoption.preview, docs/preview.md) starts from
    it instead of parsing the pings again or opening the build database. BI
    tools have no use for it (docs/bi.md).
    The history of publications is kept in the build database
    (`publication.publication_log`) and recorded there once the rename is done.
-#}

{% macro serving_path() -%}
    {{ return(env_var('ADOPTION_SERVING_PATH', 'data/adoption_serving.duckdb')) }}
{%- endmacro %}


{#-
    The plugin's file actions (plugins/adoption_publication.py): `check` the
    settings at run start, `prepare` the publication (this build's work file
    claimed, leftovers of builds that are gone removed), `publish` it.
    Returns none, or the sentence saying why the action failed.
-#}
{% macro duckdb_publication_file_action(action, path, extra={}) %}
    {% set file = api.Relation.create(identifier='adoption_publication') %}
    {% set config = dict(extra, action=action, build_database=target.path) %}
    {% do adapter.store_relation('adoption_publication', file, [], path, 'duckdb', config) %}
    {{ return(config.get('failure')) }}
{% endmacro %}


{#- Misconfigured paths stop the run before anything is built (an on-run-start hook, check_configuration). -#}
{% macro duckdb__check_publication_target() %}
    {% set failure = duckdb_publication_file_action('check', serving_path()) %}
    {% if failure %}
        {{ exceptions.raise_compiler_error(failure) }}
    {% endif %}
{% endmacro %}


{#-
    ` order by <key>`: a mart's rows are copied in the order of its primary key
    (the columns of its `unique` or `unique_combination` test), or in no set
    order when it has none. The rows are the same (a table has no order);
    DuckDB compresses runs of equal and near values, so the published file is
    smaller (a quarter less at 10,000 accounts: docs/publishing.md).
-#}
{% macro published_row_order(node) -%}
    {%- set key = published_key(node) -%}
    {{- return(' order by ' ~ key | join(', ') if key else '') -}}
{%- endmacro %}


{#- DuckDB publishes a new database file renamed over the published one (no default: each engine publishes its own way). -#}
{% macro duckdb__publish_relations(marts, record_sql) %}
    {% set published_file = serving_path() %}
    {% set work_file = published_file ~ '.publishing-' ~ invocation_id %}
    {% set failure = duckdb_publication_file_action('prepare', work_file, {'published_file': published_file}) %}
    {% if failure %}
        {{ return({'failure': failure}) }}
    {% endif %}
    {#- The snapshots read the published file (history.sql); it is let go before it is replaced. -#}
    {% do detach_previous_publication() %}
    {#- One transaction writes to one database: the build file's (committed here), then the new file's. -#}
    {% do publication_history() %}

    {% call statement('publication_write') %}
        attach {{ sql_text(work_file) }} as adoption_publication
            (storage_version {{ sql_text(var("duckdb_published_storage_version")) }});
        create schema adoption_publication.marts;
        {% for node in marts %}
        {% set published = 'adoption_publication.marts.' ~ adapter.quote(node.alias) %}
        {#- The built table's column types, then the contract's NOT NULL, then the rows (no key: above). -#}
        create table {{ published }} as select * from {{ node_relation(node) }} limit 0;
        {% for column in published_not_null_columns(node) %}
        alter table {{ published }} alter column {{ adapter.quote(column) }} set not null;
        {% endfor %}
        insert into {{ published }}
            select * from {{ node_relation(node) }}{{ published_row_order(node) }};
        {{ published_comments_sql(node, published) }}
        {% endfor %}
        {#- The build's inputs: what the marts above were built from (build_input_models; docs/preview.md). -#}
        create schema adoption_publication.{{ var('build_inputs_schema') }};
        {% for node in build_input_models() %}
        create table adoption_publication.{{ var('build_inputs_schema') }}.{{ adapter.quote(node.alias) }} as
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

    {% set failure = duckdb_publication_file_action('publish', work_file, {'published_file': published_file}) %}
    {% if failure %}
        {{ return({'failure': failure}) }}
    {% endif %}

    {% call statement('publication_record') %}
        insert into publication.publication_log
        {{ record_sql }};
    {% endcall %}
    {% do adapter.commit() %}
    {{ return({'published_to': published_file}) }}
{% endmacro %}
