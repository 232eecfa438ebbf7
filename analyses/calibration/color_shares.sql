-- Asked by: data engineers tuning the methodology seeds (issue #25, December 2026).
-- Question: under the current thresholds, how many customers fall into each
-- color? For each measure (fct_account_measures.measure_color) and each use
-- case (fct_account_use_case_health.use_case_color: the thresholds' color,
-- before any CSM override), over the account-months of the calibration
-- window: the account-months in each color and their ARR (each account-month's
-- total_arr, summed over the window's months), and their shares; the
-- account-months without a color (no value, or not scored) are the row whose
-- color is NULL.
-- Run by `python -m adoption.calibrate` (docs/calibration.md).

with

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

colored_account_months as (
    select
        'measure' as subject_kind,
        measures.measure as subject,
        measures.use_case,
        measures.use_case_display_order,
        measures.measure_color as color,
        account_months.total_arr
    from measures
    inner join window_months
        on measures.reporting_month = window_months.reporting_month
    inner join account_months
        on
            measures.account_id = account_months.account_id
            and measures.reporting_month = account_months.reporting_month
    union all
    select
        'use_case' as subject_kind,
        use_case_health.use_case as subject,
        use_case_health.use_case,
        use_case_health.use_case_display_order,
        use_case_health.use_case_color as color,
        account_months.total_arr
    from use_case_health
    inner join window_months
        on use_case_health.reporting_month = window_months.reporting_month
    inner join account_months
        on
            use_case_health.account_id = account_months.account_id
            and use_case_health.reporting_month = account_months.reporting_month
),

subjects as (
    select
        subject_kind,
        subject,
        use_case,
        use_case_display_order,
        count(*) as subject_account_months,
        sum(total_arr) as subject_arr
    from colored_account_months
    group by subject_kind, subject, use_case, use_case_display_order
),

-- Every color of every subject (0 where no account-month has it), and the
-- uncolored row.
subject_colors as (
    select
        subjects.*,
        colors.color,
        colors.color_rank
    from subjects
    cross join colors
    union all
    select
        subjects.*,
        null as color,
        null as color_rank
    from subjects
),

counts as (
    select
        subject_kind,
        subject,
        color,
        count(*) as account_months,
        sum(total_arr) as account_month_arr
    from colored_account_months
    group by subject_kind, subject, color
),

final as (
    select
        subject_colors.subject_kind,
        subject_colors.subject,
        subject_colors.use_case,
        subject_colors.use_case_display_order,
        subject_colors.color,
        subject_colors.color_rank,
        coalesce(counts.account_months, 0) as account_months,
        cast(coalesce(counts.account_months, 0) as {{ type_double() }})
        / subject_colors.subject_account_months as pct_account_months,
        coalesce(counts.account_month_arr, 0) as account_month_arr,
        cast(coalesce(counts.account_month_arr, 0) as {{ type_double() }})
        / nullif(subject_colors.subject_arr, 0) as pct_arr
    from subject_colors
    left join counts
        on
            subject_colors.subject_kind = counts.subject_kind
            and subject_colors.subject = counts.subject
            and subject_colors.color is not distinct from counts.color
)

select * from final
order by
    subject_kind = 'use_case',
    use_case_display_order nulls first,
    subject,
    color_rank nulls last
