{#- Ordered string aggregation (adopted_use_cases lists use cases in display order). -#}

{% macro string_agg_ordered(expression, delimiter, order_by) -%}
    {{ return(adapter.dispatch('string_agg_ordered', 'adoption_scoring')(expression, delimiter, order_by)) }}
{%- endmacro %}

{% macro default__string_agg_ordered(expression, delimiter, order_by) -%}
    string_agg({{ expression }}, '{{ delimiter }}' order by {{ order_by }})
{%- endmacro %}

{#-
    Spark has no ordered string aggregate: collect (sort key, value) pairs of
    the non-null values, sort them, keep the values. NULL when there are none,
    like string_agg. `order_by` is one ascending expression here.
-#}
{% macro spark__string_agg_ordered(expression, delimiter, order_by) -%}
    case
        when count({{ expression }}) > 0 then array_join(
            transform(
                sort_array(collect_list(
                    case when ({{ expression }}) is not null then named_struct('sort_key', {{ order_by }}, 'value', {{ expression }}) end
                )),
                item -> item.value
            ),
            '{{ delimiter }}'
        )
    end
{%- endmacro %}


{#-
    A SQL string literal, quotes escaped the engine's way (Spark reads '' as
    two adjacent literals, not a quote, and backslashes as escapes).
-#}
{% macro sql_string(value) -%}
    {{ return(adapter.dispatch('sql_string', 'adoption_scoring')(value)) }}
{%- endmacro %}

{% macro default__sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{#- Spark reads two adjacent quotes as two literals: quotes and backslashes are escaped with a backslash. -#}
{% macro spark__sql_string(value) -%}
    '{{ value | string | replace('\\', '\\\\') | replace("'", "\\'") }}'
{%- endmacro %}


{#- A parenthesized SQL list of string literals, for `x in {{ ... }}`: `('a.ndjson', 'b.ndjson')`. -#}
{% macro sql_string_list(values) -%}
    ({% for value in values %}{{ sql_string(value) }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}


{#-
    A number as short text for a sentence (next_step): rounded to
    `explanation_decimal_places`, trailing zeros dropped (37.8, 40, 0.333).
    Goes through a fixed-scale decimal so every engine prints the same text.
-#}
{% macro format_number(expression) -%}
    {%- set places = var('explanation_decimal_places') | int -%}
    {%- set text = 'cast(cast(' ~ expression ~ ' as decimal(38, ' ~ places ~ ')) as '
        ~ var('string_type')[target.type] ~ ')' -%}
    {%- if places > 0 -%}
        {{ regex_remove(text, '[.]?0+$') }}
    {%- else -%}
        {{ text }}
    {%- endif -%}
{%- endmacro %}


{#- A statement that fails with `message` when run: how a hook ends the run with an error it chose. -#}
{% macro fail_statement(message) -%}
    {{ return(adapter.dispatch('fail_statement', 'adoption_scoring')(message)) }}
{%- endmacro %}

{% macro default__fail_statement(message) -%}
    select error({{ sql_string(message) }})
{%- endmacro %}

{#- PostgreSQL has no error() function: a do block raises the message. -#}
{% macro postgres__fail_statement(message) -%}
    do $$ begin raise exception using message = {{ sql_string(message) }}; end $$
{%- endmacro %}

{#- Spark raises with raise_error(), not error(). -#}
{% macro spark__fail_statement(message) -%}
    select raise_error({{ sql_string(message) }})
{%- endmacro %}

{#-
    A text as a sort or tie-break key that orders the same on every engine:
    by code point (byte order of UTF-8). DuckDB and Spark compare text that way
    already; a PostgreSQL database may have a language-aware collation
    (en_US: `u-1` before `U-1`, punctuation ignored at first), so there the
    key is compared with the "C" collation. Use it wherever an `order by`,
    `min` or `max` on text picks a row (the primary instance, the latest ping).
-#}
{% macro byte_order(expression) -%}
    {{ return(adapter.dispatch('byte_order', 'adoption_scoring')(expression)) }}
{%- endmacro %}

{% macro default__byte_order(expression) -%}
    {{ expression }}
{%- endmacro %}

{#- A PostgreSQL database's default collation may be language-aware: collate "C" sorts by bytes like the other engines. -#}
{% macro postgres__byte_order(expression) -%}
    ({{ expression }}) collate "C"
{%- endmacro %}
