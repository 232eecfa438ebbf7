{#-
    Each account-month's data gaps rolled up to what a CSM reads (issue 24):
    one row per use case (a weighted measure of it has a data gap,
    int_account_measure_data_gaps), one for `overall` (a use case the overall
    score weighs has one) and one for `adoption_band` (a use case the platform
    score counts has one), keyed like fct_adoption_alerts' alert_subject. The
    gap named is the first gapped measure by use-case then measure display
    order; its sentences come from explanation_phrases: `data_gap_step` (leads
    the use case's next step) and `alert_data_gap` (the alert's clause).
-#}

{%- set string = var('string_type')[target.type] %}
{#- A measure without a label reads as its name in words, as in next_step. #}
{%- set measure_label = 'coalesce(ranked.measure_label, ' ~ words_of_name('ranked.measure') ~ ')' %}

with

measure_gaps as (

    select * from {{ ref('int_account_measure_data_gaps') }}
    where is_weighted

),

use_cases as (

    select * from {{ ref('int_methodology__use_cases') }}

),

overall_weights as (

    select * from {{ ref('overall_score_weights') }}
    where
        component_type = 'use_case'
        and weight > 0

),

phrases as (

    select * from {{ ref('explanation_phrases') }}

),

-- Each use-case measure once per component it counts in.
component_measures as (

    select
        measure_gaps.*,
        measure_gaps.use_case as health_component
    from measure_gaps

    union all

    select
        measure_gaps.*,
        'overall' as health_component
    from measure_gaps
    inner join overall_weights
        on measure_gaps.use_case = overall_weights.component

    union all

    select
        measure_gaps.*,
        'adoption_band' as health_component
    from measure_gaps
    inner join use_cases
        on measure_gaps.use_case = use_cases.use_case
    where use_cases.counts_toward_platform_score

),

ranked as (

    select
        component_measures.*,
        max(case when component_measures.is_data_gap then 1 else 0 end) over (
            partition by component_measures.account_id, component_measures.reporting_month,
            component_measures.health_component
        ) = 1 as component_has_data_gap,
        row_number() over (
            partition by component_measures.account_id, component_measures.reporting_month,
            component_measures.health_component
            order by
                case when component_measures.is_data_gap then 0 else 1 end asc,
                use_cases.display_order asc,
                component_measures.measure_display_order asc nulls last,
                {{ byte_order("component_measures.measure") }} asc
        ) as gap_rank
    from component_measures
    left join use_cases
        on component_measures.use_case = use_cases.use_case

),

final as (

    select
        ranked.account_id,
        ranked.reporting_month,
        ranked.health_component,
        ranked.component_has_data_gap as is_data_gap,
        case when ranked.component_has_data_gap then ranked.measure end as data_gap_measure,
        case when ranked.component_has_data_gap then ranked.subscriptions_contributing end
            as data_gap_subscriptions_contributing,
        case when ranked.component_has_data_gap then ranked.previous_month_subscriptions_contributing end
            as data_gap_previous_month_subscriptions_contributing,
        case when ranked.component_has_data_gap then {{ fill_template('step_phrase.phrase', [
            ('measure_label', measure_label),
            ('count', 'cast(ranked.subscriptions_contributing as ' ~ string ~ ')'),
            ('previous_count', 'cast(ranked.previous_month_subscriptions_contributing as ' ~ string ~ ')'),
        ]) }} end as data_gap_step,
        case when ranked.component_has_data_gap then {{ fill_template('alert_phrase.phrase', [
            ('measure_label', measure_label),
            ('count', 'cast(ranked.subscriptions_contributing as ' ~ string ~ ')'),
            ('previous_count', 'cast(ranked.previous_month_subscriptions_contributing as ' ~ string ~ ')'),
        ]) }} end as data_gap_alert_clause
    from ranked
    left join phrases as step_phrase
        on step_phrase.phrase_key = {{ phrase_key('data_gap_step') }}
    left join phrases as alert_phrase
        on alert_phrase.phrase_key = {{ phrase_key('alert_data_gap') }}
    where ranked.gap_rank = 1

)

select * from final
