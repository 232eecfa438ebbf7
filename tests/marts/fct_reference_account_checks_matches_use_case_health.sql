{#-
    fct_reference_account_checks reads int_health_scores, not the published
    fct_account_use_case_health (whose explanation models a preview does not
    build): its computed color and score are that mart's use_case_color and
    use_case_score of the same account, month and use case, and an
    expectation is unscored exactly when that mart has no color there.
#}

select
    checks.account_id,
    checks.use_case,
    checks.reporting_month,
    checks.computed_color,
    health.use_case_color,
    checks.use_case_score,
    health.use_case_score as health_use_case_score
from {{ ref('fct_reference_account_checks') }} as checks
left join {{ ref('fct_account_use_case_health') }} as health
    on checks.account_id = health.account_id
    and checks.reporting_month = health.reporting_month
    and checks.use_case = health.use_case
where
    coalesce(checks.computed_color, '') <> coalesce(health.use_case_color, '')
    or coalesce(checks.use_case_score, -1) <> coalesce(health.use_case_score, -1)
