{#-
    For every month, the ARR of rpt_arr_by_adoption_band sums to the total ARR
    of arr_monthly.csv to the cent (the exact sum of its lines, rounded once),
    and pct_of_arr sums to 1 (SPEC §6).
    Returns the months that do not reconcile.
#}

with

landed as (

    select
        arr_month as reporting_month,
        round(sum(arr), 2) as landed_arr
    from {{ ref('stg_landing__arr_monthly') }}
    group by arr_month

),

reported as (

    select
        reporting_month,
        sum(arr) as reported_arr,
        sum(pct_of_arr) as reported_pct
    from {{ ref('rpt_arr_by_adoption_band') }}
    group by reporting_month

)

select
    coalesce(landed.reporting_month, reported.reporting_month) as reporting_month,
    landed.landed_arr,
    reported.reported_arr,
    reported.reported_pct
from landed
full outer join reported
    on landed.reporting_month = reported.reporting_month
where
    landed.reporting_month is null
    or reported.reporting_month is null
    or landed.landed_arr <> reported.reported_arr
    or (landed.landed_arr <> 0 and abs(reported.reported_pct - 1) > 1e-9)
