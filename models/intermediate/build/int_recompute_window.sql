{#-
    The reporting months this build recomputes (one row), decided during the
    run from int_build_input_fingerprints and the record of what the build
    database's tables were built from (macros/recompute_window/): the
    earliest month whose month-grained input differs (accepted pings,
    arr_monthly, the month-complete boundary), or every month when any other
    input differs, when there is no record (the first build, or the last
    run failed, was killed or was partial), on --full-refresh, and on
    engines that rebuild whole tables. With nothing changed, the month after
    the latest: no month is recomputed. The reporting_month_window
    materialization reads it; `reason` names the first input that differs.
-#}

{{ config(post_hook="{{ announce_recompute_window() }}") }}

{%- set words = var('recompute_window_words') %}
{%- set string = var('string_type')[target.type] %}
{%- set previous = previous_input_fingerprints() %}

with

current_inputs as (

    select * from {{ ref('int_build_input_fingerprints') }}

),

recorded_inputs as (

    {% if previous is not none %}
    select
        input_name,
        reporting_month,
        fingerprint
    from {{ previous }}
    {% else %}
    select * from current_inputs
    where false
    {% endif %}

),

-- Every (input, month) whose fingerprint is not the recorded one, either way.
differences as (

    select
        coalesce(current_inputs.input_name, recorded_inputs.input_name) as input_name,
        coalesce(current_inputs.reporting_month, recorded_inputs.reporting_month) as reporting_month
    from current_inputs
    full outer join recorded_inputs
        on current_inputs.input_name = recorded_inputs.input_name
        and coalesce(current_inputs.reporting_month, cast('1900-01-01' as date))
        = coalesce(recorded_inputs.reporting_month, cast('1900-01-01' as date))
    where
        current_inputs.fingerprint is null
        or recorded_inputs.fingerprint is null
        or current_inputs.fingerprint <> recorded_inputs.fingerprint

),

-- An input without months first (it changes every month), then the earliest month.
first_difference as (

    select
        input_name,
        reporting_month,
        row_number() over (
            order by
                case when reporting_month is null then 0 else 1 end,
                reporting_month,
                input_name
        ) as difference_rank
    from differences

),

summary as (

    select
        (select count(*) from recorded_inputs) as recorded_count,
        (select max(current_inputs.reporting_month) from current_inputs) as latest_month,
        (
            select first_difference.input_name from first_difference
            where first_difference.difference_rank = 1
        ) as input_name,
        (
            select first_difference.reporting_month from first_difference
            where first_difference.difference_rank = 1
        ) as reporting_month

),

decided as (

    select
        case
            when {{ 'true' if not keeps_months_before_window() or flags.FULL_REFRESH else 'false' }} then null
            when recorded_count = 0 then null
            when input_name is null then {{ add_months('latest_month', 1) }}
            else reporting_month
        end as recompute_from_month,
        case
            {% if not keeps_months_before_window() %}
            when true then {{ sql_string(words.engine_rebuilds_whole_tables) }}
            {% elif flags.FULL_REFRESH %}
            when true then {{ sql_string(words.full_refresh) }}
            {% endif %}
            when recorded_count = 0 then {{ sql_string(words.no_record) }}
            when input_name is null then {{ sql_string(words.nothing_changed) }}
            when reporting_month is null then input_name
            else input_name || {{ sql_string(words.of_month) }} || {{ format_month('reporting_month') }}
        end as reason
    from summary

),

final as (

    select
        recompute_from_month,
        recompute_from_month is null as is_full_recompute,
        cast(reason as {{ string }}) as reason,
        {{ build_id() }} as build_id
    from decided

)

select * from final
