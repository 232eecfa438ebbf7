{#-
    What the build database's reporting-month tables were built from
    (docs/performance.md, "What a rerun recomputes"). DuckDB keeps, in schema
    incremental_state of the build database, the fingerprints of the inputs
    of the last build that published (built_input_fingerprints, the rows of
    int_build_input_fingerprints). A build or run sets that record aside at
    its start (previous_build_input_fingerprints, which int_recompute_window
    compares with), and writes it back only once it has published: a failed,
    killed or partial (--select) run leaves no record, and the next run
    recomputes every month. PostgreSQL and Spark keep no record: their
    reporting-month models are plain tables.
-#}

{% macro input_fingerprints_relation(identifier) %}
    {{ return(api.Relation.create(database=target.database, schema='incremental_state', identifier=identifier)) }}
{% endmacro %}

{#- The record int_recompute_window compares with: set aside by this run (none when there is none). -#}
{% macro previous_input_fingerprints() %}
    {#- Only DuckDB keeps a record (Spark has no information_schema to ask). -#}
    {% if not execute or not keeps_months_before_window() %}
        {{ return(none) }}
    {% endif %}
    {% set relation = input_fingerprints_relation('previous_build_input_fingerprints') %}
    {{ return(relation if input_fingerprints_exist(relation) else none) }}
{% endmacro %}

{#- Whether the table exists, asked of the database (dbt's relation cache misses the renames of these hooks). -#}
{% macro input_fingerprints_exist(relation) %}
    {% set query %}
        select count(*) from information_schema.tables
        where table_catalog = '{{ relation.database }}' and table_schema = '{{ relation.schema }}'
        and table_name = '{{ relation.identifier }}'
    {% endset %}
    {{ return(run_query(query).rows[0][0] > 0) }}
{% endmacro %}

{#-
    On-run-start hook: a build or run sets the record aside before it
    changes any table (the record no longer describes the tables once a
    model was rebuilt), and drops a record set aside by an earlier run that
    never published (it describes tables that run may have half changed).
-#}
{% macro set_aside_input_fingerprints() %}
    {% if not execute or flags.WHICH not in ('build', 'run') %}
        {{ return('') }}
    {% endif %}
    {{ return(adapter.dispatch('set_aside_input_fingerprints', 'adoption_scoring')()) }}
{% endmacro %}

{% macro default__set_aside_input_fingerprints() %}
    {{ return('') }}
{% endmacro %}

{% macro duckdb__set_aside_input_fingerprints() %}
    {% set record = input_fingerprints_relation('built_input_fingerprints') %}
    {% set recorded = input_fingerprints_exist(record) %}
    {% call statement('set_aside_input_fingerprints', auto_begin=false) %}
        create schema if not exists {{ record.database }}.incremental_state;
        drop table if exists {{ input_fingerprints_relation('previous_build_input_fingerprints') }};
        {% if recorded %}
        alter table {{ record }} rename to previous_build_input_fingerprints;
        {% endif %}
    {% endcall %}
    {% do adapter.commit() %}
    {{ return('') }}
{% endmacro %}

{#- After a publication (publish_marts): the record of what the tables now hold. -#}
{% macro record_input_fingerprints() %}
    {{ return(adapter.dispatch('record_input_fingerprints', 'adoption_scoring')()) }}
{% endmacro %}

{% macro default__record_input_fingerprints() %}
    {{ return('') }}
{% endmacro %}

{% macro duckdb__record_input_fingerprints() %}
    {% set record = input_fingerprints_relation('built_input_fingerprints') %}
    {% call statement('record_input_fingerprints', auto_begin=false) %}
        create schema if not exists {{ record.database }}.incremental_state;
        create or replace table {{ record }} as
        select input_name, reporting_month, fingerprint
        from {{ model_relation('int_build_input_fingerprints') }};
        drop table if exists {{ input_fingerprints_relation('previous_build_input_fingerprints') }};
    {% endcall %}
    {% do adapter.commit() %}
{% endmacro %}

{#- Whether this engine keeps rows of months before the window (DuckDB) or rebuilds whole tables. -#}
{% macro keeps_months_before_window() %}
    {{ return(adapter.dispatch('keeps_months_before_window', 'adoption_scoring')()) }}
{% endmacro %}

{% macro default__keeps_months_before_window() %}
    {{ return(false) }}
{% endmacro %}

{% macro duckdb__keeps_months_before_window() %}
    {{ return(true) }}
{% endmacro %}

{#-
    The window this run decided (int_recompute_window's row), for the
    reporting_month_window materialization: recompute_from_month (none:
    every month) and reason. A row written by another run (a `--select`
    that left int_recompute_window out) counts as none: every month.
-#}
{% macro recompute_window() %}
    {% set every_month = {'recompute_from_month': none, 'reason': 'int_recompute_window was not built by this run'} %}
    {% if not execute %}
        {{ return(every_month) }}
    {% endif %}
    {% set relation = model_relation('int_recompute_window') %}
    {% if adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) is none %}
        {{ return(every_month) }}
    {% endif %}
    {% set rows = run_query(
        'select cast(recompute_from_month as ' ~ var('string_type')[target.type] ~ '), is_full_recompute, reason, build_id from ' ~ relation
    ).rows %}
    {% if rows | length != 1 or rows[0][3] != invocation_id %}
        {{ return(every_month) }}
    {% endif %}
    {{ return({
        'recompute_from_month': none if rows[0][1] else rows[0][0],
        'reason': rows[0][2],
    }) }}
{% endmacro %}

{#-
    A fingerprint of rows (an aggregate over the rows of a group): how many,
    and the XOR and the sum of a 64-bit hash of each row's `expressions`.
    Two sets of rows with the same fingerprint hold the same rows (but for a
    2^-64 chance); the count and the sum catch a pair of equal rows, which
    XOR cancels. No rows (an optional landing file missing or empty) is `0::`,
    not NULL.
-#}
{% macro rows_fingerprint(expressions) -%}
    {{ return(adapter.dispatch('rows_fingerprint', 'adoption_scoring')(expressions)) }}
{%- endmacro %}

{% macro default__rows_fingerprint(expressions) -%}
    {%- set row_hash = 'hash(' ~ expressions | join(', ') ~ ')' -%}
    cast(count(*) as varchar) || ':' || coalesce(cast(bit_xor({{ row_hash }}) as varchar), '')
    || ':' || coalesce(cast(sum({{ row_hash }} % 1000000007) as varchar), '')
{%- endmacro %}

{% macro postgres__rows_fingerprint(expressions) -%}
    {%- set row_hash -%}
        cast(cast('x' || left(md5(concat_ws('|', {{ expressions | join(', ') }})), 16) as bit(64)) as bigint)
    {%- endset -%}
    cast(count(*) as text) || ':' || coalesce(cast(bit_xor({{ row_hash }}) as text), '')
    || ':' || coalesce(cast(sum({{ row_hash }} % 1000000007) as text), '')
{%- endmacro %}

{% macro spark__rows_fingerprint(expressions) -%}
    {%- set row_hash = 'xxhash64(' ~ expressions | join(', ') ~ ')' -%}
    cast(count(*) as string) || ':' || coalesce(cast(bit_xor({{ row_hash }}) as string), '')
    || ':' || coalesce(cast(sum({{ row_hash }} % 1000000007) as string), '')
{%- endmacro %}

{#-
    The fingerprint of the project's code, in Jinja at compile time: every
    model's, seed's and snapshot's file checksum, every macro of the project
    (the materializations, the cross-engine SQL) and the dbt version.
-#}
{% macro project_code_fingerprint() %}
    {% set parts = [dbt_version] %}
    {% for node in graph.nodes.values() | sort(attribute='unique_id')
        if node.resource_type in ('model', 'snapshot') %}
        {% do parts.append(node.unique_id ~ '=' ~ node.checksum.checksum) %}
    {% endfor %}
    {% set names = [] %}
    {% for name in adoption_scoring %}
        {% do names.append(name) %}
    {% endfor %}
    {% for name in names | sort %}
        {% do parts.append(name ~ '=' ~ local_md5(adoption_scoring[name].macro.macro_sql)) %}
    {% endfor %}
    {{ return(local_md5(parts | join('\n'))) }}
{% endmacro %}

{#-
    Post-hook of int_recompute_window: one line in the dbt log (and on the
    console) saying which months this run recomputes, and why.
-#}
{% macro announce_recompute_window() %}
    {% if not execute %}
        {{ return('') }}
    {% endif %}
    {% set row = run_query(
        'select cast(recompute_from_month as ' ~ var('string_type')[target.type] ~ '), is_full_recompute, reason from ' ~ this
    ).rows[0] %}
    {% if row[1] %}
        {% do log('Recompute window: every reporting month (' ~ row[2] ~ ').', info=true) %}
    {% else %}
        {% do log(
            'Recompute window: reporting months from ' ~ row[0][:7] ~ ' on, earlier months kept (' ~ row[2] ~ ').',
            info=true
        ) %}
    {% endif %}
    {{ return('') }}
{% endmacro %}
