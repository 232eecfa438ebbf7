{#-
    The landing files an incremental run of stg_landing__usage_pings_parsed
    must parse (a list of source_file values): files not stored yet, files
    whose line count or content fingerprint (lines_fingerprint, stored in
    `fingerprint_column`) differs from the stored one (lines appended or
    removed, or the file rewritten in place), and files stored with another
    `hash_column` value than `current_hash` (parsed with another metric
    catalog). Every file when the stored table has no `hash_column` or
    `fingerprint_column` yet. Runs at execution time only.
-#}
{% macro landing_files_to_parse(source_relation, stored_relation, hash_column, current_hash, fingerprint_column) %}
    {% if not execute %}
        {{ return([]) }}
    {% endif %}
    {% set stored_columns = adapter.get_columns_in_relation(stored_relation) | map(attribute='name') | map('lower') | list %}
    {% set is_stored_with_hashes = hash_column | lower in stored_columns and fingerprint_column | lower in stored_columns %}
    {% set query %}
        with

        landed as (
            select
                source_file,
                count(*) as line_count,
                {{ lines_fingerprint('line_number', 'payload') }} as fingerprint
            from {{ source_relation }}
            group by source_file
        ),

        {% if is_stored_with_hashes %}
        stored as (
            select
                source_file,
                count(*) as line_count,
                min({{ hash_column }}) as min_hash,
                max({{ hash_column }}) as max_hash,
                min({{ fingerprint_column }}) as min_fingerprint,
                max({{ fingerprint_column }}) as max_fingerprint
            from {{ stored_relation }}
            group by source_file
        )
        {% endif %}

        select landed.source_file
        from landed
        {% if is_stored_with_hashes %}
        left join stored
            on landed.source_file = stored.source_file
        where
            stored.source_file is null
            or stored.line_count <> landed.line_count
            or stored.min_hash <> '{{ current_hash }}'
            or stored.max_hash <> '{{ current_hash }}'
            or stored.min_fingerprint is null
            or stored.min_fingerprint <> landed.fingerprint
            or stored.max_fingerprint <> landed.fingerprint
        {% endif %}
        order by landed.source_file
    {% endset %}
    {{ return(run_query(query).columns[0].values() | list) }}
{% endmacro %}

{#-
    The stored files (not in `files`) holding an accepted line whose id may
    now have an earlier delivery: the id is in one of `files` (about to be
    parsed) or on a stored line rejected as future_recorded_at or
    early_recorded_at (which becomes valid once the clock passes it, or once
    earliest_ping_date is moved back). Parsing those files again reads the raw
    line of an accepted line that turns into a duplicate_id reject: the
    stored table keeps raw lines of rejected lines only. Some of these files
    may not change at all; parsing them again is then only extra work. The
    duplicate rule itself (the first delivery by file, then line, is kept)
    lives in the model only; this macro only chooses which files it reads.
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
                nullif(trim({{ json_text_value(array_element(json_extract_paths('payload', [ping_header_path('ping_id')]), 1)) }}), '') as ping_id
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
            where rejection_reason in ('future_recorded_at', 'early_recorded_at')
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


{#-
    Post-hook of stg_landing__usage_pings_parsed: the stored rows of ping
    files no longer in the landing zone (`files_relation`, the
    usage_ping_files source) are removed, so a file taken out of the zone
    takes its pings and rejects with it, without a --full-refresh.
-#}
{% macro delete_removed_landing_files(stored_relation, files_relation) %}
    {% if not execute %}
        {{ return('') }}
    {% endif %}
    {% set query %}
        select distinct source_file
        from {{ stored_relation }}
        where source_file not in (
            select source_file from {{ files_relation }}
            where is_ping_file
        )
        order by source_file
    {% endset %}
    {% set removed = run_query(query).columns[0].values() | list %}
    {% if removed %}
        {% do log('Landing files removed since the last run, their lines dropped: ' ~ (removed | join(', ')), info=true) %}
    {% endif %}
    {{ return(adapter.dispatch('delete_landing_files', 'adoption_scoring')(stored_relation, removed)) }}
{% endmacro %}

{% macro default__delete_landing_files(relation, files) %}
    {%- if files -%}
        delete from {{ relation }} where source_file in {{ sql_string_list(files) }}
    {%- endif -%}
{% endmacro %}

{#- Spark: the table is partitioned by source_file (incremental_replace_config). -#}
{% macro spark__delete_landing_files(relation, files) %}
    {%- for file in files -%}
        {% do run_query('alter table ' ~ relation ~ ' drop if exists partition (source_file = ' ~ sql_string(file) ~ ')') %}
    {%- endfor -%}
{% endmacro %}
