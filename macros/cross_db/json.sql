{#-
    JSON parsing, behind adapter.dispatch so models stay engine-neutral.

    json_extract_paths(json_column, paths) returns an array of strings, one
    element per dotted path in `paths`: the JSON text of the value (`12`,
    `"12"`, `null`; NULL where the path is absent), so a caller can tell the
    number 12 from the string "12" (a metric is an integer, never a string
    that holds one: SPEC §2.1). json_text_value(element) reads a string field
    (`"p1"` -> p1; JSON null -> NULL). Parsing every path in one call lets an
    engine parse each payload once: on DuckDB this is ~10x faster than one
    call per path. Read an element with array_element(array, position),
    1-based.

    Callers must only pass text for which json_is_valid() is true.
-#}

{% macro json_is_valid(json_column) -%}
    {{ return(adapter.dispatch('json_is_valid', 'adoption_scoring')(json_column)) }}
{%- endmacro %}

{% macro default__json_is_valid(json_column) -%}
    json_valid({{ json_column }})
{%- endmacro %}

{#- PostgreSQL 15 has no IS JSON: a helper created by on-run-start (prepare_engine.sql). -#}
{% macro postgres__json_is_valid(json_column) -%}
    {{ engine_function('json_is_valid') }}({{ json_column }})
{%- endmacro %}

{#- Spark 4: try_parse_json is NULL for text that is not JSON. -#}
{% macro spark__json_is_valid(json_column) -%}
    (try_parse_json({{ json_column }}) is not null)
{%- endmacro %}


{% macro json_extract_paths(json_column, paths) -%}
    {{ return(adapter.dispatch('json_extract_paths', 'adoption_scoring')(json_column, paths)) }}
{%- endmacro %}

{% macro default__json_extract_paths(json_column, paths) -%}
    cast(json_extract(
        {{ json_column }},
        [{% for path in paths %}'$.{{ path }}'{% if not loop.last %}, {% endif %}{% endfor %}]
    ) as varchar[])
{%- endmacro %}

{#- A text[], from a helper created by on-run-start (prepare_engine.sql). -#}
{% macro postgres__json_extract_paths(json_column, paths) -%}
    {{ engine_function('json_extract_paths') }}(
        {{ json_column }},
        array[{% for path in paths %}'{{ path }}'{% if not loop.last %}, {% endif %}{% endfor %}]
    )
{%- endmacro %}

{#-
    An array<string>; the payload is parsed once into a VARIANT (Spark 4), bound
    to `document` by the one-element transform, and every path read from it as
    JSON text. Spark keeps a number's value, not its spelling: `12.0` reads `12`.
-#}
{% macro spark__json_extract_paths(json_column, paths) -%}
    element_at(
        transform(
            array(try_parse_json({{ json_column }})),
            document -> array(
                {%- for path in paths %}
                to_json(try_variant_get(document, '$.{{ path }}', 'variant'))
                {%- if not loop.last %},{% endif %}
                {%- endfor %}
            )
        ),
        1
    )
{%- endmacro %}


{#- The text of a JSON scalar given as JSON text (an element of json_extract_paths): unquoted, NULL for null. -#}
{% macro json_text_value(json_text) -%}
    {{ return(adapter.dispatch('json_text_value', 'adoption_scoring')(json_text)) }}
{%- endmacro %}

{% macro default__json_text_value(json_text) -%}
    json_extract_string({{ json_text }}, '$')
{%- endmacro %}

{#- PostgreSQL has no json_extract_string: the jsonb's top-level text with #>> '{}'. -#}
{% macro postgres__json_text_value(json_text) -%}
    (cast({{ json_text }} as jsonb) #>> '{}')
{%- endmacro %}

{#- Spark 4 has no json_extract_string: try_variant_get of the parsed variant. -#}
{% macro spark__json_text_value(json_text) -%}
    try_variant_get(parse_json({{ json_text }}), '$', 'string')
{%- endmacro %}


{% macro array_element(array_expression, position) -%}
    {{ return(adapter.dispatch('array_element', 'adoption_scoring')(array_expression, position)) }}
{%- endmacro %}

{% macro default__array_element(array_expression, position) -%}
    {{ array_expression }}[{{ position }}]
{%- endmacro %}

{#- PostgreSQL subscripts a function call's result only when it is parenthesized. -#}
{% macro postgres__array_element(array_expression, position) -%}
    ({{ array_expression }})[{{ position }}]
{%- endmacro %}

{#- Spark's [] counts from 0; element_at counts from 1 like the other engines. -#}
{% macro spark__array_element(array_expression, position) -%}
    element_at({{ array_expression }}, {{ position }})
{%- endmacro %}
