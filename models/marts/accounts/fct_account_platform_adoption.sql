with

platform as (

    select * from {{ ref('int_account_platform_adoption') }}

),

final as (

    select
        account_id,
        reporting_month,
        {{ is_month_complete('reporting_month') }} as is_month_complete,
        -- ARR is exact below the marts; each account's is rounded to the cent here.
        cast(total_arr as {{ var('published_arr_type') }}) as total_arr,
        cast(base_products_arr as {{ var('published_arr_type') }}) as base_products_arr,
        cast(base_products_arr_reporting_usage as {{ var('published_arr_type') }}) as base_products_arr_reporting_usage,
        pct_arr_reporting_usage,
        has_ultimate_arr,
        cast(subscription_count as integer) as subscription_count,
        cast(subscriptions_reporting_usage as integer) as subscriptions_reporting_usage,
        delivery_types,
        cast(account_age_months as integer) as account_age_months,
        license_utilization,
        license_utilization_color,
        overall_product_score,
        overall_product_color,
        cast(use_cases_adopted as integer) as use_cases_adopted,
        adopted_use_cases,
        adoption_band,
        cast(adoption_band_order as integer) as adoption_band_order,
        previous_month_overall_product_score,
        overall_score_change,
        overall_trend,
        previous_month_overall_product_color,
        cast(previous_month_use_cases_adopted as integer) as previous_month_use_cases_adopted,
        cast(use_cases_adopted_change as integer) as use_cases_adopted_change,
        platform_score_trend,
        previous_month_adoption_band
    from platform

)

select
    *,
    {{ build_id() }} as build_id
from final
