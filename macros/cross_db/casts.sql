{#-
    Casts that must not fail on bad input and a portable double type.
-#}

{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'adoption_scoring')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{#- Spark spells the type `double` (no `double precision`). -#}
{% macro spark__type_double() -%}
    double
{%- endmacro %}


{#- Text holding an integer (optionally signed) to bigint; NULL for anything else, 5.5 included. -#}
{% macro try_cast_bigint(expression) -%}
    {{ return(adapter.dispatch('try_cast_bigint', 'adoption_scoring')(expression)) }}
{%- endmacro %}

{% macro default__try_cast_bigint(expression) -%}
    case when regexp_full_match({{ expression }}, '-?[0-9]{1,18}') then cast({{ expression }} as bigint) end
{%- endmacro %}

{#- PostgreSQL has no regexp_full_match: the guard goes through regex_full_match (an anchored ~). -#}
{% macro postgres__try_cast_bigint(expression) -%}
    case when {{ regex_full_match(expression, '-?[0-9]{1,18}') }} then cast({{ expression }} as bigint) end
{%- endmacro %}

{#- Spark has no regexp_full_match: the guard goes through regex_full_match (an anchored rlike), then try_cast. -#}
{% macro spark__try_cast_bigint(expression) -%}
    case when {{ regex_full_match(expression, '-?[0-9]{1,18}') }} then try_cast({{ expression }} as bigint) end
{%- endmacro %}


{#- An ISO-8601 text to a UTC timestamp without time zone; NULL when unparseable. -#}
{% macro try_cast_utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('try_cast_utc_timestamp', 'adoption_scoring')(expression)) }}
{%- endmacro %}

{% macro default__try_cast_utc_timestamp(expression) -%}
    (try_cast({{ expression }} as timestamptz) at time zone 'UTC')
{%- endmacro %}

{#- No try_cast on PostgreSQL: a helper created by on-run-start (prepare_engine.sql). -#}
{% macro postgres__try_cast_utc_timestamp(expression) -%}
    {{ engine_function('try_cast_utc_timestamp') }}({{ expression }})
{%- endmacro %}

{#-
    The session time zone is UTC (profiles.yml), so offsets are applied and
    naive texts are read as UTC. Spark would read a bare year as a timestamp:
    a date is required, as DuckDB and PostgreSQL do.
-#}
{% macro spark__try_cast_utc_timestamp(expression) -%}
    case when {{ expression }} rlike '^ *[0-9]{4}-[0-9]' then try_cast({{ expression }} as timestamp) end
{%- endmacro %}


{#-
    Round a double to `places` decimals and keep it a double. Used to remove
    floating-point noise (e.g. 0.1 * 1200.5 / 1200.5) before a value is
    compared with a threshold bound written in a seed.
-#}
{% macro round_double(expression, places) -%}
    {{ return(adapter.dispatch('round_double', 'adoption_scoring')(expression, places)) }}
{%- endmacro %}

{% macro default__round_double(expression, places) -%}
    round({{ expression }}, {{ places }})
{%- endmacro %}

{#- round() takes numeric on PostgreSQL (a double has 15 significant digits there). -#}
{% macro postgres__round_double(expression, places) -%}
    cast(round(cast({{ expression }} as numeric), {{ places }}) as double precision)
{%- endmacro %}
