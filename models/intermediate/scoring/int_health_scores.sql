{#-
    Color of every use-case score and overall score (SPEC §4.3, §4.4), from
    score_color_bands: the band whose interval holds the score. One row per
    entity, month and health component (`use_case` = SCM, CI, ... or
    `overall`). Scores are rounded to `comparison_decimal_places` first.
    The effective color is a CSM's override of an account's use case in that
    month (score_overrides via int_account_score_overrides), else the
    computed color; the platform score and alerts read the effective one.
#}

with

use_case_scores as (

    select * from {{ ref('int_use_case_scores') }}

),

overall_scores as (

    select * from {{ ref('int_overall_scores') }}

),

bands as (

    select * from {{ ref('score_color_bands') }}

),

overrides as (

    select * from {{ ref('int_account_score_overrides') }}

),

scores as (

    select
        entity_type,
        entity_id,
        reporting_month,
        'use_case' as health_component_type,
        use_case as health_component,
        display_order,
        counts_toward_platform_score,
        {{ round_double('use_case_score', var('comparison_decimal_places') | int) }} as score,
        measures_scored as inputs_scored,
        scored_weight
    from use_case_scores

    union all

    select
        entity_type,
        entity_id,
        reporting_month,
        'overall' as health_component_type,
        'overall' as health_component,
        null as display_order,
        false as counts_toward_platform_score,
        {{ round_double('overall_score', var('comparison_decimal_places') | int) }} as score,
        components_scored as inputs_scored,
        cast(null as {{ type_double() }}) as scored_weight
    from overall_scores

),

final as (

    select
        scores.*,
        bands.color,
        bands.color_rank,
        coalesce(bands.is_adopted, false) as is_adopted,
        overrides.color is not null as is_overridden,
        overrides.reason as override_reason,
        coalesce(override_bands.color, bands.color) as effective_color,
        coalesce(override_bands.color_rank, bands.color_rank) as effective_color_rank,
        coalesce(override_bands.is_adopted, bands.is_adopted, false) as effective_is_adopted
    from scores
    left join bands
        on {{ value_in_interval(
            'scores.score',
            'bands.min_score', 'bands.min_inclusive',
            'bands.max_score', 'bands.max_inclusive'
        ) }}
    -- Periods of one account and use case never overlap (seed check): at most one row.
    left join overrides
        on scores.entity_id = overrides.account_id
        and scores.health_component = overrides.use_case
        and scores.entity_type = 'account'
        and scores.reporting_month >= overrides.from_month
        and (overrides.to_month is null or scores.reporting_month <= overrides.to_month)
    left join bands as override_bands
        on overrides.color = override_bands.color

)

select * from final
