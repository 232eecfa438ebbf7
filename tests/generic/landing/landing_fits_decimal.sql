{#-
    Every number of `column_name` fits the decimal type the var `type_var`
    names (`published_arr_type`, decimal(18, 2): |arr| < 10^16 once rounded
    to its scale), so a mart that publishes it cannot fail on an overflow
    far from the line that caused it (a sum of lines that each fit is not
    checked). Values that are not numbers are left to landing_parses.
-#}
{% test landing_fits_decimal(model, column_name, type_var) %}
{%- set decimal_type = var(type_var) | string %}
{%- set match = modules.re.fullmatch(' *(?:decimal|numeric) *[(] *([0-9]+) *, *([0-9]+) *[)] *', decimal_type | lower) %}
{%- if not match %}
    {{ exceptions.raise_compiler_error(
        'landing_fits_decimal: var ' ~ type_var ~ ' is ' ~ decimal_type ~ ', not decimal(precision, scale)'
    ) }}
{%- endif %}
{%- set precision, scale = match.group(1) | int, match.group(2) | int %}
{#- The least absolute value that rounds (half away from zero) to 10^(precision - scale). -#}
{%- set integer_nines = '9' * (precision - scale) %}
{%- set bound = integer_nines ~ ('.' ~ '9' * scale ~ '5' if scale > 0 else '.5') %}
{%- set largest = integer_nines ~ ('.' ~ '9' * scale if scale > 0 else '') %}
{% set check_sql %}
select
    {{ landing_line_label('line_number') }} as row_label,
    '{{ column_name }} ' || {{ landing_value_text(column_name) }}
    || ' does not fit {{ decimal_type }} (var {{ type_var }}): at most {{ largest }} in absolute value' as problem
from {{ model }}
where abs({{ landing_try_cast(column_name, 'decimal') }}) >= cast('{{ bound }}' as {{ exact_decimal_type() }})
{% endset %}
{{ raise_landing_problems(check_sql, landing_file_name(model), 'landing_fits_decimal ' ~ column_name) }}
{% endtest %}
