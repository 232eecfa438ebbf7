{#-
    Methodology seeds are checked before anything is built from them. Each
    check is a query returning one row per problem with two columns:
    `row_label` (which seed row, by its key values) and `problem` (what is
    wrong, in words). When the query returns rows, the test stops the build
    with a message that names the seed, every offending row and its problem;
    dbt then skips every model downstream of the seed, and the publish step
    publishes nothing from a build with a failed test, so published marts stay
    as they were. When it returns none the test has passed: the query dbt then
    runs reads the check's result set with `where 1 = 0` (checked_once), so the
    check is not run a second time.
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
        {{ return(checked_once(check_sql)) }}
    {% endif %}
    {{ return(check_sql) }}
{% endmacro %}

{#-
    The query a seed or landing test hands dbt once `check_sql` has run and
    returned no row (a row raises instead): dbt's count of it is 0 without a
    second scan. The check's text stays in the compiled test, to read or run.
-#}
{% macro checked_once(check_sql) -%}
select * from (
{{ check_sql }}
) as already_checked
where 1 = 0
{%- endmacro %}
