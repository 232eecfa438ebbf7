{#-
    The explanation_phrases keys the models read (int_use_case_health; the
    data-gap and alert keys: int_account_data_gaps, int_alert_phrases; the
    agreement words: int_reference_account_checks), in one place: the
    model names a key through phrase_key(), which refuses a key not listed
    here, and tests/seeds/explanation_phrases_complete.sql checks the seed has
    every key listed here.
-#}
{% macro explanation_phrase_keys() %}
    {{ return([
        'bound_above', 'bound_at_least', 'bound_below', 'bound_at_most',
        'change_more', 'change_fewer', 'numerator_gap',
        'step_reaches_next_color', 'step_raises_score',
    ] + data_gap_phrase_keys() + reference_phrase_keys()) }}
{% endmacro %}

{#- `name` as an SQL text literal, once it is one of explanation_phrase_keys(). -#}
{% macro phrase_key(name) -%}
    {%- if name not in explanation_phrase_keys() -%}
        {{ exceptions.raise_compiler_error(
            "phrase_key('" ~ name ~ "'): not an explanation phrase key. Add it to explanation_phrase_keys() "
            ~ "(macros/explanation_phrase_keys.sql) and a row for it to seeds/explanation_phrases.csv."
        ) }}
    {%- endif -%}
    '{{ name }}'
{%- endmacro %}

{#- The keys of the data-gap sentence and of the alert sentences. -#}
{% macro data_gap_phrase_keys() %}
    {{ return([
        'data_gap_step', 'alert_data_gap', 'alert_subject_overall', 'alert_subject_adoption_band',
        'alert_degraded', 'alert_improved', 'alert_newly_adopted',
    ]) }}
{% endmacro %}

{#- The agreement words of the reference-account checks (int_reference_account_checks). -#}
{% macro reference_phrase_keys() %}
    {{ return(['reference_agree', 'reference_disagree', 'reference_unscored']) }}
{% endmacro %}
