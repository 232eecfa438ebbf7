{#-
    The instance exclusions (seed instance_exclusions, issue 12), each with
    how many instance-months it excludes: an exclusion of a uuid that never
    reported in its period has no effect and is listed in
    dq_unrecognized_values. int_instance_monthly_pings applies them.
#}

with

exclusions as (

    -- The months are text in the seed (checked YYYY-MM-DD by periods_valid).
    select
        uuid,
        reason,
        {{ seed_date('from_month') }} as from_month,
        {{ seed_date('to_month') }} as to_month
    from {{ ref('instance_exclusions') }}

),

instance_months as (

    select * from {{ ref('int_instance_monthly_pings') }}

),

final as (

    select
        exclusions.uuid,
        exclusions.from_month,
        exclusions.to_month,
        exclusions.reason,
        count(instance_months.uuid) as instance_months_excluded
    from exclusions
    left join instance_months
        on exclusions.uuid = instance_months.uuid
        and exclusions.from_month = instance_months.exclusion_from_month
    group by
        exclusions.uuid,
        exclusions.from_month,
        exclusions.to_month,
        exclusions.reason

)

select * from final
