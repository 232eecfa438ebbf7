{#- Exactly one color means "adopted" (Green), else adoption counts are meaningless. -#}
{% set check_sql %}
select
    'all rows' as row_label,
    cast(count(*) as varchar(20)) || ' colors have is_adopted = true; exactly one is needed' as problem
from {{ ref('score_color_bands') }}
where is_adopted
having count(*) <> 1
{% endset %}
{{ raise_seed_problems(check_sql, 'score_color_bands', 'one_adopted_color') }}
