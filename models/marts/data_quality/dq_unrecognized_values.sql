{#-
    Landing values kept but flagged (SPEC §7), as published: what is flagged
    and why is int_unrecognized_values; the words of each rule are rows of
    the data_quality_rules seed.
-#}

with

flagged as (

    select * from {{ ref('int_unrecognized_values') }}

),

final as (

    select
        source_file,
        row_key,
        column_name,
        value,
        cast(rule_applied as {{ var('string_type')[target.type] }}) as rule_applied
    from flagged

)

select
    *,
    {{ build_id() }} as build_id
from final
