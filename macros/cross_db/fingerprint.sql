{#-
    An order-sensitive fingerprint of a set of lines (an aggregate): the XOR of
    a 64-bit hash of each (line number, text) pair, as text. Two files with
    the same lines in the same places have the same fingerprint; a changed,
    added, removed or moved line changes it (but for a 2^-64 chance).
-#}
{% macro lines_fingerprint(line_number, text) -%}
    {{ return(adapter.dispatch('lines_fingerprint', 'adoption_scoring')(line_number, text)) }}
{%- endmacro %}

{% macro default__lines_fingerprint(line_number, text) -%}
    cast(bit_xor(hash({{ line_number }}, {{ text }})) as varchar)
{%- endmacro %}

{#- PostgreSQL has no 64-bit hash(): the first 64 bits of md5, as bigint. -#}
{% macro postgres__lines_fingerprint(line_number, text) -%}
    cast(bit_xor(
        cast(cast('x' || left(md5(cast({{ line_number }} as text) || ':' || coalesce({{ text }}, '')), 16) as bit(64)) as bigint)
    ) as text)
{%- endmacro %}

{#- Spark's 64-bit hash is xxhash64. -#}
{% macro spark__lines_fingerprint(line_number, text) -%}
    cast(bit_xor(xxhash64({{ line_number }}, {{ text }})) as string)
{%- endmacro %}
