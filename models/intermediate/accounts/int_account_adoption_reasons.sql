{#
    Every CSM lack-of-adoption reason (SPEC §5.1), flagged as accepted or not
    by the adoption_reason_codes seed. Nothing is dropped: a reason that is
    not in the seed is kept with is_accepted_reason = false.
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
        reason_codes.reason is not null as is_accepted_reason,
        coalesce(reason_codes.means_adopted, false) as reason_means_adopted,
        row_number() over (
            partition by reasons.account_id, reasons.use_case
            order by reasons.updated_at desc nulls last, reasons.reason asc
        ) as recency_rank
    from reasons
    left join reason_codes
        on reasons.use_case = reason_codes.use_case
        and reasons.reason = reason_codes.reason

)

select * from final
