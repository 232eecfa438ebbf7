{#-
    The CSMs' score overrides (seed score_overrides, issue 12), each with
    whether its account is in accounts.csv: an override of an unknown account
    applies to nothing and is listed in dq_unrecognized_values. The seed's
    checks (periods, colors, use cases, reasons) ran before this model.
#}

with

overrides as (

    -- The months are text in the seed (checked YYYY-MM-DD by periods_valid).
    select
        account_id,
        use_case,
        {{ seed_date('from_month') }} as from_month,
        {{ seed_date('to_month') }} as to_month,
        color,
        reason
    from {{ ref('score_overrides') }}

),

accounts as (

    select * from {{ ref('stg_landing__accounts') }}

),

final as (

    select
        overrides.account_id,
        overrides.use_case,
        overrides.from_month,
        overrides.to_month,
        overrides.color,
        overrides.reason,
        accounts.account_id is not null as is_known_account
    from overrides
    left join accounts
        on overrides.account_id = accounts.account_id

)

select * from final
