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

{#-
    The user counts a ping reports (SPEC §2.1), each as (column, payload
    path), typed as integers and kept as sent, beside the catalog metrics
    (which a data engineer may remap): dq_unrecognized_values compares them
    (billable users are a subset of active users).
-#}
{% macro ping_user_count_fields() %}
    {{ return([
        ('reported_billable_users', 'license_billable_users'),
        ('reported_active_users', 'active_user_count'),
    ]) }}
{% endmacro %}
