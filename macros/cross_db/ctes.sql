{#-
    `with name as {{ materialized_cte() }} (...)`: asks the engine to compute
    a CTE once and keep the rows, where it supports the hint.

    DuckDB: also splits the plan into pipelines of their own, so the operators
    above a single-threaded scan (the numbered read of the ping files) run on
    every core. PostgreSQL 12+: the same keyword. Spark SQL has no such hint:
    nothing, the CTE is inlined at each reference.
-#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte', 'adoption_scoring')()) }}
{%- endmacro %}

{% macro default__materialized_cte() -%}
    materialized
{%- endmacro %}

{#- Spark SQL has no MATERIALIZED hint for CTEs. -#}
{% macro spark__materialized_cte() -%}
{%- endmacro %}
