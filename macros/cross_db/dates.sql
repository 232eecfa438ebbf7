{#-
    Month arithmetic. Reporting months are first-of-month dates.
-#}

{% macro month_start(timestamp_expression) -%}
    {{ return(adapter.dispatch('month_start', 'adoption_scoring')(timestamp_expression)) }}
{%- endmacro %}

{% macro default__month_start(timestamp_expression) -%}
    cast(date_trunc('month', {{ timestamp_expression }}) as date)
{%- endmacro %}

{#- Spark's date_trunc returns a timestamp; trunc(..., 'MM') returns the date. -#}
{% macro spark__month_start(timestamp_expression) -%}
    trunc({{ timestamp_expression }}, 'MM')
{%- endmacro %}


{% macro add_months(date_expression, months) -%}
    {{ return(adapter.dispatch('add_months', 'adoption_scoring')(date_expression, months)) }}
{%- endmacro %}

{% macro default__add_months(date_expression, months) -%}
    cast({{ date_expression }} + interval ({{ months }}) month as date)
{%- endmacro %}

{#- PostgreSQL has no `interval (n) month` with an expression for n: make_interval(months => n). -#}
{% macro postgres__add_months(date_expression, months) -%}
    cast({{ date_expression }} + make_interval(months => {{ months }}) as date)
{%- endmacro %}

{#- Spark has no `interval (n) month` with an expression for n: its built-in add_months(). -#}
{% macro spark__add_months(date_expression, months) -%}
    add_months({{ date_expression }}, {{ months }})
{%- endmacro %}


{#- Whole calendar months from `earlier` to `later` (SPEC §4.2 account age). -#}
{% macro calendar_months_between(later, earlier) -%}
    (
        (extract(year from {{ later }}) - extract(year from {{ earlier }})) * 12
        + extract(month from {{ later }}) - extract(month from {{ earlier }})
    )
{%- endmacro %}

{#- A month as YYYY-MM text (the recompute window's reason). -#}
{% macro format_month(date_expression) -%}
    {{ return(adapter.dispatch('format_month', 'adoption_scoring')(date_expression)) }}
{%- endmacro %}

{% macro default__format_month(date_expression) -%}
    strftime({{ date_expression }}, '%Y-%m')
{%- endmacro %}

{% macro postgres__format_month(date_expression) -%}
    to_char({{ date_expression }}, 'YYYY-MM')
{%- endmacro %}

{% macro spark__format_month(date_expression) -%}
    date_format({{ date_expression }}, 'yyyy-MM')
{%- endmacro %}
