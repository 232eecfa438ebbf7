{#
    Month-over-month changes worth a CSM's attention (SPEC §6): a use case
    whose color fell (`degraded`) or that became adopted (`newly_adopted`),
    compared with the previous calendar month, only where both colors exist.
    Colors are ordered by score_color_bands.color_rank.
#}

with

health as (

    select * from {{ ref('int_health_scores') }}
    where
        entity_type = 'account'
        and health_component_type = 'use_case'
        and color is not null

),

changes as (

    select
        current_month.entity_id as account_id,
        current_month.reporting_month,
        current_month.health_component as use_case,
        previous_month.color as previous_color,
        current_month.color as current_color,
        case
            when current_month.color_rank < previous_month.color_rank then 'degraded'
            when current_month.is_adopted and not previous_month.is_adopted then 'newly_adopted'
        end as alert_type,
        current_month.score as current_score,
        previous_month.score as previous_score
    from health as current_month
    inner join health as previous_month
        on current_month.entity_id = previous_month.entity_id
        and current_month.health_component = previous_month.health_component
        and previous_month.reporting_month = {{ add_months('current_month.reporting_month', -1) }}

),

final as (

    select * from changes
    where alert_type is not null

)

select
    *,
    {{ build_id() }} as build_id
from final
