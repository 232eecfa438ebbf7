{#-
    instances.csv, typed. The label is matched case-insensitively to the
    instance_types seed (`production` is `Production`); a label the seed does
    not list keeps its text in instance_type_label, has no instance_type (the
    instance counts as unlabeled, `Unknown`), and dq_unrecognized_values
    lists it.
-#}

with

source as (

    select * from {{ source('landing', 'instances') }}

),

instance_types as (

    select * from {{ ref('instance_types') }}

),

final as (

    select
        trim(source.uuid) as uuid,
        source.hostname,
        instance_types.instance_type,
        trim(source.instance_type) as instance_type_label,
        nullif(trim(source.labeled_at), '') as labeled_at_text,
        {{ try_cast_utc_timestamp('source.labeled_at') }} as labeled_at
    from source
    left join instance_types
        on {{ open_set_match('source.instance_type', 'instance_types.instance_type') }}

)

select * from final
