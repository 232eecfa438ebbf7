{#-
    The day time spine of the semantic layer (MetricFlow; `time_spine` in
    _accounts__models.yml): one row per day of every month the account marts
    cover. dbt's own dbt.date_spine makes the days on every engine; it needs
    the number of days when the SQL is compiled, so the first and last
    account month are read then from int_account_months (when that table
    exists: linting compiles before anything is built, and then the build's
    own month stands in). The days are kept to the same months in SQL, so the
    spine is exact, and empty when there is no account month, whatever was
    read at compile time.
-#}

{%- set months_relation = ref('int_account_months') -%}
{%- set first_month = run_started_at.strftime('%Y-%m-01') -%}
{%- set last_month = first_month -%}
{%- if execute and load_relation(months_relation) is not none -%}
    {%- set bounds = run_query(
        'select min(reporting_month), max(reporting_month) from ' ~ months_relation
    ).rows[0] -%}
    {%- if bounds[0] is not none -%}
        {%- set first_month = bounds[0] | string -%}
        {%- set last_month = bounds[1] | string -%}
    {%- endif -%}
{%- endif -%}

with

account_months as (

    select
        min(reporting_month) as first_month,
        max(reporting_month) as last_month
    from {{ months_relation }}

),

days as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ first_month ~ "' as date)",
        dbt.dateadd('month', 1, "cast('" ~ last_month ~ "' as date)")
    ) }}

),

final as (

    select
        cast(days.date_day as date) as date_day,
        {{ build_id() }} as build_id
    from days
    inner join account_months
        on
            cast(days.date_day as date) >= account_months.first_month
            and cast(days.date_day as date) < {{ dbt.dateadd('month', 1, 'account_months.last_month') }}

)

select * from final
