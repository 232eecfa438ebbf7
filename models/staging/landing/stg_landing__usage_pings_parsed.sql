-- sqlfluff:indentation:template_blocks_indent:false
-- depends_on: {{ ref('metric_catalog') }}
{#-
    Every raw ping line, parsed once, with the reason it is rejected (NULL when
    accepted). Header fields have fixed paths (SPEC §2.1); metric paths come
    from the metric_catalog seed, one typed column per catalog metric.

    Incremental, one landing file at a time (docs/performance.md): a run parses
    only the files that are new, whose line count changed (lines appended) or
    that were parsed with another metric catalog (metric_catalog_hash), and
    replaces all the rows of those files. The rules that depend on other lines
    or on the clock (duplicate ids, future recorded_at) are re-evaluated over
    every stored line; a stored file with a line whose reason changes is
    rewritten whole. The result equals a full refresh, except that the lines of
    a file removed from the landing zone stay until `--full-refresh`.
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
{%- set future_cutoff_sql = "cast('" ~ future_cutoff.strftime('%Y-%m-%d %H:%M:%S') ~ "' as timestamp)" %}
{#- Identifies what a line was parsed with: the paths read and the column each lands in. -#}
{%- set catalog_hash = local_md5(
    (catalog | map(attribute='metric') | join(',')) ~ '|' ~ (paths | join(','))
) %}
{%- set stored_columns = [
    'source_file', 'line_number', 'payload', 'ping_id', 'uuid', 'hostname', 'recorded_at_text',
    'recorded_at', 'reporting_month', 'gitlab_version', 'license_subscription_id',
] + catalog | map(attribute='metric') | list + ['rejection_reason', 'metric_catalog_hash'] %}
{{ config(
    materialized='incremental',
    on_schema_change='sync_all_columns',
    **incremental_replace_config('source_file')
) }}
{%- if is_incremental() %}
{%- set files_to_parse = landing_files_to_parse(
    source('landing', 'usage_pings'), this, 'metric_catalog_hash', catalog_hash
) %}
{%- set quoted_files = [] %}
{%- for file in files_to_parse %}{% do quoted_files.append("'" ~ file | replace("'", "''") ~ "'") %}{% endfor %}
{%- set file_list_sql = '(' ~ quoted_files | join(', ') ~ ')' %}
{%- endif %}

with

source as (

    select * from {{ source('landing', 'usage_pings') }}
    {%- if is_incremental() %}
    where {% if files_to_parse %}source_file in {{ file_list_sql }}{% else %}1 = 0{% endif %}
    {%- endif %}

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
            when recorded_at > {{ future_cutoff_sql }} then 'future_recorded_at'
        end as validation_failure
    from typed

),

-- Lines that passed every check compete for their id: the first delivery (by
-- file, then line) is kept, later ones are duplicates.
{%- if not is_incremental() %}
-- A full build ranks every line in one window over `classified` (read once:
-- a second reader would make the engine materialize it, payloads included).

parsed as (

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
        case
            when validation_failure is not null then validation_failure
            when row_number() over (
                partition by case when validation_failure is null then ping_id end
                order by source_file, line_number
            ) > 1 then 'duplicate_id'
        end as rejection_reason,
        '{{ catalog_hash }}' as metric_catalog_hash
    from classified

),

final as (

    select * from parsed

)

{%- else %}
-- An incremental run ranks the new lines with the stored ones, on the few
-- columns ranking needs, and only the ids delivered more than once.

-- Lines stored by earlier runs, of the files not parsed again. Only their
-- future check can change (the build start moves); the other checks stand.
stored as (

    select
        source_file,
        line_number,
        ping_id,
        rejection_reason,
        case
            when rejection_reason not in ('future_recorded_at', 'duplicate_id') then rejection_reason
            when recorded_at > {{ future_cutoff_sql }} then 'future_recorded_at'
        end as validation_failure
    from {{ this }}
    {%- if files_to_parse %}
    where source_file not in {{ file_list_sql }}
    {%- endif %}

),

deliveries as (

    select
        source_file,
        line_number,
        ping_id
    from classified
    where validation_failure is null

    union all

    select
        source_file,
        line_number,
        ping_id
    from stored
    where validation_failure is null

),

repeated_ids as (

    select ping_id
    from deliveries
    group by ping_id
    having count(*) > 1

),

later_deliveries as (

    select
        source_file,
        line_number
    from (
        select
            deliveries.source_file,
            deliveries.line_number,
            row_number() over (
                partition by deliveries.ping_id
                order by deliveries.source_file, deliveries.line_number
            ) as delivery_rank
        from deliveries
        inner join repeated_ids
            on deliveries.ping_id = repeated_ids.ping_id
    ) as ranked
    where delivery_rank > 1

),

parsed as (

    select
        classified.source_file,
        classified.line_number,
        classified.payload,
        classified.ping_id,
        classified.uuid,
        classified.hostname,
        classified.recorded_at_text,
        classified.recorded_at,
        {{ month_start('classified.recorded_at') }} as reporting_month,
        classified.gitlab_version,
        classified.license_subscription_id,
        {%- for metric in catalog %}
        classified.{{ metric.metric }},
        {%- endfor %}
        coalesce(
            classified.validation_failure,
            case when later_deliveries.line_number is not null then 'duplicate_id' end
        ) as rejection_reason,
        '{{ catalog_hash }}' as metric_catalog_hash
    from classified
    left join later_deliveries
        on classified.source_file = later_deliveries.source_file
        and classified.line_number = later_deliveries.line_number

),

restated as (

    select
        stored.source_file,
        stored.line_number,
        stored.rejection_reason as stored_rejection_reason,
        coalesce(
            stored.validation_failure,
            case when later_deliveries.line_number is not null then 'duplicate_id' end
        ) as rejection_reason
    from stored
    left join later_deliveries
        on stored.source_file = later_deliveries.source_file
        and stored.line_number = later_deliveries.line_number

),

-- Stored files with a line whose reason changes are written again, whole.
restated_files as (

    select distinct source_file
    from restated
    where
        rejection_reason <> stored_rejection_reason
        or (rejection_reason is null and stored_rejection_reason is not null)
        or (rejection_reason is not null and stored_rejection_reason is null)

),

final as (

    select
        {%- for column_name in stored_columns %}
        {{ column_name }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from parsed

    union all

    select
        {%- for column_name in stored_columns %}
        {%- if column_name == 'rejection_reason' %}
        restated.rejection_reason{% if not loop.last %},{% endif %}
        {%- else %}
        previous.{{ column_name }}{% if not loop.last %},{% endif %}
        {%- endif %}
        {%- endfor %}
    from {{ this }} as previous
    inner join restated_files
        on previous.source_file = restated_files.source_file
    inner join restated
        on previous.source_file = restated.source_file
        and previous.line_number = restated.line_number

)

{%- endif %}

select * from final
