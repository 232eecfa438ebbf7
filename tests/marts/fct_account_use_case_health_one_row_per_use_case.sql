{#- Every account-month of fct_account_platform_adoption has one row per use case. #}

with

expected as (

    select
        accounts.account_id,
        accounts.reporting_month,
        use_cases.use_case
    from {{ ref('fct_account_platform_adoption') }} as accounts
    cross join {{ ref('use_cases') }} as use_cases

)

select expected.*
from expected
left join {{ ref('fct_account_use_case_health') }} as health
    on expected.account_id = health.account_id
    and expected.reporting_month = health.reporting_month
    and expected.use_case = health.use_case
where health.account_id is null
