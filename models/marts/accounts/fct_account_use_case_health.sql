with

health as (

    select * from {{ ref('int_use_case_health') }}
    where entity_type = 'account'

),

history as (

    select * from {{ ref('int_account_health_history') }}

),

reasons as (

    select * from {{ ref('int_account_adoption_reasons') }}

),

data_gaps as (

    select * from {{ ref('int_account_data_gaps') }}

),

-- The account's ARR in the month: the weight of ARR-weighted adoption rates
-- (the semantic layer's metrics, _accounts__semantic.yml).
account_months as (

    select * from {{ ref('int_account_months') }}

),

with_history as (

    select
        current_month.entity_id as account_id,
        current_month.reporting_month,
        current_month.health_component as use_case,
        current_month.display_order as use_case_display_order,
        current_month.score as use_case_score,
        current_month.color as use_case_color,
        current_month.color_rank as use_case_color_rank,
        current_month.effective_color,
        current_month.is_overridden,
        current_month.override_reason,
        -- Adoption follows the effective color, as the platform score does.
        current_month.effective_is_adopted as is_adopted,
        current_month.inputs_scored as measures_scored,
        {{ next_step_columns('current_month') }},
        history.previous_month_score,
        current_month.score - history.previous_month_score as score_change,
        history.previous_month_color,
        history.color_3_months_ago
    from health as current_month
    inner join history
        on current_month.entity_id = history.account_id
        and current_month.reporting_month = history.reporting_month
        and current_month.health_component = history.health_component

),

-- The reason in force at the end of each month: the latest entered before
-- the next month began.
reasons_as_of_month as (

    select
        with_history.account_id,
        with_history.reporting_month,
        with_history.use_case,
        reasons.reason,
        reasons.is_accepted_reason,
        row_number() over (
            partition by with_history.account_id, with_history.reporting_month, with_history.use_case
            order by reasons.updated_at desc nulls last, {{ byte_order('reasons.reason') }} asc
        ) as recency_rank
    from with_history
    inner join reasons
        on with_history.account_id = reasons.account_id
        and with_history.use_case = reasons.use_case
        and reasons.updated_at < {{ add_months('with_history.reporting_month', 1) }}

),

final as (

    select
        with_history.account_id,
        with_history.reporting_month,
        {{ is_month_complete('with_history.reporting_month') }} as is_month_complete,
        with_history.use_case,
        cast(with_history.use_case_display_order as integer) as use_case_display_order,
        with_history.use_case_score,
        with_history.use_case_color,
        cast(with_history.use_case_color_rank as integer) as use_case_color_rank,
        with_history.effective_color,
        with_history.is_overridden,
        with_history.override_reason,
        with_history.is_adopted,
        cast(with_history.measures_scored as integer) as measures_scored,
        coalesce(data_gaps.is_data_gap, false) as is_data_gap,
        with_history.previous_month_color,
        with_history.color_3_months_ago,
        with_history.previous_month_score,
        with_history.score_change,
        {{ trend('with_history.score_change') }} as trend,
        -- A data gap leads the next step, so it does not read as a change in usage.
        {{ next_step_columns('with_history', next_step=
            "case when data_gaps.is_data_gap then data_gaps.data_gap_step"
            ~ " || coalesce(' ' || with_history.next_step, '') else with_history.next_step end"
        ) }},
        reasons_as_of_month.reason as lack_of_adoption_reason,
        reasons_as_of_month.is_accepted_reason as is_lack_of_adoption_reason_accepted,
        cast(account_months.total_arr as {{ var('published_arr_type') }}) as total_arr
    from with_history
    left join reasons_as_of_month
        on with_history.account_id = reasons_as_of_month.account_id
        and with_history.reporting_month = reasons_as_of_month.reporting_month
        and with_history.use_case = reasons_as_of_month.use_case
        and reasons_as_of_month.recency_rank = 1
    left join account_months
        on with_history.account_id = account_months.account_id
        and with_history.reporting_month = account_months.reporting_month
    left join data_gaps
        on with_history.account_id = data_gaps.account_id
        and with_history.reporting_month = data_gaps.reporting_month
        and with_history.use_case = data_gaps.health_component

)

select
    *,
    {{ build_id() }} as build_id
from final
