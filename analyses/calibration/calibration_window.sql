-- Asked by: data engineers tuning the methodology seeds (issue #25, December 2026).
-- Question: which months do the calibration analyses read? The latest
-- `calibration_months` complete months of the published set, with how many
-- account-months (accounts with ARR) and how much ARR each holds.
-- Run by `python -m adoption.calibrate` (docs/calibration.md).

with

account_months as (
    select * from {{ ref('fct_account_platform_adoption') }}
),

window_months as (
    {{ calibration_window_months('account_months') }}
),

final as (
    select
        window_months.reporting_month,
        count(*) as account_months,
        sum(account_months.total_arr) as total_arr
    from window_months
    inner join account_months
        on window_months.reporting_month = account_months.reporting_month
    group by window_months.reporting_month
)

select * from final
order by reporting_month
