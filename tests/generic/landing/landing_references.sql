{#-
    Every non-blank value of `column_name` (trimmed) is a `field` of `to`
    (another landing relation): ARR of a subscription no file lists could
    not be attributed. Names the line and the value.
-#}
{% test landing_references(model, column_name, to, field) %}
{% set check_sql %}
select
    {{ landing_line_label('child.line_number') }} as row_label,
    '{{ column_name }} ' || {{ landing_value_text('child.' ~ column_name) }}
    || ' matches no {{ field }} of {{ landing_file_name(to) }}' as problem
from {{ model }} as child
where
    nullif(trim(child.{{ column_name }}), '') is not null
    and trim(child.{{ column_name }}) not in (
        select trim(parent.{{ field }}) from {{ to }} as parent
        where parent.{{ field }} is not null
    )
{% endset %}
{{ raise_landing_problems(check_sql, landing_file_name(model), 'landing_references ' ~ column_name) }}
{% endtest %}
