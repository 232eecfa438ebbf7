{#-
    One build at a time (docs/publishing.md). The first on-run-start hook takes
    the build lock; the last on-run-end hook gives it back.

    DuckDB: the build database file is the lock. DuckDB lets one process open
    it for writing, so a second job fails on connecting, before running
    anything (`Could not set lock on file ... Conflicting lock is held in ...
    (PID n)`). Nothing to do here.

    PostgreSQL: dbt closes its connections between nodes, so no session lock
    lasts a run. The lock is a row of `publication.build_lock` naming the
    build; every query of a build carries `/* adoption_scoring build <id> */`
    (`query-comment` in dbt_project.yml), so a holder is alive when one of its
    sessions shows up in pg_stat_activity within
    `build_lock_liveness_seconds`. A live holder stops this run before it
    builds anything; the row of a killed build is taken over.

    Spark (`method: session`): the embedded metastore admits one process.
-#}

{#- Only for the commands that need it (command_needs: not compile, docs generate, source freshness). -#}
{% macro acquire_build_lock() -%}
    {% if not command_needs('build_lock') %}
        {{ return('') }}
    {% endif %}
    {{ return(adapter.dispatch('acquire_build_lock', 'adoption_scoring')()) }}
{%- endmacro %}

{% macro default__acquire_build_lock() -%}
{%- endmacro %}

{% macro release_build_lock() -%}
    {% if not command_needs('build_lock') %}
        {{ return('') }}
    {% endif %}
    {{ return(adapter.dispatch('release_build_lock', 'adoption_scoring')()) }}
{%- endmacro %}

{% macro default__release_build_lock() -%}
{%- endmacro %}


{#- The comment every query of this build starts with (dbt_project.yml `query-comment`). -#}
{% macro build_query_comment(build) -%}
    adoption_scoring build {{ build }}
{%- endmacro %}


{#- dbt closes PostgreSQL connections between nodes, so the lock is a row; DuckDB's file lock needs nothing (the default). -#}
{% macro postgres__acquire_build_lock() %}
    {% if not execute %}
        {{ return('') }}
    {% endif %}
    {% call statement('build_lock_table') %}
        create schema if not exists publication;
        create table if not exists publication.build_lock (
            lock_name text primary key,
            build_id text not null,
            started_at timestamp not null
        );
    {% endcall %}
    {% set holders = run_query(
        "select build_id, cast(started_at as text) from publication.build_lock where lock_name = 'build'"
    ).rows %}
    {#- One statement, one transaction: a job starting meanwhile waits on the table lock, then sees this one. -#}
    {% call statement('build_lock_take') %}
        do $$
        declare
            holder_build text;
            holder_since text;
            session record;
        begin
            lock table publication.build_lock in exclusive mode;
            select build_id, cast(started_at as text) into holder_build, holder_since
            from publication.build_lock
            where lock_name = 'build';
            if holder_build is not null and holder_build <> {{ sql_text(invocation_id) }} then
                for attempt in 1..{{ (var('build_lock_liveness_seconds') * 10) | int }} loop
                    perform pg_stat_clear_snapshot();
                    select pid, usename, state into session
                    from pg_stat_activity
                    where pid <> pg_backend_pid()
                        and query like '/* {{ build_query_comment("") }}' || holder_build || ' */%'
                    limit 1;
                    if found then
                        raise exception 'Another build of this project is running on database %: build %, started % UTC (session pid %, user %, %). This run stopped before building anything; the published set is unchanged.',
                            current_database(), holder_build, holder_since, session.pid, session.usename, session.state;
                    end if;
                    perform pg_sleep(0.1);
                end loop;
            end if;
            insert into publication.build_lock (lock_name, build_id, started_at)
            values ('build', {{ sql_text(invocation_id) }}, cast({{ sql_text(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) }} as timestamp))
            on conflict (lock_name) do update
                set build_id = excluded.build_id, started_at = excluded.started_at;
        end
        $$;
    {% endcall %}
    {% do adapter.commit() %}
    {% if holders and holders[0][0] != invocation_id %}
        {{ print(
            'Build lock: build ' ~ holders[0][0] ~ ' (started ' ~ holders[0][1] ~ ' UTC) held it but no longer runs'
            ~ ' (killed?); this build took it over.'
        ) }}
    {% endif %}
    {{ return('') }}
{% endmacro %}


{#- Gives back the row acquire_build_lock wrote; the default engine has no lock row to release. -#}
{% macro postgres__release_build_lock() %}
    {% if execute %}
        {% call statement('build_lock_release') %}
            delete from publication.build_lock where build_id = {{ sql_text(invocation_id) }};
        {% endcall %}
        {% do adapter.commit() %}
    {% endif %}
    {{ return('') }}
{% endmacro %}
