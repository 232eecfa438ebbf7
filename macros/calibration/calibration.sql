{#-
    The calibration analyses (analyses/calibration/, docs/calibration.md):
    the window of months they read, and the statistics of a measure's
    account values they write.
-#}

{#-
    The months of the calibration window: the latest `calibration_months`
    calendar months up to the published set's latest complete month, complete
    months only. `account_months` names the CTE (or relation) holding
    fct_account_platform_adoption.
-#}
{% macro calibration_window_months(account_months) -%}
    {%- set months = var('calibration_months') -%}
    {%- if months is boolean or months is not number or months < 1 or months != months | int -%}
        {{ exceptions.raise_compiler_error("calibration_months (" ~ months ~ "): not a whole number of months of 1 or more (dbt_project.yml vars, or --vars / --months).") }}
    {%- endif %}
    select distinct months.reporting_month
    from {{ account_months }} as months
    inner join (
        select max(reporting_month) as latest_complete_month
        from {{ account_months }}
        where is_month_complete
    ) as latest
        on {{ calendar_months_between('latest.latest_complete_month', 'months.reporting_month') }}
        between 0 and {{ months | int - 1 }}
    where months.is_month_complete
{%- endmacro %}

{#-
    The distribution of the values of one measure over the rows of a group:
    how many rows, the share without a value, then min, deciles and quartiles
    (the median is p50) and max of the values there are.
-#}
{% macro measure_distribution(value) -%}
    count(*) as account_months,
    count({{ value }}) as valued_account_months,
    cast(count(*) - count({{ value }}) as {{ type_double() }}) / count(*) as pct_missing,
    min({{ value }}) as min_value,
    {%- for name, fraction in [
        ('p10', 0.1), ('p20', 0.2), ('p25', 0.25), ('p30', 0.3), ('p40', 0.4), ('p50_median', 0.5),
        ('p60', 0.6), ('p70', 0.7), ('p75', 0.75), ('p80', 0.8), ('p90', 0.9)
    ] %}
    {{ quantile_cont(value, fraction) }} as {{ name }},
    {%- endfor %}
    max({{ value }}) as max_value
{%- endmacro %}
