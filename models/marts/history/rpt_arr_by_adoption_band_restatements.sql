{#-
    ARR by band restated (this build) beside ARR by band as published: as
    first published after the month closed, and as last published (docs:
    _history__docs.md). One row per month and band this build or an earlier
    publication holds.
-#}
with

restated as (

    select * from {{ ref('rpt_arr_by_adoption_band') }}

),

versions as (

    select * from {{ ref('fct_published_arr_by_adoption_band') }}

),

-- The version in force at the first publication in which the month was complete.
first_complete as (

    select
        reporting_month,
        adoption_band,
        published_build_id,
        published_from,
        account_count,
        arr,
        pct_of_arr,
        row_number() over (
            partition by reporting_month, adoption_band
            order by published_from
        ) as complete_version_number
    from versions
    where is_published and is_month_complete

),

first_published as (

    select * from first_complete
    where complete_version_number = 1

),

-- The version in force at the latest earlier publication (none when it dropped the key).
last_published as (

    select * from versions
    where published_to is null and is_published

),

month_bands as (

    select
        reporting_month,
        adoption_band
    from restated
    union
    select
        reporting_month,
        adoption_band
    from versions

),

final as (

    select
        month_bands.reporting_month,
        month_bands.adoption_band,
        restated.is_month_complete,
        restated.account_count,
        restated.arr,
        restated.pct_of_arr,
        first_published.published_build_id as first_published_build_id,
        first_published.published_from as first_published_at,
        first_published.account_count as first_published_account_count,
        first_published.arr as first_published_arr,
        first_published.pct_of_arr as first_published_pct_of_arr,
        last_published.published_build_id as last_published_build_id,
        last_published.published_from as last_published_at,
        last_published.account_count as last_published_account_count,
        last_published.arr as last_published_arr,
        last_published.pct_of_arr as last_published_pct_of_arr,
        cast(restated.arr - first_published.arr as {{ var('published_arr_type') }}) as arr_restatement,
        coalesce(
            first_published.reporting_month is not null
            and (
                restated.reporting_month is null
                or restated.arr != first_published.arr
                or restated.account_count != first_published.account_count
            ),
            false
        ) as is_restated
    from month_bands
    left join restated
        on
            month_bands.reporting_month = restated.reporting_month
            and month_bands.adoption_band = restated.adoption_band
    left join first_published
        on
            month_bands.reporting_month = first_published.reporting_month
            and month_bands.adoption_band = first_published.adoption_band
    left join last_published
        on
            month_bands.reporting_month = last_published.reporting_month
            and month_bands.adoption_band = last_published.adoption_band

)

select
    *,
    {{ build_id() }} as build_id
from final
