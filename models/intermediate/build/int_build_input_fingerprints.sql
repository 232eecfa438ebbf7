{#-
    A fingerprint of every input of the reporting-month models, as this build
    reads them (docs/performance.md, "What a rerun recomputes"). Inputs at
    month grain get a row per reporting_month: the accepted usage pings (by
    the landing line and its file's content fingerprint and metric catalog,
    so a ping accepted, rejected, delivered again or rewritten changes its
    month), arr_monthly.csv's rows, and the month-complete boundary (the
    first open month, macros/complete_months.sql: it moves when a month
    closes). Every other input gets one row with no month: each seed (file
    checksum), accounts, subscriptions, instance labels and adoption reasons
    (their rows), the project's code (every model, snapshot and macro, and
    the dbt version) and the vars that change results
    (recompute_window_result_vars). Written to the build database's record
    once the build published; int_recompute_window compares.
-#}

{%- set words = var('recompute_window_words') %}
{%- set string = var('string_type')[target.type] %}
{%- set result_vars = {} %}
{%- for name in var('recompute_window_result_vars') %}
    {%- do result_vars.update({name: var(name, none)}) %}
{%- endfor %}

with

parsed_pings as (

    select * from {{ ref('stg_landing__usage_pings_parsed') }}

),

arr as (

    select * from {{ ref('stg_landing__arr_monthly') }}

),

{%- set whole_inputs = [
    ('accounts', ref('stg_landing__accounts')),
    ('subscriptions', ref('stg_landing__subscriptions')),
    ('instance_labels', ref('stg_landing__instance_labels')),
    ('adoption_reasons', ref('stg_landing__adoption_reasons')),
] %}

-- The accepted pings of each month: the lines of stg_landing__usage_pings.
ping_months as (

    select
        cast({{ sql_string(words.usage_pings) }} as {{ string }}) as input_name,
        reporting_month,
        {{ rows_fingerprint(['source_file', 'line_number', 'source_file_fingerprint', 'metric_catalog_hash']) }}
            as fingerprint
    from parsed_pings
    where rejection_reason is null
    group by reporting_month

),

arr_months as (

    select
        cast({{ sql_string(words.arr_monthly) }} as {{ string }}) as input_name,
        arr_month as reporting_month,
        {{ rows_fingerprint(adapter.get_columns_in_relation(ref('stg_landing__arr_monthly'))
            | map(attribute='name') | list if execute else ['arr_month']) }} as fingerprint
    from arr
    group by arr_month

),

month_complete_boundary as (

    select
        cast({{ sql_string(words.month_complete_boundary) }} as {{ string }}) as input_name,
        {{ first_open_month() }} as reporting_month,
        cast({{ first_open_month() }} as {{ string }}) as fingerprint

),

{% for name, relation in whole_inputs %}
{{ name }}_rows as (

    select
        cast({{ sql_string(words[name]) }} as {{ string }}) as input_name,
        cast(null as date) as reporting_month,
        {{ rows_fingerprint(adapter.get_columns_in_relation(relation)
            | map(attribute='name') | list if execute else ['1']) }} as fingerprint
    from {{ relation }}

),

{% endfor %}

-- Seeds, code and vars: fingerprints known when the project compiles.
project_rows as (

    {% for node in graph.nodes.values() | sort(attribute='name') if node.resource_type == 'seed' %}
    select
        cast({{ sql_string(words.seed ~ ' ' ~ node.name) }} as {{ string }}) as input_name,
        cast(null as date) as reporting_month,
        cast({{ sql_string(node.checksum.checksum) }} as {{ string }}) as fingerprint
    union all
    {% endfor %}
    select
        cast({{ sql_string(words.project_code) }} as {{ string }}) as input_name,
        cast(null as date) as reporting_month,
        cast({{ sql_string(project_code_fingerprint() if execute else '') }} as {{ string }}) as fingerprint
    union all
    select
        cast({{ sql_string(words.result_vars) }} as {{ string }}) as input_name,
        cast(null as date) as reporting_month,
        cast({{ sql_string(local_md5(tojson(result_vars, sort_keys=true))) }} as {{ string }}) as fingerprint

),

final as (

    select * from ping_months
    union all
    select * from arr_months
    union all
    select * from month_complete_boundary
    {%- for name, relation in whole_inputs %}
    union all
    select * from {{ name }}_rows
    {%- endfor %}
    union all
    select * from project_rows

)

select * from final
