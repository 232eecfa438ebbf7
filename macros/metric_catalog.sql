{#-
    The metric catalog seed, read at execution time so that staging parses
    exactly the paths data engineers listed (SPEC §3) and no metric path is
    written in SQL. Returns a list of {metric, payload_path} in seed order of
    metric name. During parsing (execute is false) it returns an empty list.

    Models that call it must declare the dependency with
    `-- depends_on: {{ ref('metric_catalog') }}` so the seed (and its tests)
    run first.
-#}
{% macro metric_catalog_rows() %}
    {% if not execute %}
        {{ return([]) }}
    {% endif %}
    {% set query %}
        select metric, payload_path
        from {{ ref('metric_catalog') }}
        order by metric
    {% endset %}
    {% set result = run_query(query) %}
    {% set rows = [] %}
    {% for row in result.rows %}
        {% do rows.append({'metric': row[0], 'payload_path': row[1]}) %}
    {% endfor %}
    {{ return(rows) }}
{% endmacro %}
