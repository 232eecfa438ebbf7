{#-
    The CSMs' reference expectations (seed reference_accounts, the
    methodology's testing step), each with what the checks compare it to:
    the account's name, the use case's display order, the expected color's
    rank and score band (score_color_bands), and the month checked, the
    build's latest complete month (latest_complete_month over
    int_account_months). The seed's checks (accounts, use cases, colors,
    duplicates, required values, dates) ran before this model.
#}

with

reference_accounts as (

    select * from {{ ref('reference_accounts') }}

),

accounts as (

    select * from {{ ref('stg_landing__accounts') }}

),

use_cases as (

    select * from {{ ref('int_methodology__use_cases') }}

),

color_bands as (

    select * from {{ ref('score_color_bands') }}

),

checked_month as (

    {{ latest_complete_month(ref('int_account_months')) }}

),

final as (

    select
        reference_accounts.account_id,
        accounts.account_name,
        reference_accounts.use_case,
        use_cases.display_order as use_case_display_order,
        reference_accounts.expected_color,
        color_bands.color_rank as expected_color_rank,
        color_bands.min_score as expected_min_score,
        color_bands.min_inclusive as expected_min_inclusive,
        color_bands.max_score as expected_max_score,
        color_bands.max_inclusive as expected_max_inclusive,
        reference_accounts.confirmed_by,
        -- Text in the seed (checked YYYY-MM-DD by seed_dates_valid).
        {{ seed_date('reference_accounts.confirmed_on') }} as confirmed_on,
        reference_accounts.note,
        checked_month.reporting_month
    from reference_accounts
    cross join checked_month
    left join accounts
        on reference_accounts.account_id = accounts.account_id
    left join use_cases
        on reference_accounts.use_case = use_cases.use_case
    left join color_bands
        on reference_accounts.expected_color = color_bands.color

)

select * from final
