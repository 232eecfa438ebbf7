{#-
    Config of an incremental model whose runs replace every row of each value
    of `key` they produce (a landing file, a reporting month): rows of that
    key already stored are dropped, the new ones written, other keys untouched.
    Use as `config(materialized='incremental', **incremental_replace_config('key'))`.

    DuckDB and PostgreSQL: `delete+insert` on the key (the key need not be
    unique: every stored row with a produced key value is replaced).
    Spark (parquet tables, no MERGE): `insert_overwrite` of the partitions of
    a table partitioned by the key.
-#}
{% macro incremental_replace_config(key) -%}
    {{ return(adapter.dispatch('incremental_replace_config', 'adoption_scoring')(key)) }}
{%- endmacro %}

{% macro default__incremental_replace_config(key) -%}
    {{ return({'incremental_strategy': 'delete+insert', 'unique_key': key}) }}
{%- endmacro %}

{#- Spark's parquet tables have no delete or MERGE: insert_overwrite of the key's partitions. -#}
{% macro spark__incremental_replace_config(key) -%}
    {{ return({'incremental_strategy': 'insert_overwrite', 'partition_by': [key]}) }}
{%- endmacro %}
