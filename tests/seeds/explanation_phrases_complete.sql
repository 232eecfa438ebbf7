{#-
    explanation_phrases has every key int_use_case_health reads, and its
    templates use no placeholder that model does not fill.
-#}
{% set keys = explanation_phrase_keys() %}
{% set placeholders = [
    'count', 'more_or_fewer', 'numerator_unit', 'measure_label', 'measure_value', 'bound', 'threshold',
    'use_case', 'color_after', 'score', 'score_after', 'next_color', 'score_bound', 'score_threshold',
    'numerator_gap',
    'previous_count', 'subject', 'previous', 'current', 'data_gap',
] %}
{% set check_sql %}
select
    'phrase_key=' || required.phrase_key as row_label,
    'missing: int_use_case_health needs this phrase' as problem
from (
    {% for key in keys %}
        select '{{ key }}' as phrase_key{% if not loop.last %} union all{% endif %}
    {% endfor %}
) as required
where required.phrase_key not in (select phrase_key from {{ ref('explanation_phrases') }} where phrase_key is not null)

union all

select
    'phrase_key=' || phrase_key as row_label,
    'unknown placeholder in ''' || phrase || ''' (known: {{ placeholders | join(', ') }})' as problem
from {{ ref('explanation_phrases') }}
where {{ regex_remove('phrase', '[{](' ~ placeholders | join('|') ~ ')[}]') }} like '%{{ '{' }}%'
{% endset %}
{{ raise_seed_problems(check_sql, 'explanation_phrases', 'complete') }}
