{#-
    Every cell of the landing CSVs that holds a control character (C0,
    U+0000 to U+001F, tab and line breaks included, or DEL: macro
    has_control_character): never part of a name, a label or a key, most
    often a broken export. One rule over every declared column of every CSV
    (the columns come from _landing__sources.yml), not a list of name
    columns. The rows are kept as landed; dq_unrecognized_values lists the
    cells. The CSV sources are named here (dbt needs each source() call at
    parse time); a CSV source added without being named stops the compile.
-#}
{%- set tables = ['accounts', 'subscriptions', 'arr_monthly', 'instances', 'adoption_reasons'] %}
{%- set columns_by_table = {} %}
{%- if execute %}
    {%- set csv_tables = [] %}
    {%- for name, node in landing_source_tables().items() if node.meta.get('landing_file') %}
        {%- do csv_tables.append(name) %}
        {%- do columns_by_table.update({name: node.columns.keys() | list}) %}
    {%- endfor %}
    {%- if csv_tables | sort != tables | sort %}
        {{ exceptions.raise_compiler_error(
            'stg_landing__csv_control_characters reads ' ~ (tables | sort | join(', '))
            ~ ' but the landing CSV sources are ' ~ (csv_tables | sort | join(', '))
        ) }}
    {%- endif %}
{%- endif %}

with

{% for table in tables %}
{{ table }} as (

    select * from {{ source('landing', table) }}

),

{% endfor -%}

cells as (

    {%- for table in tables %}
    {%- set table_loop = loop %}
    {%- for column_name in columns_by_table.get(table, []) %}

    select
        '{{ landing_file_name(source('landing', table)) }}' as source_file,
        line_number,
        '{{ column_name }}' as column_name,
        {{ column_name }} as cell_value
    from {{ table }}
    where {{ has_control_character(column_name) }}
    {%- if not (table_loop.last and loop.last) %}

    union all
    {%- endif %}
    {%- endfor %}
    {%- endfor %}
    {%- if not execute %}
    select
        cast(null as {{ dbt.type_string() }}) as source_file,
        cast(null as bigint) as line_number,
        cast(null as {{ dbt.type_string() }}) as column_name,
        cast(null as {{ dbt.type_string() }}) as cell_value
    {%- endif %}

),

final as (

    select
        source_file,
        line_number,
        column_name,
        cell_value
    from cells

)

select * from final
