{#-
    Engine set-up run by the on-run-start hook (dbt_project.yml) before
    anything is built: helper functions that some engines need behind the
    cross_db macros, created in the target's default schema, and session
    defaults of the dbt role.

    PostgreSQL 15 has neither `IS JSON` nor a non-failing cast: small plpgsql
    functions trap the parse error instead (json_is_valid,
    try_cast_utc_timestamp), and json_extract_paths parses each payload once.
    PostgreSQL's JIT compiler is turned off for the role dbt connects as (from
    its next connection on: every node opens one): the optimizer's estimates
    on these stacked views are far off, and JIT would compile for tens of
    seconds queries that then run in milliseconds.
    DuckDB and Spark need none of this.
-#}

{#- The schema-qualified name of helper `name` (the target's default schema). -#}
{% macro engine_function(name) -%}
    {{ adapter.quote(target.schema) }}.adoption_{{ name }}
{%- endmacro %}


{% macro prepare_engine() -%}
    {{ return(adapter.dispatch('prepare_engine', 'adoption_scoring')()) }}
{%- endmacro %}

{% macro default__prepare_engine() -%}
{%- endmacro %}

{#- PostgreSQL needs JIT off, the target schema and the plpgsql helpers its other variants call; the default needs nothing. -#}
{% macro postgres__prepare_engine() -%}
alter role current_user set jit = off;
{# `create schema if not exists` would still need CREATE on the database. #}
{%- if execute and not adapter.check_schema_exists(target.database, target.schema) %}
create schema {{ adapter.quote(target.schema) }};
{%- endif %}

-- True when the text is a JSON document (as jsonb reads it), NULL for NULL.
create or replace function {{ engine_function('json_is_valid') }}(document text)
returns boolean
language plpgsql
immutable
strict
as $$
begin
    perform cast(document as jsonb);
    return true;
exception when data_exception then
    return false;
end
$$;

-- The JSON text at each dotted path of a JSON document (`12`, `"12"`, `null`;
-- NULL where absent), in the order of `paths`; the document is parsed once. VOLATILE on
-- purpose: PostgreSQL then computes the array once per row, where it would
-- otherwise fold the CTE that computes it into every array_element() reading
-- it and parse each payload dozens of times.
create or replace function {{ engine_function('json_extract_paths') }}(document text, paths text[])
returns text[]
language plpgsql
volatile
strict
as $$
declare
    parsed jsonb := cast(document as jsonb);
begin
    return array(
        select cast(parsed #> string_to_array(path.dotted, '.') as text)
        from unnest(paths) with ordinality as path (dotted, position)
        order by path.position
    );
end
$$;

-- An ISO-8601 text (date first) to a UTC timestamp without time zone; NULL
-- when it is not one. Texts without an offset are read as UTC.
create or replace function {{ engine_function('try_cast_utc_timestamp') }}(value text)
returns timestamp
language plpgsql
stable
strict
set timezone to 'UTC'
set datestyle to 'ISO, YMD'
as $$
begin
    if value !~ '^\s*[0-9]{4}-[0-9]' then
        return null;
    end if;
    return cast(value as timestamptz) at time zone 'UTC';
exception when data_exception then
    return null;
end
$$;

-- A `YYYY-MM-DD` text to a date; NULL when it is not a calendar day (2025-02-30).
create or replace function {{ engine_function('try_cast_date') }}(value text)
returns date
language plpgsql
immutable
strict
as $$
begin
    return cast(value as date);
exception when data_exception then
    return null;
end
$$;

-- Helpers of the build only: BI roles get nothing here.
revoke all on function {{ engine_function('json_is_valid') }}(text) from public;
revoke all on function {{ engine_function('json_extract_paths') }}(text, text[]) from public;
revoke all on function {{ engine_function('try_cast_utc_timestamp') }}(text) from public;
revoke all on function {{ engine_function('try_cast_date') }}(text) from public;
{%- endmacro %}
