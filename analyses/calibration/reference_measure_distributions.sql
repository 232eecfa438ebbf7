-- Asked by: data engineers tuning the methodology seeds (issue #25, December 2026).
-- Question: where do the accounts CSMs know well stand? The methodology sets
-- thresholds from the median of a subset of customers known to be healthy in
-- a use case: for each reference expectation (fct_reference_account_checks,
-- from seeds/reference_accounts.csv), the values of its use case's measures
-- over the account-months of the calibration window, grouped by expected
-- color: the count, the share missing, min, deciles, quartiles (p50 is the
-- median) and max, beside which measure_distributions gives every account's.
-- Run by `python -m adoption.calibrate` (docs/calibration.md).

with

reference_checks as (
    select * from {{ ref('fct_reference_account_checks') }}
),

measures as (
    select * from {{ ref('fct_account_measures') }}
),

use_case_health as (
    select * from {{ ref('fct_account_use_case_health') }}
),

account_months as (
    select * from {{ ref('fct_account_platform_adoption') }}
),

window_months as (
    {{ calibration_window_months('account_months') }}
),

-- The colors of the score bands, worst first (every color the published set holds).
colors as (
    select distinct
        use_case_color as color,
        use_case_color_rank as color_rank
    from use_case_health
    where use_case_color is not null
),

reference_values as (
    select
        reference_checks.use_case,
        reference_checks.use_case_display_order,
        reference_checks.expected_color,
        reference_checks.account_id,
        measures.measure,
        measures.measure_value
    from reference_checks
    inner join measures
        on
            reference_checks.account_id = measures.account_id
            and reference_checks.use_case = measures.use_case
    inner join window_months
        on measures.reporting_month = window_months.reporting_month
),

final as (
    select
        reference_values.use_case,
        reference_values.use_case_display_order,
        reference_values.expected_color,
        colors.color_rank as expected_color_rank,
        reference_values.measure,
        count(distinct reference_values.account_id) as reference_accounts,
        {{ measure_distribution('reference_values.measure_value') }}
    from reference_values
    left join colors
        on reference_values.expected_color = colors.color
    group by
        reference_values.use_case,
        reference_values.use_case_display_order,
        reference_values.expected_color,
        colors.color_rank,
        reference_values.measure
)

select * from final
order by use_case_display_order asc, measure asc, expected_color_rank desc
