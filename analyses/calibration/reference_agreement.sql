-- Asked by: data engineers tuning the methodology seeds (issue #25, December 2026).
-- Question: do the current thresholds give the reference accounts the colors
-- their CSMs confirmed (the methodology's testing step)? Per use case, in the
-- published set's latest complete month: the expectations, how many agree,
-- disagree or are unscored, and the share agreeing, as
-- rpt_reference_account_agreement publishes them (every use case, none
-- expected included); fct_reference_account_checks lists each expectation.
-- Run by `python -m adoption.calibrate` (docs/calibration.md).

with

agreement as (
    select * from {{ ref('rpt_reference_account_agreement') }}
),

final as (
    select
        use_case,
        use_case_display_order,
        reporting_month,
        expectations,
        agreeing,
        disagreeing,
        unscored,
        share_agreeing
    from agreement
)

select * from final
order by use_case_display_order
