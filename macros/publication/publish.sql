{#-
    Publishing (SPEC §8; docs/publishing.md). Every model under models/marts
    is built in the private schema `marts_build` of the build location; BI
    tools read the *published set*: the schema `marts` (on DuckDB, of the
    separate file ADOPTION_SERVING_PATH). `publish_marts`, an on-run-end hook
    (before the build lock is given back), publishes every mart together,
    plus the `publication_log`, only when the run was a whole `dbt build` in
    which every model, seed and error-severity test passed; otherwise it
    changes nothing and prints one line saying why. Marts know nothing of this: the engine variants of
    `publish_relations` (duckdb.sql, postgres.sql, spark.sql) do the swap.
-#}

{#- The published models: every model under models/marts, by name. -#}
{% macro published_models() %}
    {% set models = [] %}
    {% if execute %}
        {% for node in graph.nodes.values() if node.resource_type == 'model' and node.fqn[1] == 'marts' %}
            {% do models.append(node) %}
        {% endfor %}
    {% endif %}
    {{ return(models | sort(attribute='name')) }}
{% endmacro %}


{#-
    The build's inputs: every staging model (models/staging) that a model
    outside staging reads, by name, from the graph. Published beside the marts
    on DuckDB (duckdb.sql, schema var build_inputs_schema) so that a preview
    rebuilds the marts from exactly what they were built from.
-#}
{% macro build_input_models() %}
    {% set inputs = {} %}
    {% if execute %}
        {% for node in graph.nodes.values() if node.resource_type == 'model' and node.fqn[1] != 'staging' %}
            {% for parent_id in node.depends_on.nodes %}
                {% set parent = graph.nodes.get(parent_id) %}
                {% if parent and parent.resource_type == 'model' and parent.fqn[1] == 'staging' %}
                    {% do inputs.update({parent.name: parent}) %}
                {% endif %}
            {% endfor %}
        {% endfor %}
    {% endif %}
    {{ return(inputs.values() | sort(attribute='name')) }}
{% endmacro %}


{#- The relation a graph node was built as. -#}
{% macro node_relation(node) %}
    {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
{% endmacro %}


{#- The relation of the project's model `name` (for the counts of the record). -#}
{% macro model_relation(name) %}
    {% for node in graph.nodes.values() if node.resource_type == 'model' and node.name == name %}
        {{ return(node_relation(node)) }}
    {% endfor %}
    {{ exceptions.raise_compiler_error('publication: no model named ' ~ name) }}
{% endmacro %}


{#-
    Why this run must not publish, as sentences (none: it may). A run
    publishes only when it is `dbt build`, it ran every model, seed and data
    test of the project (unit tests may be left out: they test SQL on mocks,
    not this data), and no node or hook failed, errored or was skipped.
    Warn-severity test failures do not block.
-#}
{% macro publication_blockers(results) %}
    {% set problems = [] %}
    {% if flags.WHICH != 'build' %}
        {% do problems.append('`dbt ' ~ flags.WHICH ~ '` is not `dbt build`; only a build tests what it publishes') %}
        {{ return(problems) }}
    {% endif %}
    {% set failed, skipped, ran = [], [], [] %}
    {% for result in results %}
        {% do ran.append(result.node.unique_id) %}
        {% if result.status in ('error', 'fail', 'runtime error') %}
            {% do failed.append(result.node.name ~ ' (' ~ result.status ~ ')') %}
        {% elif result.status == 'skipped' %}
            {% do skipped.append(result.node.name) %}
        {% endif %}
    {% endfor %}
    {% if failed %}
        {% do problems.append(failed | length ~ ' node(s) failed: ' ~ failed | join(', ')) %}
    {% endif %}
    {% if skipped %}
        {% do problems.append(skipped | length ~ ' skipped') %}
    {% endif %}
    {% if not ran %}
        {% do problems.append('no model, seed or test ran (a step at the start of the run failed: see its error)') %}
        {{ return(problems) }}
    {% endif %}
    {#- A test of a disabled model stays in the graph, disabled (Spark's history marts: dbt_project.yml). -#}
    {% set left_out = [] %}
    {% for node in graph.nodes.values()
        if node.resource_type in ('model', 'seed', 'test', 'snapshot') and node.config.enabled
        and node.unique_id not in ran %}
        {% do left_out.append(node.name) %}
    {% endfor %}
    {% if left_out %}
        {% do problems.append(
            'the run left out ' ~ left_out | length ~ " of the project's models, seeds and tests (e.g. "
            ~ (left_out | sort)[:3] | join(', ') ~ '); only a whole `dbt build` publishes'
        ) %}
    {% endif %}
    {{ return(problems) }}
{% endmacro %}


{#- Columns of `publication_log`, one row per publication (docs/publishing.md). -#}
{% macro publication_log_columns() %}
    {% set text = var('string_type')[target.type] %}
    {{ return([
        ('build_id', text),
        ('build_started_at', 'timestamp'),
        ('published_at', 'timestamp'),
        ('git_commit', text),
        ('dbt_version', text),
        ('engine', text),
        ('seed_checksums', text),
        ('raw_ping_lines', 'bigint'),
        ('accepted_pings', 'bigint'),
        ('rejected_pings', 'bigint'),
        ('mart_row_counts', text),
        ('monthly_figures', text),
        ('accepted_changes', text),
    ]) }}
{% endmacro %}


{#-
    The project's private history of publications, `publication.publication_log`
    (DuckDB: in the build database; PostgreSQL: beside the build lock), created
    when missing, with every current column (a log written by an older version
    lacks the newer ones). The publication guards read it: no BI session does.
-#}
{% macro publication_history() %}
    {% call statement('publication_history') %}
        create schema if not exists publication;
        create table if not exists publication.publication_log {{ publication_log_ddl() }};
        {% for name, type in publication_log_columns() %}
        alter table publication.publication_log add column if not exists {{ name }} {{ type }};
        {% endfor %}
    {% endcall %}
    {% do adapter.commit() %}
{% endmacro %}


{#- `(column type, ...)`, for a create table. -#}
{% macro publication_log_ddl() -%}
    ({% for name, type in publication_log_columns() %}{{ name }} {{ type }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}


{#- A SQL text literal, or a typed NULL for none. -#}
{% macro sql_text(value) -%}
    {%- if value is none -%}
        cast(null as {{ var('string_type')[target.type] }})
    {%- else -%}
        {{ sql_string(value) }}
    {%- endif -%}
{%- endmacro %}


{#-
    This build's `publication_log` row, as one `select`: the build id (dbt's
    invocation id, also in every mart's `build_id`), when it started and is
    published (UTC), the commit (env ADOPTION_GIT_COMMIT, when set), the sha256
    of every seed file, the ping line counts, this build's figures (rows of
    every mart, month figures: guards.sql) and the guards it accepted.
-#}
{% macro publication_record_sql(marts, figures, accepted_changes) %}
    {% set seed_checksums = {} %}
    {% for node in graph.nodes.values() if node.resource_type == 'seed' %}
        {% do seed_checksums.update({node.name: node.checksum.checksum}) %}
    {% endfor %}
    {% set pings_sql %}
        select
            (select count(*) from {{ model_relation('stg_landing__usage_pings_parsed') }}) as raw_lines,
            (select count(*) from {{ model_relation('stg_landing__usage_pings') }}) as accepted,
            (select count(*) from {{ model_relation('stg_landing__usage_pings_rejected') }}) as rejected
    {% endset %}
    {% set pings = run_query(pings_sql).rows[0] %}
    {% set git_commit = env_var('ADOPTION_GIT_COMMIT', '') | trim %}
    {% set time_format = '%Y-%m-%d %H:%M:%S.%f' %}
    {% set values = {
        'build_id': sql_text(invocation_id),
        'build_started_at': sql_text(run_started_at.strftime(time_format)),
        'published_at': sql_text(modules.datetime.datetime.utcnow().strftime(time_format)),
        'git_commit': sql_text(git_commit or none),
        'dbt_version': sql_text(dbt_version),
        'engine': sql_text(target.type),
        'seed_checksums': sql_text(tojson(seed_checksums, sort_keys=true)),
        'raw_ping_lines': pings[0] | int,
        'accepted_pings': pings[1] | int,
        'rejected_pings': pings[2] | int,
        'mart_row_counts': sql_text(tojson(figures.mart_rows, sort_keys=true)),
        'monthly_figures': sql_text(tojson(figures.months, sort_keys=true)),
        'accepted_changes': sql_text(tojson(accepted_changes, sort_keys=true) if accepted_changes else none),
    } %}
    {% set record %}
        select
        {%- for name, type in publication_log_columns() %}
            cast({{ values[name] }} as {{ type }}) as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    {% endset %}
    {{ return(record) }}
{% endmacro %}


{#-
    The on-run-end hook: publish, or say why not. Why not: the run was not a
    whole passing build (one line; the run has failed already), publication
    guards tripped (a line per guard: guards.sql), or the publish step itself
    failed; in the last two the hook's SQL fails, so the run ends with an
    error. Returns no SQL when it publishes.
-#}
{% macro publish_marts(results) %}
    {#- Silent for the commands that can never publish (compile, docs generate, source freshness: command_needs). -#}
    {% if not execute or not command_needs('publication_report') %}
        {{ return('') }}
    {% endif %}
    {% set blockers = publication_blockers(results) %}
    {% if blockers %}
        {{ print(nothing_published(blockers | join('; '))) }}
        {{ return('') }}
    {% endif %}
    {% set began = modules.datetime.datetime.utcnow() %}
    {% set marts = published_models() %}
    {% set figures = publication_figures(marts) %}
    {% set previous = previous_publication() %}
    {% set tripped = tripped_publication_guards(figures, previous) if previous else {} %}
    {% set accepted = accepted_publication_guards() %}
    {% set refused, accepted_changes = [], {} %}
    {% for guard in publication_guard_names() if guard in tripped %}
        {% set change = 'against the published build ' ~ previous.build_id ~ ': ' ~ tripped[guard] %}
        {% if guard in accepted %}
            {% do accepted_changes.update({guard: change}) %}
        {% else %}
            {% do refused.append(guard) %}
        {% endif %}
        {{ print(
            'Publication guard ' ~ guard ~ ' tripped' ~ (', accepted by accept_publication_changes' if guard in accepted)
            ~ ' (' ~ change | replace(': ', '): ', 1)
        ) }}
    {% endfor %}
    {% if refused %}
        {{ return(fail_publication(nothing_published(
            'publication guard(s) ' ~ refused | join(', ') ~ ' tripped (above); if the change is intended, build again with '
            ~ "--vars '{accept_publication_changes: [" ~ refused | join(', ') ~ "]}'"
        ))) }}
    {% endif %}
    {% set record_sql = publication_record_sql(marts, figures, accepted_changes) %}
    {% set outcome = adapter.dispatch('publish_relations', 'adoption_scoring')(marts, record_sql) %}
    {% if outcome.failure %}
        {{ return(fail_publication(outcome.failure)) }}
    {% endif %}
    {#- What the build database's tables now hold (macros/recompute_window/): the next run recomputes from there. -#}
    {% do record_input_fingerprints() %}
    {% set seconds = (modules.datetime.datetime.utcnow() - began).total_seconds() %}
    {{ print(
        'Published ' ~ marts | length ~ ' marts and publication_log of build ' ~ invocation_id ~ ' to '
        ~ outcome.published_to ~ ' in ' ~ '%.1f' | format(seconds) ~ ' s.'
    ) }}
    {{ return('') }}
{% endmacro %}


{#-
    A publication that must not happen although every node passed: print the
    line, give the build lock back (the hooks after a failed one are skipped),
    and return the hook's SQL, which fails with the same line, so the run
    ends with an error.
-#}
{% macro fail_publication(line) %}
    {{ print(line) }}
    {% do release_build_lock() %}
    {{ return(fail_statement(line)) }}
{% endmacro %}


{#- The one line of a run that publishes nothing. -#}
{% macro nothing_published(why) -%}
    {{ return('Nothing published: ' ~ why ~ '. The published set is unchanged.') }}
{%- endmacro %}
