{#- The query returning each value of `columns` held by more than one row of `relation`,
    with its `duplicate_rows` count (the unique_combination test). -#}
{% macro duplicate_keys(relation, columns) -%}
    {{ return(adapter.dispatch('duplicate_keys', 'adoption_scoring')(relation, columns)) }}
{%- endmacro %}

{% macro default__duplicate_keys(relation, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as duplicate_rows
from {{ relation }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endmacro %}

{#- A narrow hash table first (one 64-bit hash of the key), the key itself only where a hash repeats. -#}
{% macro duckdb__duplicate_keys(relation, columns) %}
{%- set key = columns | join(', ') %}
with

repeated_hashes as (

    select hash({{ key }}) as key_hash
    from {{ relation }}
    group by hash({{ key }})
    having count(*) > 1

),

final as (

    select
        {{ key }},
        count(*) as duplicate_rows
    from {{ relation }}
    where hash({{ key }}) in (select key_hash from repeated_hashes)
    group by {{ key }}
    having count(*) > 1

)

select * from final
{% endmacro %}
