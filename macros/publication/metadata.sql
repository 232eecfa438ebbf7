{#-
    What the published set says about itself (docs/publishing.md, "What the
    published set says about itself"): each published mart carries its model's
    description as a table comment, each column its YAML description as a
    column comment, NOT NULL on the columns its enforced contract declares
    `not_null`, and (on PostgreSQL: duckdb.sql says why not on DuckDB) its key
    as a PRIMARY KEY. Read at run time from the graph,
    so the YAML stays the one home of every description and constraint.
-#}

{#-
    A mart's key: the columns of its `unique` or `unique_combination` test
    (the test that proves it), else of a `primary_key` contract constraint;
    empty when it has none.
-#}
{% macro published_key(node) %}
    {%- for test in graph.nodes.values()
        if test.resource_type == 'test' and test.attached_node == node.unique_id
        and test.test_metadata and test.test_metadata.name in ('unique', 'unique_combination') -%}
        {%- set arguments = test.test_metadata.kwargs -%}
        {{- return(arguments.get('columns') or [arguments.get('column_name')]) -}}
    {%- endfor -%}
    {%- for constraint in node.constraints if constraint.type == 'primary_key' -%}
        {{- return(constraint.columns) -}}
    {%- endfor -%}
    {%- for column in node.columns.values() if column.constraints | selectattr('type', 'equalto', 'primary_key') | list -%}
        {{- return([column.name]) -}}
    {%- endfor -%}
    {{- return([]) -}}
{% endmacro %}


{#- The columns the mart's contract declares `not_null`, in the YAML's order. -#}
{% macro published_not_null_columns(node) %}
    {% set columns = [] %}
    {% for column in node.columns.values() if column.constraints | selectattr('type', 'equalto', 'not_null') | list %}
        {% do columns.append(column.name) %}
    {% endfor %}
    {{ return(columns) }}
{% endmacro %}


{#-
    The key PostgreSQL keeps as a PRIMARY KEY: the mart's key when the
    contract declares every one of its columns `not_null` (a primary key
    forbids NULL; a key column that may be empty, as a unique test allows,
    would make the publication fail), else none.
-#}
{% macro published_primary_key(node) %}
    {% set key = published_key(node) %}
    {% set not_null = published_not_null_columns(node) %}
    {{ return(key if key and key | reject('in', not_null) | list | length == 0 else []) }}
{% endmacro %}


{#-
    `comment on` statements for `relation` (the published table of `node`):
    the model's description on the table, each column's on the column; none
    for an empty description. Quotes are escaped (sql_string).
-#}
{% macro published_comments_sql(node, relation) -%}
    {%- if node.description | trim %}
        comment on table {{ relation }} is {{ sql_string(node.description | trim) }};
    {%- endif %}
    {%- for column in node.columns.values() if column.description | trim %}
        comment on column {{ relation }}.{{ adapter.quote(column.name) }} is {{ sql_string(column.description | trim) }};
    {%- endfor %}
{%- endmacro %}
