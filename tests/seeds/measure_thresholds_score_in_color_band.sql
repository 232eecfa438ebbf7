{#- A threshold row's score must lie in the band of its own color (SPEC §4.2: Red = 25 is <= 50). -#}
{% set check_sql %}
select
    'measure=' || thresholds.measure || ' color=' || thresholds.color || ' ages='
    || coalesce(cast(thresholds.account_age_min_months as varchar(20)), '') || '..'
    || coalesce(cast(thresholds.account_age_max_months as varchar(20)), '') as row_label,
    'score ' || cast(thresholds.score as varchar(20)) || ' lies outside the '
    || thresholds.color || ' band of score_color_bands' as problem
from {{ ref('measure_thresholds') }} as thresholds
inner join {{ ref('score_color_bands') }} as bands
    on thresholds.color = bands.color
where not {{ value_in_interval(
    'thresholds.score', 'bands.min_score', 'bands.min_inclusive', 'bands.max_score', 'bands.max_inclusive'
) }}
{% endset %}
{{ raise_seed_problems(check_sql, 'measure_thresholds', 'score_in_color_band') }}
