{#-
    use_cases.required_product_tier names a ranked tier, never an add-on of
    product_tiers: an add-on has no rank, so a use case requiring one would
    be restricted to nothing it could name (and read as unrestricted where
    the rank is looked up). An unknown tier is named by
    use_cases_required_product_tier_known.
-#}
{% set check_sql %}
select
    'use_case=' || use_cases.use_case as row_label,
    'required_product_tier ''' || use_cases.required_product_tier
    || ''' is an add-on of product_tiers (add-ons entitle nothing: require a ranked tier)' as problem
from {{ ref('use_cases') }} as use_cases
inner join {{ ref('product_tiers') }} as product_tiers
    on use_cases.required_product_tier = product_tiers.product_tier
where product_tiers.is_add_on
{% endset %}
{{ raise_seed_problems(check_sql, 'use_cases', 'required_tier_is_not_an_add_on') }}
