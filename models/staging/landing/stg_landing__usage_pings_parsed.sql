-- sqlfluff:indentation:template_blocks_indent:false
-- depends_on: {{ ref('metric_catalog') }}
{#-
    Every raw ping line, parsed once, with the reason it is rejected (NULL when
    accepted). Header fields have fixed paths (SPEC §2.1); metric paths come
    from the metric_catalog seed, one typed column per catalog metric. A
    metric with several paths takes the first, in priority order, whose value
    is present and not negative (SPEC §3); which one did is kept in
    `<metric>_path_priority` (1 = the first path; NULL = none did).

    Incremental, one landing file at a time (docs/performance.md): a run parses
    only the files that are new, whose content changed (line count or
    fingerprint, source_file_fingerprint: lines appended, or the file
    rewritten in place) or that were parsed with another metric catalog
    (metric_catalog_hash), and replaces all the rows of those files; the
    landing view reads only those files (macros/landing/prepare_landing_zone.sql).
    A file no longer in the landing zone takes its rows with it (the
    post-hook). The rules that depend on other lines or on the clock
    (duplicate ids, early or future recorded_at) are re-evaluated over every
    stored line; a stored file with a line whose reason changes is rewritten
    whole, and a stored file with an accepted line whose id is delivered again
    is parsed again. The result equals a full refresh.

    The raw line (`payload`) is kept for rejected lines only: accepted lines
    live on in their typed columns, and storing every raw line again was the
    largest write of a build (docs/performance.md).

    Why one model past 150 lines: an incremental model is one statement, and
    this one must both parse the lines it reads and restate the stored lines
    whose reason changes, because the duplicate rule ranks both together. A
    parse model with the rules in a model above it would have to keep every
    raw line (which later line is a duplicate, whose raw line
    dq_rejected_pings shows, is known only after ranking): the largest write
    of a build, which this model was changed to avoid. What is
    decided before the SQL (paths, columns, date bounds, the catalog
    signature) is ping_parse_plan(); which files a run reads is
    macros/landing/incremental_ping_parse.sql. The steps, in order:
      source .. validated   parse the lines read, checks of one line at a time
      stored                (incremental) the stored lines kept, date checks redone
      deliveries .. duplicates
                            the duplicate rule, over both
      parsed                the lines read, with their reason
      restated .. final     (incremental) stored files whose reason changes,
                            written again beside the lines read
-#}
{%- set plan = ping_parse_plan() -%}
{%- set field = plan.field -%}
{{ config(
    materialized='incremental',
    on_schema_change='sync_all_columns',
    post_hook="{{ delete_removed_landing_files(this, source('landing', 'usage_ping_files')) }}",
    **incremental_replace_config('source_file')
) }}
{%- if is_incremental() %}
{%- set changed_files = landing_files_to_parse(
    source('landing', 'usage_pings'), this, 'metric_catalog_hash', plan.signature, 'source_file_fingerprint'
) %}
{%- set files_to_parse = changed_files + landing_files_with_redelivered_ids(
    source('landing', 'usage_pings'), this, changed_files
) %}
{%- set file_list_sql = sql_string_list(files_to_parse) %}
{#- A table stored by an older version lacks the newer columns (every file is then parsed again). -#}
{%- set previous_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list %}
{%- endif %}

with

-- Materialized: the numbered read of the landing files runs on one thread;
-- the parsing above it then runs on every core (docs/performance.md).
source as {{ materialized_cte() }} (

    select * from {{ source('landing', 'usage_pings') }}
    {%- if is_incremental() %}
    where {% if files_to_parse %}source_file in {{ file_list_sql }}{% else %}1 = 0{% endif %}
    {%- endif %}

),

-- What a file was parsed from: a later run parses it again when this changes.
fingerprints as (

    select
        source_file,
        {{ lines_fingerprint('line_number', 'payload') }} as source_file_fingerprint
    from source
    group by source_file

),

checked as (

    select
        source_file,
        line_number,
        payload,
        is_valid_utf8,
        is_valid_utf8 and coalesce({{ json_is_valid('payload') }}, false) as is_valid_json
    from source

),

extracted as (

    select
        source_file,
        line_number,
        payload,
        is_valid_utf8,
        is_valid_json,
        case
            when is_valid_json then {{ json_extract_paths('payload', plan.paths) }}
        end as extracted_fields
    from checked

),

typed as (

    select
        source_file,
        line_number,
        payload,
        is_valid_utf8,
        is_valid_json,
        {%- for column_name, path in plan.header_fields %}
        nullif(trim({{ json_text_value(field[path]) }}), '') as {{ column_name }},
        {%- endfor %}
        {%- for column_name, path in plan.user_count_fields %}
        {{ try_cast_bigint(field[path]) }} as {{ column_name }},
        {%- endfor %}
        {%- for entry in plan.catalog %}
        -- {{ entry.metric }}: the first path with a value; a negative value
        -- means "failed to compute" (missing), so the next path is tried. The
        -- JSON text is read: a string ("12") is not an integer, so missing.
        case
            {%- for path in entry.paths %}
            {%- set value = try_cast_bigint(field[path]) %}
            when {{ value }} >= 0 then {{ value }}
            {%- endfor %}
        end as {{ entry.metric }},
        {%- if entry.metric in plan.fallback_metrics %}
        case
            {%- for path in entry.paths %}
            when {{ try_cast_bigint(field[path]) }} >= 0
                then {{ entry.priorities[loop.index0] }}
            {%- endfor %}
        end as {{ entry.metric }}_path_priority,
        {%- endif %}
        {%- endfor %}
        {{ try_cast_utc_timestamp(json_text_value(field[ping_header_path('recorded_at_text')])) }} as recorded_at
    from extracted

),

classified as (

    select
        *,
        case
            -- Whitespace is never valid JSON: only the rare invalid lines are
            -- trimmed (a copy of each line cost more than parsing it).
            when not is_valid_utf8 then 'invalid_utf8'
            when not is_valid_json then
                case when coalesce(trim(payload), '') = '' then 'empty_line' else 'malformed_json' end
            when ping_id is null then 'missing_id'
            when uuid is null then 'missing_uuid'
            when recorded_at_text is null then 'missing_recorded_at'
            when recorded_at is null then 'unparseable_recorded_at'
            else {{ ping_date_failure('recorded_at', plan) }}
        end as validation_failure
    from typed

),

-- Read twice below (ranking, output), so kept once; without the payloads of
-- lines that pass the checks (nearly all of them): the few that turn out to
-- be later deliveries of an id take theirs from `source`.
validated as {{ materialized_cte() }} (

    select
        source_file,
        line_number,
        case when validation_failure is not null then payload end as payload,
        ping_id,
        uuid,
        hostname,
        recorded_at_text,
        recorded_at,
        gitlab_version,
        license_subscription_id,
        {%- for column_name in plan.value_columns %}
        {{ column_name }},
        {%- endfor %}
        validation_failure
    from classified

),

{%- if is_incremental() %}

-- Lines stored by earlier runs, of the files not parsed again and still in
-- the landing zone. Only their date checks can change (the build start
-- moves, earliest_ping_date may be edited); the other checks stand.
stored as (

    select
        source_file,
        line_number,
        ping_id,
        rejection_reason,
        case
            when rejection_reason not in ('early_recorded_at', 'future_recorded_at', 'duplicate_id')
                then rejection_reason
            else {{ ping_date_failure('recorded_at', plan) }}
        end as validation_failure
    from {{ this }}
    where
        source_file in (
            select source_file from {{ source('landing', 'usage_ping_files') }}
            where is_ping_file
        )
        {%- if files_to_parse %}
        and source_file not in {{ file_list_sql }}
        {%- endif %}

),

{%- endif %}

-- Lines that passed every check compete for their id: the first delivery (by
-- file, then line) is kept, later ones are duplicates. Ranked on the three
-- columns ranking needs{% if is_incremental() %}, with the stored lines{% endif %}.
deliveries as (

    select
        source_file,
        line_number,
        ping_id
    from validated
    where validation_failure is null
    {%- if is_incremental() %}

    union all

    select
        source_file,
        line_number,
        ping_id
    from stored
    where validation_failure is null
    {%- endif %}

),

later_deliveries as (

    select
        source_file,
        line_number
    from (
        select
            source_file,
            line_number,
            row_number() over (
                partition by ping_id order by {{ byte_order('source_file') }}, line_number
            ) as delivery_rank
        from deliveries
    ) as ranked
    where delivery_rank > 1

),

duplicates as (

    select
        later_deliveries.source_file,
        later_deliveries.line_number,
        source.payload
    from later_deliveries
    inner join source
        on later_deliveries.source_file = source.source_file
        and later_deliveries.line_number = source.line_number

),

parsed as (

    select
        validated.source_file,
        validated.line_number,
        coalesce(validated.payload, duplicates.payload) as payload,
        validated.ping_id,
        validated.uuid,
        validated.hostname,
        validated.recorded_at_text,
        validated.recorded_at,
        {{ month_start('validated.recorded_at') }} as reporting_month,
        validated.gitlab_version,
        validated.license_subscription_id,
        {%- for column_name in plan.value_columns %}
        validated.{{ column_name }},
        {%- endfor %}
        coalesce(
            validated.validation_failure,
            case when duplicates.line_number is not null then 'duplicate_id' end
        ) as rejection_reason,
        '{{ plan.signature }}' as metric_catalog_hash,
        fingerprints.source_file_fingerprint
    from validated
    inner join fingerprints
        on validated.source_file = fingerprints.source_file
    left join duplicates
        on validated.source_file = duplicates.source_file
        and validated.line_number = duplicates.line_number

),

{%- if not is_incremental() %}

final as (

    select * from parsed

)

{%- else %}

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

-- Stored files with a line whose reason changes are written again, whole. An
-- accepted stored line never becomes a duplicate here: its file is parsed
-- again instead (macros/landing/incremental_ping_parse.sql), so its payload is read.
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
        {%- for column_name in plan.stored_columns %}
        {{ column_name }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from parsed

    union all

    select
        {%- for column_name in plan.stored_columns %}
        {%- if column_name == 'rejection_reason' %}
        restated.rejection_reason{% if not loop.last %},{% endif %}
        {%- elif execute and column_name not in previous_columns %}
        null as {{ column_name }}{% if not loop.last %},{% endif %}
        {%- elif column_name == 'payload' %}
        case when restated.rejection_reason is not null then previous.payload end as payload,
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
