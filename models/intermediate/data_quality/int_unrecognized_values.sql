{#-
    Landing values kept but flagged (SPEC §7), one row per flagged value with
    the key of the rule applied; the rule's words come from the
    data_quality_rules seed, joined once at the end. What is flagged: values
    of the open sets that the seeds do not list (a product tier, product
    category, delivery type or instance label), negative ARR (a credit), and
    optional timestamps that do not parse (an instance's labeled_at, a
    reason's updated_at); implausible values (negative seats, a control
    character in any CSV cell, an account with months before its
    customer_since_date, a ping with more billable than active users); and in
    the CSMs' seeds, a score override of an unknown account and an exclusion
    of an instance that did not report in its period. Staging matches each
    value to its seed (case-insensitively, so `production` is a known label)
    where it applies the rule; this model only reads the outcome.

    Longer than ~150 lines on purpose: one idea (a union of one-filter
    branches, one per rule, all at the same grain); a model per rule would
    add fourteen nodes and no clarity.
-#}
{%- set string = var('string_type')[target.type] %}

with

subscriptions as (

    select * from {{ ref('stg_landing__subscriptions') }}

),

arr as (

    select
        *,
        {{ row_key([
            ('arr_month', 'arr_month'), ('subscription_id', 'subscription_id'),
            ('product_category', 'product_category'), ('product_tier', 'product_tier'),
        ]) }} as row_key
    from {{ ref('stg_landing__arr_monthly') }}

),

labels as (

    select
        *,
        {{ row_key([
            ('uuid', 'uuid'),
            ('labeled_at', 'coalesce(cast(labeled_at as ' ~ string ~ '), labeled_at_text)'),
        ]) }} as row_key
    from {{ ref('stg_landing__instance_labels') }}

),

reasons as (

    select * from {{ ref('stg_landing__adoption_reasons') }}

),

accounts as (

    select * from {{ ref('stg_landing__accounts') }}

),

control_characters as (

    select * from {{ ref('stg_landing__csv_control_characters') }}

),

pings as (

    select * from {{ ref('stg_landing__usage_pings') }}

),

account_months as (

    select * from {{ ref('int_account_months') }}

),

overrides as (

    select * from {{ ref('int_account_score_overrides') }}

),

exclusions as (

    select * from {{ ref('int_instance_exclusions') }}

),

rules as (

    select * from {{ ref('data_quality_rules') }}

),

-- Accounts with ARR in a month before their customer_since_date: the date
-- contradicts the account's own ARR (its age there would be negative).
accounts_before_customer_since as (

    select
        accounts.account_id,
        accounts.customer_since_date
    from accounts
    inner join account_months
        on accounts.account_id = account_months.account_id
    where account_months.reporting_month < {{ month_start('accounts.customer_since_date') }}
    group by
        accounts.account_id,
        accounts.customer_since_date

),

flagged as (

    select
        'subscriptions.csv' as source_file,
        {{ row_key([('subscription_id', 'subscription_id')]) }} as row_key,
        'product_tier' as column_name,
        product_tier as value,
        'unlisted_subscription_tier' as rule
    from subscriptions
    where not is_product_tier_listed

    union all

    select
        'subscriptions.csv' as source_file,
        {{ row_key([('subscription_id', 'subscription_id')]) }} as row_key,
        'delivery_type' as column_name,
        delivery_type as value,
        'unlisted_delivery_type' as rule
    from subscriptions
    where not is_delivery_type_listed

    union all

    select
        'arr_monthly.csv' as source_file,
        row_key,
        'product_category' as column_name,
        product_category as value,
        'unlisted_product_category' as rule
    from arr
    where not is_product_category_listed

    union all

    select
        'arr_monthly.csv' as source_file,
        row_key,
        'product_tier' as column_name,
        product_tier as value,
        'unlisted_arr_product_tier' as rule
    from arr
    where product_tier is not null and not is_product_tier_listed

    union all

    select
        'instances.csv' as source_file,
        row_key,
        'instance_type' as column_name,
        instance_type_label as value,
        'unlisted_instance_label' as rule
    from labels
    where instance_type is null

    union all

    select
        'instances.csv' as source_file,
        row_key,
        'labeled_at' as column_name,
        labeled_at_text as value,
        'undated_instance_label' as rule
    from labels
    where labeled_at is null and labeled_at_text is not null

    union all

    select
        'arr_monthly.csv' as source_file,
        row_key,
        'arr' as column_name,
        cast(arr.arr as {{ string }}) as value,
        'negative_arr' as rule
    from arr
    where is_negative_arr

    union all

    select
        'adoption_reasons.csv' as source_file,
        {{ row_key([
            ('account_id', 'account_id'), ('use_case', 'use_case'),
            ('reason', 'reason'), ('updated_at', 'updated_at_text'),
        ]) }} as row_key,
        'updated_at' as column_name,
        coalesce(updated_at_text, '') as value,
        'undated_reason' as rule
    from reasons
    where updated_at is null

    union all

    select
        'arr_monthly.csv' as source_file,
        row_key,
        'seats' as column_name,
        cast(seats as {{ string }}) as value,
        'negative_seats' as rule
    from arr
    where seats < 0

    union all

    select
        source_file,
        {{ row_key([('line', 'line_number')]) }} as row_key,
        column_name,
        cell_value as value,
        'control_character' as rule
    from control_characters

    union all

    select
        'accounts.csv' as source_file,
        {{ row_key([('account_id', 'account_id')]) }} as row_key,
        'customer_since_date' as column_name,
        cast(customer_since_date as {{ string }}) as value,
        'arr_before_customer_since' as rule
    from accounts_before_customer_since

    union all

    select
        'usage_pings/' || source_file as source_file,
        {{ row_key([('line', 'line_number'), ('id', 'ping_id')]) }} as row_key,
        'license_billable_users' as column_name,
        cast(reported_billable_users as {{ string }}) as value,
        'more_billable_than_active_users' as rule
    from pings
    where has_more_billable_than_active_users

    union all

    select
        'score_overrides.csv' as source_file,
        {{ row_key([('account_id', 'account_id'), ('use_case', 'use_case'), ('from_month', 'from_month')]) }}
            as row_key,
        'account_id' as column_name,
        account_id as value,
        'override_of_unknown_account' as rule
    from overrides
    where not is_known_account

    union all

    select
        'instance_exclusions.csv' as source_file,
        {{ row_key([('uuid', 'uuid'), ('from_month', 'from_month')]) }} as row_key,
        'uuid' as column_name,
        uuid as value,
        'exclusion_excludes_nothing' as rule
    from exclusions
    where instance_months_excluded = 0

),

final as (

    select
        flagged.source_file,
        flagged.row_key,
        flagged.column_name,
        flagged.value,
        flagged.rule,
        rules.rule_applied
    from flagged
    left join rules
        on flagged.rule = rules.rule

)

select * from final
