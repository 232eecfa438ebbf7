{#-
    product_tiers: a tier that is not an add-on has a tier_rank (without one
    it would entitle nothing, silently), and an add-on has none: add-ons
    (Duo Pro, Duo Enterprise, Enterprise Agile Planning) entitle nothing, so
    a rank on one would read as if it did. An empty is_add_on is named by
    product_tiers_required_values.
-#}
{% set check_sql %}
select
    'product_tier=' || product_tier as row_label,
    'empty tier_rank (required for a tier that is not an add-on)' as problem
from {{ ref('product_tiers') }}
where not is_add_on and tier_rank is null

union all

select
    'product_tier=' || product_tier as row_label,
    'tier_rank ' || cast(tier_rank as {{ var('string_type')[target.type] }})
    || ' given to an add-on (add-ons entitle nothing: leave tier_rank empty)' as problem
from {{ ref('product_tiers') }}
where is_add_on and tier_rank is not null
{% endset %}
{{ raise_seed_problems(check_sql, 'product_tiers', 'add_ons_have_no_rank') }}
