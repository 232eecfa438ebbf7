{#-
    Spark: no transaction spans tables and a database cannot be renamed, so
    the published set is a database of views, `marts.<mart>`, each reading a
    table of one build, `marts_build.<mart>__p<build id>`. Publishing renames
    every freshly built table to its build's name (metadata only), then
    repoints every view, then appends to `marts.publication_log`, then drops
    the tables of older builds.

    What is atomic: each view's repointing (a reader of one mart sees the old
    build or the new, never half a table); a build that fails or is killed
    before the repointing leaves every view as it was. What is not: the set.
    For the moments the views are repointed one after the other (about half a
    second each), or after a kill among them, two marts can come from two
    builds; every row's `build_id` shows it, and the next build repoints all.
-#}

{% macro spark__publish_relations(marts, record_sql) %}
    {% set published_schema = var('published_schema') %}
    {% set build_schema = marts[0].schema %}
    {% set version = '__p' ~ invocation_id | replace('-', '') %}
    {% do run_query('create database if not exists ' ~ published_schema) %}
    {% for node in marts %}
        {% do run_query(
            'alter table ' ~ build_schema ~ '.' ~ node.alias ~ ' rename to ' ~ build_schema ~ '.' ~ node.alias ~ version
        ) %}
    {% endfor %}
    {% for node in marts %}
        {% do run_query(
            'create or replace view ' ~ published_schema ~ '.' ~ node.alias
            ~ ' as select * from ' ~ build_schema ~ '.' ~ node.alias ~ version
        ) %}
    {% endfor %}
    {% do run_query(
        'create table if not exists ' ~ published_schema ~ '.publication_log '
        ~ publication_log_ddl() ~ ' using parquet'
    ) %}
    {#- A log written by an older version of the project lacks the newer columns. -#}
    {% set log = api.Relation.create(schema=published_schema, identifier='publication_log') %}
    {% set present = adapter.get_columns_in_relation(log) | map(attribute='name') | map('lower') | list %}
    {% set missing = [] %}
    {% for name, type in publication_log_columns() if name not in present %}
        {% do missing.append(name ~ ' ' ~ type) %}
    {% endfor %}
    {% if missing %}
        {% do run_query('alter table ' ~ log ~ ' add columns (' ~ missing | join(', ') ~ ')') %}
    {% endif %}
    {% do run_query('insert into ' ~ log ~ ' ' ~ record_sql) %}
    {% for row in run_query('show tables in ' ~ build_schema).rows %}
        {% if '__p' in row[1] and not row[1].endswith(version) %}
            {% do run_query('drop table if exists ' ~ build_schema ~ '.' ~ row[1]) %}
        {% endif %}
    {% endfor %}
    {{ return({'published_to': 'database ' ~ published_schema ~ ' (views over ' ~ build_schema ~ '.*' ~ version ~ ')'}) }}
{% endmacro %}
