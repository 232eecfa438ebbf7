{#
    Every CSM lack-of-adoption reason (SPEC §5.1), flagged as accepted or not
    by the adoption_reason_codes seed. Nothing is dropped: a reason that is
    not in the seed is kept with is_accepted_reason = false, and one whose
    updated_at is missing or unparseable is kept without a recency_rank (it
    cannot be placed in any month; rpt_adoption_reason_hygiene lists it).
#}

with

reasons as (

    select * from {{ ref('stg_landing__adoption_reasons') }}

),

reason_codes as (

    select * from {{ ref('adoption_reason_codes') }}

),

final as (

    select
        reasons.account_id,
        reasons.use_case,
        reasons.reason,
        reasons.updated_at,
        reasons.updated_at_text,
        reason_codes.reason is not null as is_accepted_reason,
        coalesce(reason_codes.means_adopted, false) as reason_means_adopted,
        case
            when reasons.updated_at is not null then row_number() over (
                partition by reasons.account_id, reasons.use_case, reasons.updated_at is null
                order by reasons.updated_at desc, {{ byte_order('reasons.reason') }} asc
            )
        end as recency_rank
    from reasons
    left join reason_codes
        on reasons.use_case = reason_codes.use_case
        and reasons.reason = reason_codes.reason

)

select * from final
