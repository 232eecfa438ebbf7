{#-
    The header fields of a usage ping (SPEC §2.1), each as (column, payload
    path): the one home of where the ping's id, uuid and recorded_at are read
    from. stg_landing__usage_pings_parsed parses them; an incremental run
    reads the id again (landing_files_with_redelivered_ids) to find the
    stored files whose accepted lines a new delivery may turn into duplicates.
-#}
{% macro ping_header_fields() %}
    {{ return([
        ('ping_id', 'id'),
        ('uuid', 'uuid'),
        ('hostname', 'hostname'),
        ('recorded_at_text', 'recorded_at'),
        ('gitlab_version', 'version'),
        ('license_subscription_id', 'license_subscription_id'),
    ]) }}
{% endmacro %}

{#- The payload path of one header field, by its column name. -#}
{% macro ping_header_path(column_name) %}
    {% for column, path in ping_header_fields() if column == column_name %}
        {{ return(path) }}
    {% endfor %}
    {{ exceptions.raise_compiler_error('ping_header_path: no header field named ' ~ column_name) }}
{% endmacro %}
