{#-
    The build database holds one copy of each table model, not two. dbt builds
    a table beside the one it replaces and drops the old one afterwards, and
    DuckDB reuses the space of a dropped table only after a checkpoint. During
    a build there is hardly ever one (DuckDB checkpoints when its write-ahead
    log passes 16 MB, and tables written in bulk bypass the log; a checkpoint
    is refused while another thread's transaction is open), so every rebuild
    grew the file by a whole set of tables (1.4 GB after one build at 10,000
    accounts, 2.6 GB after the next). So, before anything is built, this
    on-run-start hook drops the tables this `dbt build` or `dbt run` is about
    to rebuild and checkpoints, once, while it is the only connection: the run
    then writes its tables into the space the old ones left.
    Incremental models, seeds, the publication history and the
    reporting-month models (when the run may keep their earlier months) are kept. The build
    database is private (docs/publishing.md): a run that fails leaves it with
    fewer tables, never the published set changed.
-#}
{% macro free_rebuilt_tables() %}
    {#- Other commands (compile, docs, show, test) rebuild no table. -#}
    {% if not execute or flags.WHICH not in ('build', 'run') %}
        {{ return('') }}
    {% endif %}
    {{ return(adapter.dispatch('free_rebuilt_tables', 'adoption_scoring')()) }}
{% endmacro %}

{#- PostgreSQL and Spark reuse a dropped table's space on their own. -#}
{% macro default__free_rebuilt_tables() %}
    {{ return('') }}
{% endmacro %}

{#- DuckDB reuses a dropped table's space only after a checkpoint; the default engines need nothing. -#}
{% macro duckdb__free_rebuilt_tables() %}
    {% set dropped = [] %}
    {#- Reporting-month models are kept too, unless every month is recomputed for sure (macros/recompute_window/). -#}
    {% set rebuilt = ['table'] + (['reporting_month_window'] if flags.FULL_REFRESH or previous_input_fingerprints() is none else []) %}
    {% for node in graph.nodes.values()
        if node.resource_type == 'model' and node.config.materialized in rebuilt
        and node.unique_id in selected_resources %}
        {% set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) %}
        {% if relation is not none and relation.is_table %}
            {% do adapter.drop_relation(relation) %}
            {% do dropped.append(relation) %}
        {% endif %}
    {% endfor %}
    {% if dropped %}
        {% do adapter.commit() %}
        {% call statement('free_rebuilt_tables', auto_begin=false) %}
            checkpoint
        {% endcall %}
    {% endif %}
    {{ return('') }}
{% endmacro %}
