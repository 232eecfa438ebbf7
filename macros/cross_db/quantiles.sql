{#-
    A continuous quantile (linear interpolation between the two nearest
    values, as Python's statistics.quantiles(method='inclusive')) of the
    non-null values of an expression, as an aggregate.
-#}

{% macro quantile_cont(expression, fraction) -%}
    {{ return(adapter.dispatch('quantile_cont', 'adoption_scoring')(expression, fraction)) }}
{%- endmacro %}

{% macro default__quantile_cont(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}

{#- PostgreSQL spells it as an ordered-set aggregate (percentile_cont ... within group). -#}
{% macro postgres__quantile_cont(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}
