{#
    Platform adoption of every account-month (SPEC §5, steps 4-6): the number
    of platform use cases whose effective account color (the computed one
    unless a CSM overrides it) is adopted (Green), the list of
    those use cases in display order, the adoption band, the overall score and
    the license-utilization color. Missing (and band `No Data`) when every
    platform use case is unscored. With the previous calendar month's overall
    score, color, platform score and band, and the trends.
#}

with

account_months as (

    select * from {{ ref('int_account_months') }}

),

health as (

    select * from {{ ref('int_health_scores') }}
    where entity_type = 'account'

),

measure_scores as (

    select * from {{ ref('int_measure_scores') }}
    where entity_type = 'account'

),

bands as (

    select * from {{ ref('int_methodology__adoption_bands') }}

),

platform_use_cases as (

    select
        entity_id as account_id,
        reporting_month,
        -- Effective colors: a CSM's override counts (score_overrides).
        count(effective_color) as use_cases_scored,
        sum(case when effective_is_adopted then 1 else 0 end) as use_cases_adopted_count,
        {{ string_agg_ordered(
            "case when effective_is_adopted then health_component end", ', ', 'display_order'
        ) }} as adopted_use_cases
    from health
    where
        health_component_type = 'use_case'
        and counts_toward_platform_score
    group by
        entity_id,
        reporting_month

),

overall as (

    select
        entity_id as account_id,
        reporting_month,
        score as overall_product_score,
        color as overall_product_color
    from health
    where health_component_type = 'overall'

),

license_utilization as (

    select
        entity_id as account_id,
        reporting_month,
        measure_value as license_utilization,
        measure_color as license_utilization_color
    from measure_scores
    where measure = 'license_utilization'

),

scored as (

    select
        account_months.*,
        license_utilization.license_utilization,
        license_utilization.license_utilization_color,
        overall.overall_product_score,
        overall.overall_product_color,
        case
            when platform_use_cases.use_cases_scored > 0 then platform_use_cases.use_cases_adopted_count
        end as use_cases_adopted,
        case
            when platform_use_cases.use_cases_scored > 0 then coalesce(platform_use_cases.adopted_use_cases, '')
        end as adopted_use_cases
    from account_months
    left join platform_use_cases
        on account_months.account_id = platform_use_cases.account_id
        and account_months.reporting_month = platform_use_cases.reporting_month
    left join overall
        on account_months.account_id = overall.account_id
        and account_months.reporting_month = overall.reporting_month
    left join license_utilization
        on account_months.account_id = license_utilization.account_id
        and account_months.reporting_month = license_utilization.reporting_month

),

banded as (

    select
        scored.*,
        bands.adoption_band,
        bands.display_order as adoption_band_order,
        bands.is_no_data_band
    from scored
    inner join bands
        on (
            scored.use_cases_adopted is null and bands.is_no_data_band
        )
        or (
            not bands.is_no_data_band
            and {{ value_in_interval(
                'scored.use_cases_adopted',
                'bands.min_use_cases', 'bands.min_inclusive',
                'bands.max_use_cases', 'bands.max_inclusive'
            ) }}
        )

),

-- What changed since the previous calendar month.
final as (

    select
        current_month.*,
        previous_month.overall_product_score as previous_month_overall_product_score,
        current_month.overall_product_score - previous_month.overall_product_score as overall_score_change,
        {{ trend('current_month.overall_product_score - previous_month.overall_product_score') }}
            as overall_trend,
        previous_month.overall_product_color as previous_month_overall_product_color,
        previous_month.use_cases_adopted as previous_month_use_cases_adopted,
        current_month.use_cases_adopted - previous_month.use_cases_adopted as use_cases_adopted_change,
        {{ trend('current_month.use_cases_adopted - previous_month.use_cases_adopted') }}
            as platform_score_trend,
        previous_month.adoption_band as previous_month_adoption_band,
        previous_month.adoption_band_order as previous_month_adoption_band_order,
        previous_month.is_no_data_band as previous_month_is_no_data_band
    from banded as current_month
    left join banded as previous_month
        on {{ months_earlier('current_month', 'previous_month', ['account_id']) }}

)

select * from final
