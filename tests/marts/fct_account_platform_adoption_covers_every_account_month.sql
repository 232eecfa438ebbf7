{#-
    Every account-month with ARR appears exactly once in
    fct_account_platform_adoption, and no other account-month does.
#}

with

expected as (

    select distinct
        subscriptions.account_id,
        arr.arr_month as reporting_month
    from {{ ref('stg_landing__arr_monthly') }} as arr
    inner join {{ ref('stg_landing__subscriptions') }} as subscriptions
        on arr.subscription_id = subscriptions.subscription_id

),

actual as (

    select
        account_id,
        reporting_month,
        count(*) as row_count
    from {{ ref('fct_account_platform_adoption') }}
    group by
        account_id,
        reporting_month

)

select
    coalesce(expected.account_id, actual.account_id) as account_id,
    coalesce(expected.reporting_month, actual.reporting_month) as reporting_month,
    actual.row_count
from expected
full outer join actual
    on expected.account_id = actual.account_id
    and expected.reporting_month = actual.reporting_month
where expected.account_id is null or actual.account_id is null or actual.row_count <> 1
