-- depends_on: {{ ref('metric_catalog') }}
{#-
    Every raw ping line, parsed once, with the reason it is rejected (NULL when
    accepted). Header fields have fixed paths (SPEC §2.1); metric paths come
    from the metric_catalog seed, one typed column per catalog metric.
-#}
{%- set header_fields = [
    ('ping_id', 'id'),
    ('uuid', 'uuid'),
    ('hostname', 'hostname'),
    ('recorded_at_text', 'recorded_at'),
    ('gitlab_version', 'version'),
    ('license_subscription_id', 'license_subscription_id'),
] -%}
{%- set catalog = metric_catalog_rows() -%}
{%- set paths = header_fields | map(attribute=1) | list + catalog | map(attribute='payload_path') | list -%}
{%- set future_cutoff = run_started_at + modules.datetime.timedelta(hours=var('future_ping_tolerance_hours')) %}
{{ config(materialized='table') }}

with

source as (

    select * from {{ source('landing', 'usage_pings') }}

),

checked as (

    select
        source_file,
        line_number,
        payload,
        coalesce(trim(payload), '') = '' as is_empty_line,
        coalesce({{ json_is_valid('payload') }}, false) as is_valid_json
    from source

),

extracted as (

    select
        source_file,
        line_number,
        payload,
        is_empty_line,
        is_valid_json,
        case
            when is_valid_json then {{ json_extract_paths('payload', paths) }}
        end as extracted_fields
    from checked

),

typed as (

    select
        source_file,
        line_number,
        payload,
        is_empty_line,
        is_valid_json,
        {%- for column_name, path in header_fields %}
        nullif(trim({{ array_element('extracted_fields', loop.index) }}), '') as {{ column_name }},
        {%- endfor %}
        {%- for metric in catalog %}
        {%- set value = try_cast_bigint(array_element('extracted_fields', header_fields | length + loop.index)) %}
        -- {{ metric.metric }}: a negative value means "failed to compute" (missing).
        case when {{ value }} >= 0 then {{ value }} end as {{ metric.metric }},
        {%- endfor %}
        {{ try_cast_utc_timestamp(array_element('extracted_fields', 4)) }} as recorded_at
    from extracted

),

classified as (

    select
        *,
        case
            when is_empty_line then 'empty_line'
            when not is_valid_json then 'malformed_json'
            when ping_id is null then 'missing_id'
            when uuid is null then 'missing_uuid'
            when recorded_at_text is null then 'missing_recorded_at'
            when recorded_at is null then 'unparseable_recorded_at'
            when recorded_at > cast('{{ future_cutoff.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
                then 'future_recorded_at'
        end as validation_failure
    from typed

),

final as (

    select
        source_file,
        line_number,
        payload,
        ping_id,
        uuid,
        hostname,
        recorded_at_text,
        recorded_at,
        {{ month_start('recorded_at') }} as reporting_month,
        gitlab_version,
        license_subscription_id,
        {%- for metric in catalog %}
        {{ metric.metric }},
        {%- endfor %}
        -- The first delivery of an id (by file, then line) is kept; later ones
        -- are duplicates. Only lines that passed every other check compete.
        case
            when validation_failure is not null then validation_failure
            when row_number() over (
                partition by case when validation_failure is null then ping_id end
                order by source_file, line_number
            ) > 1 then 'duplicate_id'
        end as rejection_reason
    from classified

)

select * from final
