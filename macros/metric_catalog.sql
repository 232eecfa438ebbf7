{#-
    The metric catalog seed, read at execution time so that staging parses
    exactly the paths data engineers listed (SPEC §3) and no metric path is
    written in SQL. Returns one entry per metric, ordered by metric name:
    {metric, paths, priorities}: `paths` are the metric's payload paths in
    priority order (the value is the first present, non-negative one) and
    `priorities` their `priority` values in the seed. During parsing
    (execute is false) it returns an empty list.

    Models that call it must declare the dependency with
    `-- depends_on: {{ ref('metric_catalog') }}` so the seed (and its tests)
    run first.
-#}
{% macro metric_catalog_rows() %}
    {% if not execute %}
        {{ return([]) }}
    {% endif %}
    {% set query %}
        select metric, payload_path, priority
        from {{ ref('metric_catalog') }}
        order by metric, priority
    {% endset %}
    {% set result = run_query(query) %}
    {% set metrics = [] %}
    {% for row in result.rows %}
        {% if not metrics or metrics[-1].metric != row[0] %}
            {% do metrics.append({'metric': row[0], 'paths': [], 'priorities': []}) %}
        {% endif %}
        {% do metrics[-1].paths.append(row[1]) %}
        {% do metrics[-1].priorities.append(row[2] | int) %}
    {% endfor %}
    {{ return(metrics) }}
{% endmacro %}


{#-
    The catalog metrics with more than one path: for these the parse also
    keeps which path supplied the value (column `<metric>_path_priority`,
    the path's `priority` in the seed).
-#}
{% macro metrics_with_fallback_paths(catalog) %}
    {% set metrics = [] %}
    {% for entry in catalog if entry.paths | length > 1 %}
        {% do metrics.append(entry.metric) %}
    {% endfor %}
    {{ return(metrics) }}
{% endmacro %}
