{#-
    The one-row properties of a model, checked in one scan of it instead of one
    test (one scan) per column and property: columns that must not be NULL
    (always, or when a condition holds), columns whose values come from a
    closed list, and foreign keys that must exist in their parent (NULL keys
    pass, as in dbt's relationships). Fails with one row per offending row:
    `failing_row` names it by its `row_key` columns and `problem` says every
    property it breaks, with the value found.
-#}
{% test row_checks(model, row_key, not_null=[], accepted_values={}, relationships=[]) %}
{%- set text = var('string_type')[target.type] %}
{%- set key_parts = [] %}
{%- for key in row_key %}{% do key_parts.append((key, key)) %}{% endfor %}
{%- set checks = [] %}
{%- for entry in not_null %}
    {%- set column = entry if entry is string else entry['column'] %}
    {%- if entry is string %}
        {%- do checks.append((column ~ ' is null', "'" ~ column ~ " is NULL'")) %}
    {%- else %}
        {%- do checks.append(
            (column ~ ' is null and (' ~ entry['where'] ~ ')',
             "'" ~ column ~ " is NULL where " ~ entry['where'] | replace("'", "''") ~ "'")) %}
    {%- endif %}
{%- endfor %}
{%- for column, values in accepted_values.items() %}
    {%- set quoted = [] %}
    {%- for value in values %}{% do quoted.append("'" ~ value | replace("'", "''") ~ "'") %}{% endfor %}
    {%- do checks.append(
        (column ~ ' not in (' ~ quoted | join(', ') ~ ')',
         "'" ~ column ~ " ''' || cast(" ~ column ~ " as " ~ text ~ ") || ''' is not one of "
         ~ values | join(', ') | replace("'", "''") ~ "'")) %}
{%- endfor %}
{%- for relation in relationships %}
    {%- set parent_key = 'parent_' ~ loop.index ~ '_key' %}
    {%- do checks.append(
        (relation['column'] ~ ' is not null and ' ~ parent_key ~ ' is null',
         "'" ~ relation['column'] ~ " ''' || cast(" ~ relation['column'] ~ " as " ~ text
         ~ ") || ''' is not in " ~ relation['to'].identifier ~ "." ~ relation['field'] ~ "'")) %}
{%- endfor %}

with

tested as (

    select * from {{ model }}

),

{%- for relation in relationships %}

parent_{{ loop.index }} as (

    select distinct {{ relation['field'] }} as parent_{{ loop.index }}_key
    from {{ relation['to'] }}

),
{%- endfor %}

final as (

    select
        {#- The project's macro: this test's own argument is also named row_key. #}
        {{ adoption_scoring.row_key(key_parts, null_text='NULL') }} as failing_row,
        concat_ws(
            '; '
            {%- for condition, message in checks %},
            case when {{ condition }} then {{ message }} end
            {%- endfor %}
        ) as problem
    from tested
    {%- for relation in relationships %}
    left join parent_{{ loop.index }}
        on tested.{{ relation['column'] }} = parent_{{ loop.index }}.parent_{{ loop.index }}_key
    {%- endfor %}
    where
        {% for condition, message in checks -%}
        ({{ condition }}){% if not loop.last %} or {% endif %}
        {% else -%}
        1 = 0
        {%- endfor %}

)

select * from final

{% endtest %}
