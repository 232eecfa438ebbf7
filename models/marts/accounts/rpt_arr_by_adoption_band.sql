{#-
    ARR by month and adoption band (SPEC §6). ARR arrives exact (up to 9
    decimals) and is rounded once per month, not per account or band: each
    band's `arr` is the rounded running total of the month's bands up to it
    (in display order) minus the rounded running total before it. Each band
    is then within a cent of its exact sum, and the bands add up to the
    month's exact total in arr_monthly.csv rounded to the cent, whatever the
    decimals of the file. `pct_of_arr` is computed from the exact sums.
-#}
with

accounts as (

    select * from {{ ref('int_account_platform_adoption') }}

),

bands as (

    select * from {{ ref('int_methodology__adoption_bands') }}

),

months as (

    select distinct reporting_month from accounts

),

month_totals as (

    select
        reporting_month,
        sum(total_arr) as month_arr
    from accounts
    group by reporting_month

),

band_totals as (

    select
        reporting_month,
        adoption_band,
        count(*) as account_count,
        sum(total_arr) as arr
    from accounts
    group by
        reporting_month,
        adoption_band

),

spine as (

    select
        months.reporting_month,
        bands.adoption_band,
        bands.display_order,
        bands.is_no_data_band,
        bands.min_use_cases
    from months
    cross join bands

),

shares as (

    select
        spine.reporting_month,
        spine.adoption_band,
        spine.display_order,
        spine.is_no_data_band,
        spine.min_use_cases,
        coalesce(band_totals.account_count, 0) as account_count,
        coalesce(band_totals.arr, 0) as exact_arr,
        cast(coalesce(band_totals.arr, 0) as {{ type_double() }}) / nullif(month_totals.month_arr, 0) as pct_of_arr,
        sum(coalesce(band_totals.arr, 0)) over (
            partition by spine.reporting_month
            order by spine.display_order, {{ byte_order('spine.adoption_band') }}
            rows between unbounded preceding and current row
        ) as running_exact_arr
    from spine
    inner join month_totals
        on spine.reporting_month = month_totals.reporting_month
    left join band_totals
        on spine.reporting_month = band_totals.reporting_month
        and spine.adoption_band = band_totals.adoption_band

),

final as (

    select
        reporting_month,
        {{ is_month_complete('reporting_month') }} as is_month_complete,
        adoption_band,
        cast(display_order as integer) as adoption_band_order,
        cast(account_count as integer) as account_count,
        cast(
            round(running_exact_arr, 2) - round(running_exact_arr - exact_arr, 2) as {{ var('published_arr_type') }}
        ) as arr,
        pct_of_arr,
        -- Share of the month's ARR in this band or a higher one (scored bands only).
        case
            when not is_no_data_band then sum(case when is_no_data_band then 0 else pct_of_arr end) over (
                partition by reporting_month
                order by is_no_data_band asc, min_use_cases desc
                rows between unbounded preceding and current row
            )
        end as cumulative_pct_of_arr_at_or_above
    from shares

)

select
    *,
    {{ build_id() }} as build_id
from final
