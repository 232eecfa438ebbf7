{#-
    Every raw ping line ends in exactly one place (SPEC §7): the raw line count
    of the landing zone equals accepted pings + rejected lines, and the parsed
    model holds exactly one row per raw line: the same count here, no line
    twice by its unique_combination test (source_file, line_number), which
    this test no longer repeats. Returns one row describing the mismatch when
    it fails.
-#}
{%- set text = dbt.type_string() %}

with

raw_lines as (

    select
        count(*) as raw_line_count,
        count(distinct source_file || ':' || cast(line_number as {{ text }})) as raw_distinct_lines
    from {{ source('landing', 'usage_pings') }}

),

parsed as (

    select count(*) as parsed_row_count
    from {{ ref('stg_landing__usage_pings_parsed') }}

),

accepted as (

    select count(*) as accepted_count
    from {{ ref('stg_landing__usage_pings') }}

),

rejected as (

    select count(*) as rejected_count
    from {{ ref('stg_landing__usage_pings_rejected') }}

),

final as (

    select
        raw_lines.raw_line_count,
        raw_lines.raw_distinct_lines,
        parsed.parsed_row_count,
        accepted.accepted_count,
        rejected.rejected_count,
        'raw lines ' || cast(raw_lines.raw_line_count as {{ text }})
        || ' (distinct file:line ' || cast(raw_lines.raw_distinct_lines as {{ text }})
        || '), parsed rows ' || cast(parsed.parsed_row_count as {{ text }})
        || ', accepted ' || cast(accepted.accepted_count as {{ text }})
        || ' + rejected ' || cast(rejected.rejected_count as {{ text }})
        || ' = ' || cast(accepted.accepted_count + rejected.rejected_count as {{ text }}) as problem
    from raw_lines
    cross join parsed
    cross join accepted
    cross join rejected
    where
        raw_lines.raw_line_count <> accepted.accepted_count + rejected.rejected_count
        or parsed.parsed_row_count <> raw_lines.raw_line_count
        or raw_lines.raw_distinct_lines <> raw_lines.raw_line_count

)

select * from final
