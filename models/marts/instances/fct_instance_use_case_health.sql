with

health as (

    select * from {{ ref('int_health_scores') }}
    where entity_type = 'instance'

),

instance_months as (

    select * from {{ ref('int_instance_monthly_pings') }}

),

primary_instances as (

    select * from {{ ref('int_subscription_primary_instances') }}

),

use_case_health as (

    select * from {{ ref('int_use_case_health') }}
    where entity_type = 'instance'

),

overall_health as (

    select * from health
    where health_component_type = 'overall'

),

final as (

    select
        use_case_health.entity_id as uuid,
        use_case_health.reporting_month,
        use_case_health.health_component as use_case,
        cast(use_case_health.display_order as integer) as use_case_display_order,
        instance_months.license_subscription_id as subscription_id,
        instance_months.account_id,
        instance_months.product_tier,
        instance_months.delivery_type,
        instance_months.instance_type,
        instance_months.billable_user_count,
        use_case_health.score as use_case_score,
        use_case_health.color as use_case_color,
        use_case_health.is_adopted,
        cast(use_case_health.inputs_scored as integer) as measures_scored,
        primary_instances.uuid is not null as is_primary_instance,
        primary_instances.selection_basis as primary_instance_basis,
        overall_health.score as overall_product_score,
        overall_health.color as overall_product_color,
        instance_months.is_excluded,
        instance_months.exclusion_reason,
        {{ next_step_columns('use_case_health') }}
    from use_case_health
    inner join instance_months
        on use_case_health.entity_id = instance_months.uuid
        and use_case_health.reporting_month = instance_months.reporting_month
    left join overall_health
        on use_case_health.entity_id = overall_health.entity_id
        and use_case_health.reporting_month = overall_health.reporting_month
    left join primary_instances
        on use_case_health.entity_id = primary_instances.uuid
        and use_case_health.reporting_month = primary_instances.reporting_month
        and instance_months.license_subscription_id = primary_instances.subscription_id

)

select
    *,
    {{ build_id() }} as build_id
from final
