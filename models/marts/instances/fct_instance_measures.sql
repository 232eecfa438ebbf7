with

measure_scores as (

    select * from {{ ref('int_measure_scores') }}
    where entity_type = 'instance'

),

instance_months as (

    select * from {{ ref('int_instance_monthly_pings') }}

),

use_cases as (

    select * from {{ ref('int_methodology__use_cases') }}

),

final as (

    select
        measure_scores.entity_id as uuid,
        measure_scores.reporting_month,
        measure_scores.measure,
        measure_scores.use_case,
        cast(use_cases.display_order as integer) as use_case_display_order,
        instance_months.license_subscription_id as subscription_id,
        instance_months.account_id,
        measure_scores.measure_value,
        measure_scores.measure_score,
        measure_scores.measure_color,
        measure_scores.is_applicable,
        instance_months.is_excluded,
        instance_months.exclusion_reason
    from measure_scores
    inner join instance_months
        on measure_scores.entity_id = instance_months.uuid
        and measure_scores.reporting_month = instance_months.reporting_month
    left join use_cases
        on measure_scores.use_case = use_cases.use_case

)

select
    *,
    {{ build_id() }} as build_id
from final
