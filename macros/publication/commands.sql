{#-
    What each dbt command needs of the project's hooks (dbt_project.yml), by
    `flags.WHICH`. dbt runs the hooks for the commands that build or test
    (build, run, test, seed, snapshot, retry) and for `dbt source freshness`
    (`freshness`); `dbt compile` and `dbt docs generate` (`compile`,
    `generate`) do not run them but render them, and rendering runs every
    query a hook makes in Jinja: the landing-zone checks read the whole zone.
    `dbt show`, `ls`, `parse` and `run-operation` never reach them.

    * `build_lock` (acquire_build_lock, release_build_lock): every command but
      compile, docs generate and source freshness, which write nothing a build
      reads and must not wait for, or stop, a running build. (On DuckDB every
      command that opens the build database also takes the plugin's file lock:
      plugins/adoption_publication.py.)
    * `landing_zone` (prepare_landing_zone: the raw.* relations from the files
      on disk now): every command that reads landing data, source freshness
      included (it reads the newest `recorded_at` of raw.usage_pings, which
      must be today's files). Not seed (it reads seeds only), not compile nor
      docs generate (they read no data: the docs catalog describes raw.* as
      the last run left them).
    * `landing_checks` (check_landing_zone: every landing-data check, the
      whole zone read): only the commands that build or test from landing
      data. Not source freshness: it asks how old the newest ping is, not
      whether the zone is valid; the next build checks that.
    * `publication_report` (publish_marts' `Nothing published: ...` line):
      the commands a user may have run expecting a publication, `dbt build`
      and the partial ones that build or test (run, test, seed, snapshot,
      retry: "`dbt run` is not `dbt build`" is news to them). Not compile,
      docs generate, source freshness: they can never publish, and a line
      saying they did not is noise.

    A command not named here (a future dbt's) needs everything: it keeps
    every guarantee of a build until it is listed.
-#}
{% macro command_needs(need) %}
    {% set renders_only = ['compile', 'generate'] %}
    {% set not_needed_by = {
        'build_lock': renders_only + ['freshness'],
        'landing_zone': renders_only + ['seed'],
        'landing_checks': renders_only + ['seed', 'freshness'],
        'publication_report': renders_only + ['freshness'],
    } %}
    {% if need not in not_needed_by %}
        {{ exceptions.raise_compiler_error(
            'command_needs: no need named ' ~ need ~ ' (one of ' ~ (not_needed_by.keys() | sort | join(', ')) ~ ')'
        ) }}
    {% endif %}
    {{ return(flags.WHICH not in not_needed_by[need]) }}
{% endmacro %}
