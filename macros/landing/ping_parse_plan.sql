{#-
    What stg_landing__usage_pings_parsed reads from each ping line and what it
    writes, decided before its SQL is written (a dict):

    * header_fields, user_count_fields (macros/landing/ping_header_fields.sql),
      catalog (the metric_catalog seed's rows) and fallback_metrics (the
      catalog metrics with several paths);
    * paths: every distinct payload path read, header fields first, so a path
      two metrics share is extracted once; field: each path's extracted text
      by path (fields are looked up by name, never by position);
    * value_columns: the typed columns after the header fields (user counts,
      one per catalog metric, `<metric>_path_priority` per fallback metric);
      stored_columns: every column of the table, in order;
    * earliest_cutoff, future_cutoff: the date checks' bounds as SQL
      timestamps (the `earliest_ping_date` var, parsed here so that a value
      that is not a YYYY-MM-DD date stops the compile naming it; the build
      start plus `future_ping_tolerance_hours`);
    * signature: a hash of the paths read and the column each lands in,
      stored on every line (metric_catalog_hash): a line stored with another
      signature was parsed with another catalog, and is parsed again.
-#}
{% macro ping_parse_plan() %}
    {%- set header_fields = ping_header_fields() -%}
    {%- set user_count_fields = ping_user_count_fields() -%}
    {%- set catalog = metric_catalog_rows() -%}
    {%- set fallback_metrics = metrics_with_fallback_paths(catalog) -%}

    {%- set paths = header_fields | map(attribute=1) | list -%}
    {%- for column_name, path in user_count_fields if path not in paths -%}
        {%- do paths.append(path) -%}
    {%- endfor -%}
    {%- for entry in catalog -%}
        {%- for path in entry.paths if path not in paths -%}
            {%- do paths.append(path) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set field = {} -%}
    {%- for path in paths -%}
        {%- do field.update({path: array_element('extracted_fields', loop.index)}) -%}
    {%- endfor -%}

    {%- set value_columns = user_count_fields | map(attribute=0) | list -%}
    {%- for entry in catalog %}{% do value_columns.append(entry.metric) %}{% endfor -%}
    {%- for metric in fallback_metrics %}{% do value_columns.append(metric ~ '_path_priority') %}{% endfor -%}
    {%- set stored_columns = [
        'source_file', 'line_number', 'payload', 'ping_id', 'uuid', 'hostname', 'recorded_at_text',
        'recorded_at', 'reporting_month', 'gitlab_version', 'license_subscription_id',
    ] + value_columns + ['rejection_reason', 'metric_catalog_hash', 'source_file_fingerprint'] -%}

    {%- set earliest_date = modules.datetime.datetime.strptime(var('earliest_ping_date') | string, '%Y-%m-%d') -%}
    {%- set future_cutoff = run_started_at + modules.datetime.timedelta(hours=var('future_ping_tolerance_hours')) -%}

    {%- set catalog_signature = [] -%}
    {%- for entry in catalog -%}
        {%- do catalog_signature.append(
            entry.metric ~ '=' ~ (entry.paths | join('>')) ~ '@' ~ (entry.priorities | join('>'))
        ) -%}
    {%- endfor -%}

    {{ return({
        'header_fields': header_fields,
        'user_count_fields': user_count_fields,
        'catalog': catalog,
        'fallback_metrics': fallback_metrics,
        'paths': paths,
        'field': field,
        'value_columns': value_columns,
        'stored_columns': stored_columns,
        'earliest_cutoff': "cast('" ~ earliest_date.strftime('%Y-%m-%d %H:%M:%S') ~ "' as timestamp)",
        'future_cutoff': "cast('" ~ future_cutoff.strftime('%Y-%m-%d %H:%M:%S') ~ "' as timestamp)",
        'signature': local_md5(
            (header_fields | map(attribute=1) | join(',')) ~ '|' ~ (user_count_fields | map(attribute=1) | join(','))
            ~ '|json-text|' ~ (catalog_signature | join(','))
        ),
    }) }}
{% endmacro %}

{#-
    The date checks of a parsed `recorded_at` (a SQL expression), the one
    home of both bounds: 'early_recorded_at' before the earliest_ping_date
    var (a reset clock), 'future_recorded_at' after the build start plus the
    tolerance, else NULL. Used on the lines a run parses and on the stored
    lines, whose date checks are redone on every run.
-#}
{% macro ping_date_failure(recorded_at, plan) -%}
    case
        when {{ recorded_at }} < {{ plan.earliest_cutoff }} then 'early_recorded_at'
        when {{ recorded_at }} > {{ plan.future_cutoff }} then 'future_recorded_at'
    end
{%- endmacro %}
