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

{#-
    The stored files (not in `files`) holding an accepted line whose id may
    now have an earlier delivery: the id is in one of `files` (about to be
    parsed) or on a stored line rejected as future_recorded_at (which becomes
    valid once the clock passes it). Parsing those files again reads the raw
    line of an accepted line that turns into a duplicate_id reject: the
    stored table keeps raw lines of rejected lines only. Some of these files
    may not change at all; parsing them again is then only extra work.
-#}
{% macro landing_files_with_redelivered_ids(source_relation, stored_relation, files) %}
    {% if not execute %}
        {{ return([]) }}
    {% endif %}
    {% set query %}
        with

        {% if files %}
        incoming_ids as (
            select
                nullif(trim({{ array_element(json_extract_paths('payload', ['id']), 1) }}), '') as ping_id
            from (
                select payload
                from {{ source_relation }}
                where source_file in {{ sql_string_list(files) }}
            ) as incoming
            where coalesce({{ json_is_valid('payload') }}, false)
        ),
        {% endif %}

        redelivered_ids as (
            {% if files %}
            select ping_id from incoming_ids
            union
            {% endif %}
            select ping_id
            from {{ stored_relation }}
            where rejection_reason = 'future_recorded_at'
        )

        select distinct stored.source_file
        from {{ stored_relation }} as stored
        inner join redelivered_ids
            on stored.ping_id = redelivered_ids.ping_id
        where
            stored.rejection_reason is null
            {% if files %}
            and stored.source_file not in {{ sql_string_list(files) }}
            {% endif %}
        order by stored.source_file
    {% endset %}
    {{ return(run_query(query).columns[0].values() | list) }}
{% endmacro %}
