{#-
    Account age in months in `month` (SPEC §4.2): calendar months from the
    month of `customer_since_date`, 0 in that month. NULL before it: an
    account with ARR or pings in months before it became a customer has a
    date that contradicts its own data, and a negative age names no
    threshold bracket, so no age is published (license utilization is not
    scored, as for an unknown age) and dq_unrecognized_values lists the
    account.
-#}
{% macro account_age_months(month, customer_since_date) -%}
    case
        when {{ calendar_months_between(month, customer_since_date) }} >= 0
            then {{ calendar_months_between(month, customer_since_date) }}
    end
{%- endmacro %}
