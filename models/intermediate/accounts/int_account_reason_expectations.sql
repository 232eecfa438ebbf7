{#-
    The account-months and use cases for which a CSM owes a lack-of-adoption
    reason whenever the use case is not adopted (SPEC §5.1): every use case
    that has reason codes (adoption_reason_codes; CI and Security by default)
    on every account-month in which the account is entitled to it
    (use_cases.required_product_tier: a use case without one always; Security
    when a subscription with ARR that month has a tier of Ultimate's rank or
    higher in product_tiers). The rule lives here and in those seeds only;
    rpt_adoption_reason_hygiene reads it.
-#}

with

subscription_months as (

    select * from {{ ref('int_subscription_months') }}

),

reason_codes as (

    select * from {{ ref('adoption_reason_codes') }}

),

use_case_tiers as (

    select distinct
        use_case,
        required_tier_rank
    from {{ ref('int_methodology__measures') }}
    where use_case is not null

),

-- Use cases for which a reason can be given.
reason_use_cases as (

    select distinct use_case_tiers.*
    from use_case_tiers
    inner join reason_codes
        on use_case_tiers.use_case = reason_codes.use_case

),

entitlements as (

    select
        subscription_months.account_id,
        subscription_months.reporting_month,
        reason_use_cases.use_case,
        max(
            case
                when reason_use_cases.required_tier_rank is null then 1
                when
                    subscription_months.total_arr > 0
                    and subscription_months.product_tier_rank >= reason_use_cases.required_tier_rank
                    then 1
                else 0
            end
        ) as is_entitled_flag
    from subscription_months
    cross join reason_use_cases
    group by
        subscription_months.account_id,
        subscription_months.reporting_month,
        reason_use_cases.use_case

),

final as (

    select
        account_id,
        reporting_month,
        use_case
    from entitlements
    where is_entitled_flag = 1

)

select * from final
