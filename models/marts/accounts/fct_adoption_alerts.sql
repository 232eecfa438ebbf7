{#
    Month-over-month changes worth a CSM's attention (SPEC §6, issue 12),
    compared with the previous calendar month, only where both sides exist:
    a use case whose color fell (`degraded`) or that became adopted
    (`newly_adopted`); the overall product color falling (`degraded`) or
    rising (`improved`); the platform-adoption band falling or rising
    (`degraded`, `improved`; No Data is no band). Colors are ordered by
    score_color_bands.color_rank, bands by adoption_bands.display_order. Each
    alert names the account's CSM so it can be routed. Colors are the
    effective ones: a CSM's override (score_overrides) counts. Each alert
    says in one sentence what changed and, when it coincides with a data gap
    (int_account_data_gaps), that less data is behind it (int_alert_phrases).
#}

with

health as (

    select * from {{ ref('int_health_scores') }}
    where
        entity_type = 'account'
        and effective_color is not null

),

history as (

    select * from {{ ref('int_account_health_history') }}
    where previous_month_effective_color is not null

),

platform as (

    select * from {{ ref('int_account_platform_adoption') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

data_gaps as (

    select * from {{ ref('int_account_data_gaps') }}

),

phrases as (

    select * from {{ ref('int_alert_phrases') }}

),

color_changes as (

    select
        current_month.entity_id as account_id,
        current_month.reporting_month,
        current_month.health_component as alert_subject,
        case
            when current_month.health_component_type = 'use_case' then current_month.health_component
        end as use_case,
        current_month.display_order as use_case_display_order,
        history.previous_month_effective_color as previous_color,
        current_month.effective_color as current_color,
        cast(null as {{ var('string_type')[target.type] }}) as previous_adoption_band,
        cast(null as {{ var('string_type')[target.type] }}) as current_adoption_band,
        case
            when current_month.effective_color_rank < history.previous_month_effective_color_rank then 'degraded'
            when
                current_month.health_component_type = 'use_case'
                and current_month.effective_is_adopted
                and not history.previous_month_effective_is_adopted
                then 'newly_adopted'
            when
                current_month.health_component_type = 'overall'
                and current_month.effective_color_rank > history.previous_month_effective_color_rank
                then 'improved'
        end as alert_type,
        current_month.score as current_score,
        history.previous_month_score as previous_score
    from health as current_month
    inner join history
        on current_month.entity_id = history.account_id
        and current_month.reporting_month = history.reporting_month
        and current_month.health_component = history.health_component

),

band_changes as (

    select
        account_id,
        reporting_month,
        'adoption_band' as alert_subject,
        cast(null as {{ var('string_type')[target.type] }}) as use_case,
        cast(null as integer) as use_case_display_order,
        cast(null as {{ var('string_type')[target.type] }}) as previous_color,
        cast(null as {{ var('string_type')[target.type] }}) as current_color,
        previous_month_adoption_band as previous_adoption_band,
        adoption_band as current_adoption_band,
        case
            when adoption_band_order < previous_month_adoption_band_order then 'degraded'
            when adoption_band_order > previous_month_adoption_band_order then 'improved'
        end as alert_type,
        cast(use_cases_adopted as {{ type_double() }}) as current_score,
        cast(previous_month_use_cases_adopted as {{ type_double() }}) as previous_score
    from platform
    where
        not is_no_data_band
        and not previous_month_is_no_data_band

),

changes as (

    select * from color_changes

    union all

    select * from band_changes

),

final as (

    select
        changes.account_id,
        changes.reporting_month,
        {{ is_month_complete('changes.reporting_month') }} as is_month_complete,
        changes.alert_subject,
        changes.use_case,
        cast(changes.use_case_display_order as integer) as use_case_display_order,
        changes.previous_color,
        changes.current_color,
        changes.previous_adoption_band,
        changes.current_adoption_band,
        changes.alert_type,
        changes.current_score,
        changes.previous_score,
        coalesce(data_gaps.is_data_gap, false) as is_data_gap,
        {{ fill_template(
            "case changes.alert_type when 'degraded' then phrases.degraded_template"
            ~ " when 'improved' then phrases.improved_template else phrases.newly_adopted_template end",
            [
                ('subject', "case changes.alert_subject when 'overall' then phrases.overall_subject"
                    ~ " when 'adoption_band' then phrases.adoption_band_subject else changes.use_case end"),
                ('previous', 'coalesce(changes.previous_color, changes.previous_adoption_band)'),
                ('current', 'coalesce(changes.current_color, changes.current_adoption_band)'),
                ('data_gap', 'case when data_gaps.is_data_gap then data_gaps.data_gap_alert_clause end'),
            ]
        ) }} as alert_sentence,
        accounts.csm_name
    from changes
    cross join phrases
    left join accounts
        on changes.account_id = accounts.account_id
    left join data_gaps
        on changes.account_id = data_gaps.account_id
        and changes.reporting_month = data_gaps.reporting_month
        and changes.alert_subject = data_gaps.health_component
    where changes.alert_type is not null

)

select
    *,
    {{ build_id() }} as build_id
from final
