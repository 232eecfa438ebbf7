{#-
    History as published (docs/publishing.md, "History as published"). The
    snapshots under snapshots/ record what BI tools could read: their source
    is the PREVIOUS publication as it stands when this build starts (DuckDB:
    the published file, attached read-only as `previous_publication`;
    PostgreSQL: the schema `marts`), so build n+1 records publication n, and a
    build that fails or is killed has recorded only what was published
    already. Each snapshot uses dbt's check strategy with `updated_at` set to
    the publication's `published_at` (dbt then stamps dbt_valid_from and
    dbt_valid_to with it, not with the time the snapshot ran), and stores a
    row only for a key whose checked values changed. A key the publication
    no longer holds is recorded as a row with `is_published = false` and
    empty values, stamped with that publication, not with the next build
    (dbt's hard_deletes would stamp the snapshot's time). Spark keeps no
    history (dbt_project.yml: its tables are parquet, dbt-spark snapshots
    need Delta).
-#}

{#- The catalog the published file is attached as during a DuckDB build. -#}
{% macro previous_publication_catalog() -%}
    {{ return('previous_publication') }}
{%- endmacro %}


{#-
    On-run-start hook: DuckDB attaches the published file read-only (when
    there is one) for the snapshots to read; the other engines read their
    published schema where it is. Only for the commands that run snapshots.
-#}
{% macro attach_previous_publication() %}
    {% if not execute or flags.WHICH not in ('build', 'snapshot') %}
        {{ return('') }}
    {% endif %}
    {{ return(adapter.dispatch('attach_previous_publication', 'adoption_scoring')()) }}
{% endmacro %}

{% macro default__attach_previous_publication() %}
    {{ return('') }}
{% endmacro %}

{% macro duckdb__attach_previous_publication() %}
    {% set path = serving_path() %}
    {% set found = run_query('select count(*) from glob(' ~ sql_text(path) ~ ')').rows[0][0] %}
    {% if found | int > 0 %}
        {% do adapter.commit() %}
        {% call statement('attach_previous_publication', auto_begin=false) %}
            attach if not exists {{ sql_text(path) }} as {{ previous_publication_catalog() }} (read_only)
        {% endcall %}
    {% endif %}
    {{ return('') }}
{% endmacro %}


{#- DuckDB: the published file is let go before a new one is renamed over it (duckdb.sql). -#}
{% macro detach_previous_publication() %}
    {% do adapter.commit() %}
    {% call statement('detach_previous_publication', auto_begin=false) %}
        detach database if exists {{ previous_publication_catalog() }}
    {% endcall %}
{% endmacro %}


{#- The previous publication's relation `name` (a mart or publication_log), or none. -#}
{% macro previous_published_relation(name) %}
    {% if not execute %}
        {{ return(none) }}
    {% endif %}
    {% set database = previous_publication_catalog() if target.type == 'duckdb' else target.database %}
    {% if target.type == 'duckdb' %}
        {% set attached = run_query(
            "select count(*) from duckdb_databases() where database_name = " ~ sql_text(database)
        ).rows[0][0] %}
        {% if attached | int == 0 %}
            {{ return(none) }}
        {% endif %}
    {% endif %}
    {{ return(adapter.get_relation(database=database, schema=var('published_schema'), identifier=name)) }}
{% endmacro %}


{#-
    The source query of a history snapshot of the mart `mart` (the snapshot's
    config gives unique_key and check_cols): every row of the previous
    publication's `mart`, its key and checked columns, `is_published = true`,
    and the publication's build id and `published_at` (its publication_log's
    newest row); plus, for every key the snapshot holds as published but that
    publication no longer does, a row with `is_published = false` and empty
    values. No previous publication: no rows, typed as the mart's contract.
-#}
{% macro published_history_source(mart) %}
    {% set key = config.get('unique_key') %}
    {% set key = [key] if key is string else key %}
    {% set checked = config.get('check_cols') | reject('equalto', 'is_published') | list %}
    {% set columns = {} %}
    {% for node in (graph.nodes.values() if execute else []) if node.resource_type == 'model' and node.name == mart %}
        {% for column in node.columns.values() %}
            {% do columns.update({column.name: column.data_type}) %}
        {% endfor %}
    {% endfor %}
    {% set text = var('string_type')[target.type] %}
    {% set published = previous_published_relation(mart) %}
    {% set log = history_publication_log(published) %}
    {% set recorded = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier)
        if execute else none %}
with

{% if published and log %}
publication as (

    select
        build_id,
        published_at
    from {{ log }}
    where build_id = (select max(build_id) from {{ published }})

),

published as (

    select
        {%- for column in key + checked %}
        published_mart.{{ column }},
        {%- endfor %}
        true as is_published,
        publication.build_id as published_build_id,
        publication.published_at
    from {{ published }} as published_mart
    cross join publication

){{ ',' if recorded }}
{% else %}
published as (

    select
        {%- for column in key + checked %}
        cast(null as {{ columns.get(column, text) }}) as {{ column }},
        {%- endfor %}
        cast(null as boolean) as is_published,
        cast(null as {{ text }}) as published_build_id,
        cast(null as timestamp) as published_at
    where 1 = 0

)
{% endif %}
{% if published and log and recorded %}
dropped as (

    select
        {%- for column in key %}
        recorded.{{ column }},
        {%- endfor %}
        {%- for column in checked %}
        cast(null as {{ columns.get(column, text) }}) as {{ column }},
        {%- endfor %}
        false as is_published,
        publication.build_id as published_build_id,
        publication.published_at
    from {{ recorded }} as recorded
    cross join publication
    where
        recorded.dbt_valid_to is null
        and recorded.is_published
        and not exists (
            select 1
            from published
            where
                {%- for column in key %}
                published.{{ column }} = recorded.{{ column }}{{ ' and' if not loop.last }}
                {%- endfor %}
        )

)

select * from published
union all
select * from dropped
{% else %}
select * from published
{% endif %}
{% endmacro %}


{#-
    The publication_log that records the previous publication's build id and
    `published_at` (the build its rows carry). DuckDB: the published file's,
    which nothing locks. PostgreSQL: the private `publication.publication_log`
    when it records that build (written right after the swap; BI sessions never
    touch it), so a session locking `marts.publication_log` (a maintenance
    job) bounds only the publish step's wait, as before history existed; else
    the published one.
-#}
{% macro history_publication_log(published) %}
    {{ return(adapter.dispatch('history_publication_log', 'adoption_scoring')(published)) }}
{% endmacro %}

{% macro default__history_publication_log(published) %}
    {{ return(previous_published_relation('publication_log')) }}
{% endmacro %}

{% macro postgres__history_publication_log(published) %}
    {% set private = adapter.get_relation(database=target.database, schema='publication', identifier='publication_log') %}
    {% if private is not none and published is not none %}
        {% set recorded = run_query(
            'select count(*) from ' ~ private ~ ' where build_id = (select max(build_id) from ' ~ published ~ ')'
        ).rows[0][0] %}
        {% if recorded | int > 0 %}
            {{ return(private) }}
        {% endif %}
    {% endif %}
    {{ return(previous_published_relation('publication_log')) }}
{% endmacro %}
