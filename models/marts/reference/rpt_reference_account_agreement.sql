{#-
    How many reference expectations agree with the computed colors, per use
    case (every use case of use_cases, none expected included), in the
    month the checks read.
-#}

with

use_cases as (

    select * from {{ ref('int_methodology__use_cases') }}

),

checks as (

    select * from {{ ref('int_reference_account_checks') }}

),

checked_month as (

    {{ latest_complete_month(ref('int_account_months')) }}

),

counts as (

    select
        use_case,
        count(*) as expectations,
        sum(case when is_agreeing then 1 else 0 end) as agreeing,
        sum(case when computed_color is not null and not is_agreeing then 1 else 0 end) as disagreeing,
        sum(case when computed_color is null then 1 else 0 end) as unscored
    from checks
    group by use_case

),

final as (

    select
        use_cases.use_case,
        cast(use_cases.display_order as integer) as use_case_display_order,
        checked_month.reporting_month,
        cast(coalesce(counts.expectations, 0) as integer) as expectations,
        cast(coalesce(counts.agreeing, 0) as integer) as agreeing,
        cast(coalesce(counts.disagreeing, 0) as integer) as disagreeing,
        cast(coalesce(counts.unscored, 0) as integer) as unscored,
        cast(counts.agreeing as {{ type_double() }}) / nullif(counts.expectations, 0) as share_agreeing
    from use_cases
    cross join checked_month
    left join counts
        on use_cases.use_case = counts.use_case

)

select
    *,
    {{ build_id() }} as build_id
from final
