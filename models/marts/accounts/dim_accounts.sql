with

accounts as (

    select * from {{ ref('stg_landing__accounts') }}

),

account_months as (

    select * from {{ ref('int_account_months') }}

),

arr_history as (

    select
        account_id,
        min(reporting_month) as first_arr_month,
        max(reporting_month) as latest_arr_month
    from account_months
    group by account_id

),

final as (

    select
        accounts.account_id,
        accounts.account_name,
        accounts.customer_since_date,
        accounts.csm_name,
        accounts.sales_segment,
        arr_history.first_arr_month,
        arr_history.latest_arr_month
    from accounts
    left join arr_history
        on accounts.account_id = arr_history.account_id

)

select
    *,
    {{ build_id() }} as build_id
from final
