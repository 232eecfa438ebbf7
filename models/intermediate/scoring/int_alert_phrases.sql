{#-
    The words of fct_adoption_alerts' alert_sentence (issue 24), one row:
    explanation_phrases' template for each alert type and the subject words
    of the overall and band alerts (a use-case alert names its use case).
-#}

with

phrases as (

    select * from {{ ref('explanation_phrases') }}

),

final as (

    select
        max(case when phrase_key = {{ phrase_key('alert_degraded') }} then phrase end) as degraded_template,
        max(case when phrase_key = {{ phrase_key('alert_improved') }} then phrase end) as improved_template,
        max(case when phrase_key = {{ phrase_key('alert_newly_adopted') }} then phrase end)
            as newly_adopted_template,
        max(case when phrase_key = {{ phrase_key('alert_subject_overall') }} then phrase end) as overall_subject,
        max(case when phrase_key = {{ phrase_key('alert_subject_adoption_band') }} then phrase end)
            as adoption_band_subject
    from phrases

)

select * from final
