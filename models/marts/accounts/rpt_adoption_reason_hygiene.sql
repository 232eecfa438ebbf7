{#
    CSM hygiene (SPEC §5.1), for each account's latest month with ARR: a use
    case that is not adopted and owes a reason that month
    (int_account_reason_expectations: CI always, Security with Ultimate ARR,
    by default) with no accepted lack-of-adoption reason; every latest reason that is not in
    adoption_reason_codes; and every reason whose updated_at is missing or
    unparseable (it counts in no month until the CSM dates it).
#}

with

use_case_health as (

    select * from {{ ref('fct_account_use_case_health') }}

),

accounts as (

    select * from {{ ref('fct_account_platform_adoption') }}

),

reason_expectations as (

    select * from {{ ref('int_account_reason_expectations') }}

),

all_reasons as (

    select * from {{ ref('int_account_adoption_reasons') }}

),

account_owners as (

    select * from {{ ref('dim_accounts') }}

),

use_cases as (

    select * from {{ ref('int_methodology__use_cases') }}

),

latest_months as (

    select
        account_id,
        max(reporting_month) as reporting_month
    from accounts
    group by account_id

),

-- Every reason entered, with its account's latest month and the use case's
-- color then. "The latest reason" of an account and use case is the one of
-- recency_rank 1 (int_account_adoption_reasons: latest updated_at, ties by
-- reason text), whenever it was entered.
reasons_in_latest_month as (

    select
        all_reasons.account_id,
        latest_months.reporting_month,
        all_reasons.use_case,
        use_case_health.use_case_color,
        all_reasons.reason,
        all_reasons.updated_at,
        all_reasons.is_accepted_reason,
        all_reasons.recency_rank = 1 as is_latest_reason
    from all_reasons
    left join latest_months
        on all_reasons.account_id = latest_months.account_id
    left join use_case_health
        on latest_months.account_id = use_case_health.account_id
        and latest_months.reporting_month = use_case_health.reporting_month
        and all_reasons.use_case = use_case_health.use_case

),

-- Use cases not adopted in the account's latest month that owe a reason.
expected as (

    select
        use_case_health.account_id,
        use_case_health.reporting_month,
        use_case_health.use_case,
        use_case_health.use_case_color
    from use_case_health
    inner join latest_months
        on use_case_health.account_id = latest_months.account_id
        and use_case_health.reporting_month = latest_months.reporting_month
    inner join reason_expectations
        on use_case_health.account_id = reason_expectations.account_id
        and use_case_health.reporting_month = reason_expectations.reporting_month
        and use_case_health.use_case = reason_expectations.use_case
    where not use_case_health.is_adopted

),

missing_reasons as (

    select
        expected.account_id,
        expected.reporting_month,
        expected.use_case,
        expected.use_case_color,
        latest_reasons.reason as lack_of_adoption_reason,
        'missing_reason' as issue_type
    from expected
    left join reasons_in_latest_month as latest_reasons
        on expected.account_id = latest_reasons.account_id
        and expected.use_case = latest_reasons.use_case
        and latest_reasons.is_latest_reason
    where latest_reasons.reason is null

),

unaccepted_reasons as (

    select
        account_id,
        reporting_month,
        use_case,
        use_case_color,
        reason as lack_of_adoption_reason,
        'reason_not_accepted' as issue_type
    from reasons_in_latest_month
    where is_latest_reason and not is_accepted_reason

),

-- Two undated entries of one reason (`n/a`, blank) are one row.
undated_reasons as (

    select distinct
        account_id,
        reporting_month,
        use_case,
        use_case_color,
        reason as lack_of_adoption_reason,
        'reason_without_timestamp' as issue_type
    from reasons_in_latest_month
    where updated_at is null

),

issues as (

    select * from missing_reasons

    union all

    select * from unaccepted_reasons

    union all

    select * from undated_reasons

),

-- Each issue names the account's CSM so it can be routed. The month is each
-- account's own latest month with ARR, named so: a calendar-month filter on
-- it would drop the accounts that churned earlier.
final as (

    select
        issues.account_id,
        issues.reporting_month as account_latest_month,
        issues.use_case,
        cast(use_cases.display_order as integer) as use_case_display_order,
        issues.use_case_color,
        issues.lack_of_adoption_reason,
        issues.issue_type,
        account_owners.csm_name
    from issues
    left join account_owners
        on issues.account_id = account_owners.account_id
    left join use_cases
        on issues.use_case = use_cases.use_case

)

select
    *,
    {{ build_id() }} as build_id
from final
