{#-
    Complete months (SPEC §1: a month still in progress is published, and
    labelled as not complete). The data cut-off is this build's start
    (`run_started_at`, UTC) minus `month_complete_grace_days`: pings for a
    month keep arriving for a few days after it ends (instances send them
    weekly, late deliveries are normal). A month is complete when the
    cut-off is past its end, that is when the month is earlier than the
    cut-off's own month. Both are computed once per build, here, so every
    mart labels the same months and the published set states its cut-off.
-#}
{% macro data_cutoff() -%}
    {%- set grace = var('month_complete_grace_days') -%}
    {#- float(-1): what is not a number reads as -1, refused below like a negative one. -#}
    {%- set days = -1 if grace is boolean else grace | float(-1) -%}
    {%- if days < 0 -%}
        {{ exceptions.raise_compiler_error("month_complete_grace_days (" ~ grace ~ "): not a number of days of 0 or more (dbt_project.yml vars, or --vars).") }}
    {%- endif -%}
    {{ return(run_started_at.replace(tzinfo=None) - modules.datetime.timedelta(days=days)) }}
{%- endmacro %}

{% macro first_open_month() -%}
    {#- The first month that is not complete: the cut-off's month, as a date literal. -#}
    cast('{{ data_cutoff().strftime('%Y-%m-01') }}' as date)
{%- endmacro %}

{% macro is_month_complete(month_column) -%}
    ({{ month_column }} < {{ first_open_month() }})
{%- endmacro %}

{#-
    The build's latest complete month (the month headline figures use): the
    latest `reporting_month` of `relation` that is complete, as a one-row
    query; NULL while every month is still open.
-#}
{% macro latest_complete_month(relation) -%}
    select max(reporting_month) as reporting_month
    from {{ relation }}
    where {{ is_month_complete('reporting_month') }}
{%- endmacro %}
