{#-
    Methodology seeds are checked before anything is built from them. Each
    check is a query returning one row per problem with two columns:
    `row_label` (which seed row, by its key values) and `problem` (what is
    wrong, in words). When the query returns rows, the test stops the build
    with a message that names the seed, every offending row and its problem;
    dbt then skips every model downstream of the seed, and the publish step
    publishes nothing from a build with a failed test, so published marts stay
    as they were. When it returns none, the query itself is the (passing) test.
-#}
{% macro raise_seed_problems(check_sql, seed_name, check_name) %}
    {% if execute %}
        {% set result = run_query(check_sql) %}
        {% if result.rows | length > 0 %}
            {% set lines = [] %}
            {% for row in result.rows %}
                {% do lines.append('  - row ' ~ row[0] ~ ': ' ~ row[1]) %}
            {% endfor %}
            {{ exceptions.raise_compiler_error(
                'Invalid methodology seed ' ~ seed_name ~ '.csv (' ~ check_name ~ ', '
                ~ (result.rows | length) ~ ' problem(s)); nothing is published:\n'
                ~ (lines | join('\n'))
            ) }}
        {% endif %}
    {% endif %}
    {{ return(check_sql) }}
{% endmacro %}
