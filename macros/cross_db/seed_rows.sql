{#-
    The CSV line a seed row came from (the header is line 1), for the seed
    checks' messages. A seed table has no line column: the row's place in the
    table stands for it. Each engine's seed load writes the rows in CSV order
    into a freshly emptied table (dbt-duckdb: one COPY of the file; dbt-postgres
    and this project's Spark override: inserts in CSV order), so the physical
    order of the rows is the CSV's. A quoted value holding a line break would
    shift the lines after it (no seed has one).
-#}
{% macro seed_line_number() -%}
    {{ return(adapter.dispatch('seed_line_number', 'adoption_scoring')()) }}
{%- endmacro %}

{#- DuckDB: rowid follows insertion order (a reload after a truncate continues the count). -#}
{% macro default__seed_line_number() -%}
    row_number() over (order by rowid) + 1
{%- endmacro %}

{#- PostgreSQL: ctid, the row's place in the heap, follows insertion into an emptied table. -#}
{% macro postgres__seed_line_number() -%}
    row_number() over (order by ctid) + 1
{%- endmacro %}

{#-
    Spark: the order the table's files are read back in, by file name (part
    numbers follow the order of the rows of one insert) then place in the
    file. Not guaranteed by Spark (checked by hand on Spark 4, not by a test);
    DuckDB's numbering is tested by the broken-seed cases, PostgreSQL's seed
    tables' order by the engine tests.
-#}
{% macro spark__seed_line_number() -%}
    row_number() over (order by input_file_name(), monotonically_increasing_id()) + 1
{%- endmacro %}
