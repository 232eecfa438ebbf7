{#-
    The landing files an incremental run of stg_landing__usage_pings_parsed
    must parse (a list of source_file values): files not stored yet, files
    whose line count differs from the stored one (lines were appended or
    removed), and files stored with another `hash_column` value than
    `current_hash` (parsed with another metric catalog). Every file when the
    stored table has no `hash_column` yet. Runs at execution time only.
-#}
{% macro landing_files_to_parse(source_relation, stored_relation, hash_column, current_hash) %}
    {% if not execute %}
        {{ return([]) }}
    {% endif %}
    {% set stored_columns = adapter.get_columns_in_relation(stored_relation) | map(attribute='name') | map('lower') | list %}
    {% set is_stored_hash = hash_column | lower in stored_columns %}
    {% set query %}
        with

        landed as (
            select
                source_file,
                count(*) as line_count
            from {{ source_relation }}
            group by source_file
        ),

        {% if is_stored_hash %}
        stored as (
            select
                source_file,
                count(*) as line_count,
                min({{ hash_column }}) as min_hash,
                max({{ hash_column }}) as max_hash
            from {{ stored_relation }}
            group by source_file
        )
        {% endif %}

        select landed.source_file
        from landed
        {% if is_stored_hash %}
        left join stored
            on landed.source_file = stored.source_file
        where
            stored.source_file is null
            or stored.line_count <> landed.line_count
            or stored.min_hash <> '{{ current_hash }}'
            or stored.max_hash <> '{{ current_hash }}'
        {% endif %}
        order by landed.source_file
    {% endset %}
    {{ return(run_query(query).columns[0].values() | list) }}
{% endmacro %}
