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
    A number as short text for a sentence (next_step): rounded to `places`
    decimals (default `explanation_decimal_places`) through a fixed-scale
    decimal so every engine prints the same digits, trailing zeros dropped,
    and the integer digits grouped by thousands with
    `explanation_thousands_separator` (37.8, 40, 0.333, 12,856, 1,234.5).
-#}
{% macro format_number(expression, places=none) -%}
    {%- set places = (var('explanation_decimal_places') if places is none else places) | int -%}
    {%- set rounded = 'cast(' ~ expression ~ ' as decimal(38, ' ~ places ~ '))' -%}
    {%- set text = 'cast(abs(' ~ rounded ~ ') as ' ~ var('string_type')[target.type] ~ ')' -%}
    {%- if places > 0 -%}
        {%- set text = regex_remove(text, '[.]?0+$') -%}
    {%- endif -%}
    {%- set separator = var('explanation_thousands_separator') -%}
    {%- set grouped = group_thousands(regex_remove(text, '[.].*$')) -%}
    {%- if separator != ',' -%}
        {%- set grouped = 'replace(' ~ grouped ~ ", ','," ~ sql_string(separator) ~ ')' -%}
    {%- endif -%}
    (case when {{ rounded }} < 0 then '-' else '' end || {{ grouped }} || {{ regex_remove(text, '^[0-9]+') }})
{%- endmacro %}


{#-
    A run of digits with a comma after every third digit from the right
    (12856 -> 12,856): reversed, a comma after each group of three, the
    trailing comma dropped, reversed back.
-#}
{% macro group_thousands(digits) -%}
    {{ return(adapter.dispatch('group_thousands', 'adoption_scoring')(digits)) }}
{%- endmacro %}

{% macro default__group_thousands(digits) -%}
    reverse(regexp_replace(regexp_replace(reverse({{ digits }}), '([0-9]{3})', '\1,', 'g'), ',$', '', 'g'))
{%- endmacro %}

{#- Spark names a group `$1` in a replacement and replaces every match without a flag. -#}
{% macro spark__group_thousands(digits) -%}
    reverse(regexp_replace(regexp_replace(reverse({{ digits }}), '([0-9]{3})', '$1,'), ',$', ''))
{%- endmacro %}


{#-
    The decimal places at which `expression` reads differently from each of
    `others` (SQL expressions of numbers), so that a value is never written
    equal to a bound it has not reached (0.1199 against 0.12, not 0.12
    against 0.12): `explanation_decimal_places`, or as many more as the
    nearest of `others` needs, at most `explanation_max_extra_decimal_places`
    more. Numbers that are equal, or still read the same at the cap, keep
    the fewest places that their difference allows: at the cap they read the
    same. Symmetric: `a` apart from `b` has the places of `b` apart from `a`.
-#}
{% macro places_apart(expression, others) -%}
    {%- set places = var('explanation_decimal_places') | int -%}
    {%- set cap = places + var('explanation_max_extra_decimal_places') | int -%}
    {%- set each = [] -%}
    {%- for other in others -%}
        {%- set ns = namespace(sql='case when ' ~ expression ~ ' = ' ~ other ~ ' then ' ~ places) -%}
        {%- for extra in range(places, cap) -%}
            {%- set ns.sql = ns.sql ~ ' when cast(' ~ expression ~ ' as decimal(38, ' ~ extra ~ ')) <> cast('
                ~ other ~ ' as decimal(38, ' ~ extra ~ ')) then ' ~ extra -%}
        {%- endfor -%}
        {%- do each.append(ns.sql ~ ' else ' ~ cap ~ ' end') -%}
    {%- endfor -%}
    {%- if each | length == 1 -%}
        {{ each[0] }}
    {%- else -%}
        greatest({{ each | join(', ') }})
    {%- endif -%}
{%- endmacro %}


{#- `format_number` of `expression` at its `places_apart` from `others`. -#}
{% macro format_number_apart(expression, others) -%}
    {%- set places = var('explanation_decimal_places') | int -%}
    {%- set cap = places + var('explanation_max_extra_decimal_places') | int -%}
    case {{ places_apart(expression, others) }}
    {%- for extra in range(places, cap + 1) %} when {{ extra }} then {{ format_number(expression, extra) }}{% endfor %}
    end
{%- endmacro %}


{#-
    A snake_case name as words for a sentence, when it has no label:
    underscores become spaces and the first letter is capitalised
    (`ci_builds_per_billable_user` -> `Ci builds per billable user`).
-#}
{% macro words_of_name(expression) -%}
    {%- set words = 'replace(' ~ expression ~ ", '_', ' ')" -%}
    (upper(substr({{ words }}, 1, 1)) || substr({{ words }}, 2))
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
