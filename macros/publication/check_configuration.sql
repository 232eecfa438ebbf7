{#-
    Misconfiguration stops a `dbt build` before anything is built (an
    on-run-start hook, after the build lock): the override var of the publication guards
    names only guards, and the published set's location is usable and is not
    the build's own (on DuckDB: ADOPTION_SERVING_PATH is a file in an existing,
    writable directory, and not the build database), and the grace period of
    complete months is a number of days (data_cutoff raises otherwise).
-#}
{% macro check_configuration() %}
    {#- Only a build publishes: other commands never read these settings. -#}
    {% if not execute or flags.WHICH != 'build' %}
        {{ return('') }}
    {% endif %}
    {% do accepted_publication_guards() %}
    {% do data_cutoff() %}
    {% do adapter.dispatch('check_publication_target', 'adoption_scoring')() %}
    {{ return('') }}
{% endmacro %}

{% macro default__check_publication_target() %}
{% endmacro %}
