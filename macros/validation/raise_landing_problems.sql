{#-
    Checks of landing data (SPEC §7), the way raise_seed_problems checks the
    methodology seeds: `check_sql` returns one row per offending row of a
    landing file, with `row_label` (where: its line, or its key) and
    `problem` (the column, the value and what is wrong). When it returns
    rows and the test's severity is error, the test stops the build with a
    message naming the file and the first `max_listed` rows, then how many
    more; dbt skips everything downstream and nothing is published. When it
    returns none at severity error the test has passed and dbt's query is
    `checked_once` (no second scan); at severity warn the query itself is
    the test (dbt reports the count). `dbt compile` and `dbt docs generate`
    compile the test without running the check (command_needs): the
    compiled SQL is then the check query itself.
-#}
{% macro raise_landing_problems(check_sql, file_name, check_name, max_listed=10) %}
    {% if execute and command_needs('landing_checks') and (config.get('severity') | lower) == 'error' %}
        {% set message = landing_problems_message(check_sql, file_name, check_name, max_listed) %}
        {% if message %}
            {{ exceptions.raise_compiler_error(message) }}
        {% endif %}
        {{ return(checked_once(check_sql)) }}
    {% endif %}
    {{ return(check_sql) }}
{% endmacro %}

{#-
    The message of a landing check whose `check_sql` returns rows: the file,
    the check, how many rows, the first `max_listed` of them; none when it
    returns none. Shared by the tests (raise_landing_problems) and the
    on-run-start hook that runs them all first (check_landing_zone).
-#}
{% macro landing_problems_message(check_sql, file_name, check_name, max_listed=10) %}
    {% set result = run_query(check_sql ~ '\norder by 1\nlimit ' ~ (max_listed + 1)) %}
    {% if result.rows | length == 0 %}
        {{ return(none) }}
    {% endif %}
    {% set total = run_query('select count(*) from (' ~ check_sql ~ ') as problems').columns[0].values()[0] %}
    {% set lines = [] %}
    {% for row in result.rows[:max_listed] %}
        {% do lines.append('  - ' ~ row[0] ~ ': ' ~ row[1]) %}
    {% endfor %}
    {% if total > max_listed %}
        {% do lines.append('  ... and ' ~ (total - max_listed) ~ ' more') %}
    {% endif %}
    {{ return(
        'Invalid landing file ' ~ file_name ~ ' (' ~ check_name ~ ', ' ~ total
        ~ ' row(s)); nothing was built or published:\n' ~ (lines | join('\n'))
    ) }}
{% endmacro %}

{#- The landing file of a `raw` relation: `accounts` -> `accounts.csv`. -#}
{% macro landing_file_name(relation) -%}
    {{ return(relation.identifier ~ '.csv') }}
{%- endmacro %}

{#- `line 7`: a landing row's label in messages. -#}
{% macro landing_line_label(line_number) -%}
    'line ' || cast({{ line_number }} as {{ dbt.type_string() }})
{%- endmacro %}

{#- A value in a message: quoted, `(blank)` when empty or NULL. -#}
{% macro landing_value_text(expression) -%}
    coalesce('''' || nullif(trim({{ expression }}), '') || '''', '(blank)')
{%- endmacro %}
