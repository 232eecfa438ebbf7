{#- Exactly one adoption band holds accounts with ARR but no score (`No Data`). -#}
{% set check_sql %}
select
    'all rows' as row_label,
    cast(count(*) as varchar(20)) || ' rows have is_no_data_band = true; exactly one is needed' as problem
from {{ ref('adoption_bands') }}
where is_no_data_band
having count(*) <> 1
{% endset %}
{{ raise_seed_problems(check_sql, 'adoption_bands', 'one_no_data_band') }}
