{#-
    Text of a landing CSV to its type, one rule for the checks and for
    staging (SPEC §2, §7): NULL when the trimmed text is not one. The
    landing_parses test names every value that is not; staging casts with
    the same macro, so what passes the test is what staging reads.

    * date: `YYYY-MM-DD`, a real calendar day (2025-02-30 is not one).
    * decimal: `-123.45`: optional sign, digits, up to 9 decimals, kept
      exact (exact_decimal_type), so ARR sums to the cent of the file.
    * integer: optional sign and digits (no decimals), as try_cast_bigint.
-#}
{% macro landing_try_cast(expression, data_type) -%}
    {%- set value = 'trim(' ~ expression ~ ')' -%}
    {%- if data_type == 'date' -%}
        {{ try_cast_date(value) }}
    {%- elif data_type == 'decimal' -%}
        case when {{ regex_full_match(value, '-?[0-9]{1,29}([.][0-9]{1,9})?') }} then cast({{ value }} as {{ exact_decimal_type() }}) end
    {%- elif data_type == 'integer' -%}
        {{ try_cast_bigint(value) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error('landing_try_cast: no rule for data_type ' ~ data_type) }}
    {%- endif -%}
{%- endmacro %}

{#- The type landed amounts (ARR) are kept in until a mart rounds a total to the cent. -#}
{% macro exact_decimal_type() -%}
    decimal(38, 9)
{%- endmacro %}

{#- `YYYY-MM-DD` text to a date; NULL when it is not a real calendar day. -#}
{% macro try_cast_date(expression) -%}
    case
        when {{ regex_full_match(expression, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
            then {{ adapter.dispatch('try_cast_calendar_date', 'adoption_scoring')(expression) }}
    end
{%- endmacro %}

{#-
    A seed's month column (`from_month`, `to_month`: text in the seed, checked
    `YYYY-MM-DD` by periods_valid) as a date, by try_cast_date. Cast to text
    first: a seed table loaded by a version that typed it as a date keeps that
    type until `dbt seed --full-refresh` (dbt reloads a seed into its existing
    table), and a date as text is written `YYYY-MM-DD` on every engine.
-#}
{% macro seed_date(column) -%}
    {{ try_cast_date('cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')') }}
{%- endmacro %}

{#- A `YYYY-MM-DD` text to a date; NULL when the day does not exist. -#}
{% macro default__try_cast_calendar_date(expression) -%}
    try_cast({{ expression }} as date)
{%- endmacro %}

{#- No try_cast on PostgreSQL: a helper created by on-run-start (prepare_engine.sql). -#}
{% macro postgres__try_cast_calendar_date(expression) -%}
    {{ engine_function('try_cast_date') }}({{ expression }})
{%- endmacro %}
