{#-
    The materialization of every model at reporting_month grain (instance-
    and account-month int_* and fct_* models; dbt_project.yml lists them).
    DuckDB: when int_recompute_window, decided earlier in this same run,
    names a first month to recompute, the table keeps its rows of the months
    before it and only the rows from that month on are deleted and inserted
    again: the model's query runs with `reporting_month >= <month>` on its
    output, which DuckDB pushes down to the inputs where a month reads only
    itself and keeps above a window or join that reads earlier months, so
    each month computed is exactly what a full computation gives. Rows kept
    get this build's build_id. Every other case builds the whole table as
    the `table` materialization does: no table yet, --full-refresh, a full
    recompute, or a window not decided by this run (a `--select` that left
    int_recompute_window out). PostgreSQL and Spark: plain tables.
    docs/performance.md ("What a rerun recomputes").
-#}
{% materialization reporting_month_window, adapter='duckdb' %}
    {% set existing = load_cached_relation(this) %}
    {% set window = recompute_window() %}
    {% if existing is none or not existing.is_table or should_full_refresh() or window.recompute_from_month is none %}
        {{ log(model.name ~ ': every month recomputed (' ~ window.reason ~ ')') }}
        {{ return(materialization_table_duckdb()) }}
    {% endif %}
    {% set target_relation = this.incorporate(type='table') %}
    {% set columns = adapter.get_columns_in_relation(existing) | map(attribute='name') | list %}
    {% set column_list = columns | map('tojson') | join(', ') %}
    {% set first_month = "cast('" ~ window.recompute_from_month ~ "' as date)" %}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {% call statement('main') %}
        delete from {{ target_relation }} where reporting_month >= {{ first_month }};
        {% if 'build_id' in columns %}
        update {{ target_relation }} set build_id = {{ build_id() }};
        {% endif %}
        insert into {{ target_relation }} ({{ column_list }})
        select {{ column_list }}
        from (
            {{ compiled_code }}
        ) as model_rows
        where reporting_month >= {{ first_month }};
    {% endcall %}
    {{ log(model.name ~ ': months from ' ~ window.recompute_from_month ~ ' recomputed, earlier months kept (' ~ window.reason ~ ')') }}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{#- PostgreSQL: the whole table, every run. -#}
{% materialization reporting_month_window, default %}
    {{ return(materialization_table_default()) }}
{% endmaterialization %}

{#- Spark: the whole table, every run (its own table materialization: parquet). -#}
{% materialization reporting_month_window, adapter='spark' %}
    {{ return(materialization_table_spark()) }}
{% endmaterialization %}
