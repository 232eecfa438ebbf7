{#-
    Every measure of SPEC §4.1 for every instance-month, in long form. Each
    formula kind is written once here; which metrics feed which measure comes
    from the measure_definitions seed. A measure is NULL (missing) when an
    input is missing or a denominator is 0, and never scored as Red.
#}

with

instance_months as (

    select * from {{ ref('int_instance_monthly_pings') }}

),

metric_values as (

    select * from {{ ref('int_instance_metric_values') }}

),

measures as (

    select * from {{ ref('int_methodology__measures') }}

),

measure_inputs as (

    select
        metric_values.uuid,
        metric_values.reporting_month,
        measures.measure,
        max(case when metric_values.metric = measures.numerator then metric_values.metric_value end)
            as numerator_value,
        max(case when metric_values.metric = measures.denominator then metric_values.metric_value end)
            as denominator_value,
        sum(case when metric_values.metric_group = measures.numerator then metric_values.metric_value end)
            as group_value_sum,
        count(case when metric_values.metric_group = measures.numerator then 1 end)
            as group_values_reported,
        count(
            case when metric_values.metric_group = measures.numerator and metric_values.metric_value > 0 then 1 end
        ) as group_values_positive
    from metric_values
    inner join measures
        on metric_values.metric = measures.numerator
        or metric_values.metric = measures.denominator
        or metric_values.metric_group = measures.numerator
    group by
        metric_values.uuid,
        metric_values.reporting_month,
        measures.measure

),

spine as (

    select
        instance_months.uuid,
        instance_months.reporting_month,
        instance_months.license_subscription_id,
        instance_months.account_id,
        instance_months.product_tier,
        instance_months.product_tier_rank,
        instance_months.delivery_type,
        instance_months.account_age_months,
        measures.measure,
        measures.formula,
        measures.is_scored_for_saas,
        measures.use_case,
        measures.required_tier_rank
    from instance_months
    cross join measures

),

computed as (

    select
        spine.*,
        case spine.formula
            when 'ratio'
                then cast(measure_inputs.numerator_value as {{ type_double() }})
                    / nullif(measure_inputs.denominator_value, 0)
            when 'share_of_total'
                then cast(measure_inputs.numerator_value as {{ type_double() }})
                    / nullif(measure_inputs.numerator_value + measure_inputs.denominator_value, 0)
            when 'group_sum_ratio'
                then case
                    when measure_inputs.group_values_reported > 0
                        then cast(measure_inputs.group_value_sum as {{ type_double() }})
                            / nullif(measure_inputs.denominator_value, 0)
                end
            when 'group_count_positive'
                then case
                    when measure_inputs.group_values_reported > 0
                        then cast(measure_inputs.group_values_positive as {{ type_double() }})
                end
        end as formula_value,
        -- What a ratio divides by: a rise of the measure by g is a rise of
        -- the numerator by g x this (the gap in users or events, next_step).
        case
            when spine.formula in ('ratio', 'group_sum_ratio') then measure_inputs.denominator_value
        end as measure_denominator
    from spine
    left join measure_inputs
        on spine.uuid = measure_inputs.uuid
        and spine.reporting_month = measure_inputs.reporting_month
        and spine.measure = measure_inputs.measure

),

final as (

    select
        uuid,
        reporting_month,
        license_subscription_id,
        account_id,
        measure,
        use_case,
        account_age_months,
        -- SaaS has no instance-wide activity metric: such measures are missing there.
        case
            when delivery_type = 'SaaS' and not is_scored_for_saas then null
            else formula_value
        end as measure_value,
        case
            when delivery_type = 'SaaS' and not is_scored_for_saas then null
            else measure_denominator
        end as measure_denominator,
        -- A measure of a tier-restricted use case (Security: Ultimate) is
        -- reported but not scored for instances on a lower-ranked or unknown tier.
        coalesce(required_tier_rank is null or product_tier_rank >= required_tier_rank, false)
            as is_applicable
    from computed

)

select * from final
