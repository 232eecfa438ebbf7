{#-
    Each reference expectation beside the computed color of its account and
    use case in the month checked (int_reference_account_expectations): the
    color of the thresholds, before any CSM override (int_health_scores'
    `color`, which fct_account_use_case_health publishes as
    use_case_color), whether it agrees, by how many color ranks it differs,
    and by how many points the score lies outside the expected color's band.
    An account without a row that month, or a use case it has no score for
    (Security without Ultimate ARR, no measure reported), is unscored. The
    agreement words come from explanation_phrases.
#}

with

expectations as (

    select * from {{ ref('int_reference_account_expectations') }}

),

use_case_health as (

    select * from {{ ref('int_health_scores') }}
    where entity_type = 'account' and health_component_type = 'use_case'

),

phrases as (

    select * from {{ ref('explanation_phrases') }}

),

agreement_words as (

    select
        max(case when phrase_key = {{ phrase_key('reference_agree') }} then phrase end) as agree_word,
        max(case when phrase_key = {{ phrase_key('reference_disagree') }} then phrase end) as disagree_word,
        max(case when phrase_key = {{ phrase_key('reference_unscored') }} then phrase end) as unscored_word
    from phrases

),

compared as (

    select
        expectations.*,
        use_case_health.score as use_case_score,
        use_case_health.color as computed_color,
        use_case_health.color_rank as computed_color_rank
    from expectations
    left join use_case_health
        on expectations.account_id = use_case_health.entity_id
        and expectations.reporting_month = use_case_health.reporting_month
        and expectations.use_case = use_case_health.health_component

),

final as (

    select
        compared.account_id,
        compared.account_name,
        compared.use_case,
        compared.use_case_display_order,
        compared.expected_color,
        compared.confirmed_by,
        compared.confirmed_on,
        compared.note,
        compared.reporting_month,
        compared.use_case_score,
        compared.computed_color,
        case
            when compared.computed_color is null then agreement_words.unscored_word
            when compared.computed_color = compared.expected_color then agreement_words.agree_word
            else agreement_words.disagree_word
        end as agreement,
        coalesce(compared.computed_color = compared.expected_color, false) as is_agreeing,
        compared.computed_color_rank - compared.expected_color_rank as color_rank_difference,
        -- The distance from the score to the expected band (0 inside it, and
        -- on an exclusive bound, which the band does not hold but touches).
        cast(case
            when compared.computed_color is null then null
            when compared.use_case_score < compared.expected_min_score
                then {{ round_double(
                    'compared.expected_min_score - compared.use_case_score',
                    var('comparison_decimal_places') | int
                ) }}
            when compared.use_case_score > compared.expected_max_score
                then {{ round_double(
                    'compared.use_case_score - compared.expected_max_score',
                    var('comparison_decimal_places') | int
                ) }}
            else 0
        end as {{ type_double() }}) as score_miss
    from compared
    cross join agreement_words

)

select * from final
