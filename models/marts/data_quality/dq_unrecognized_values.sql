{#-
    Landing values kept but flagged (SPEC §7): values of the open sets that
    the seeds do not list (a product tier, product category, delivery type
    or instance label), negative ARR (a credit), and optional timestamps that
    do not parse (an instance's labeled_at, a reason's updated_at);
    implausible values (negative seats, a control character in any CSV cell,
    an account with months before its customer_since_date, a ping with more
    billable than active users); and in the CSMs' seeds, a score override of
    an unknown account and an exclusion of an instance that did not report
    in its period. Each is kept in the marts and handled by the documented
    rule in `rule_applied`; none stops the build. Staging matches each value
    to its seed (case-insensitively, so `production` is a known label) where
    it applies the rule; this model only reads the outcome.
-#}

with

subscriptions as (

    select * from {{ ref('stg_landing__subscriptions') }}

),

-- An ARR line's key (the grain of stg_landing__arr_monthly), as shown in row_key.
arr as (

    select
        *,
        'arr_month=' || cast(arr_month as varchar(10)) || ' subscription_id=' || subscription_id
        || ' product_category=' || coalesce(product_category, '')
        || ' product_tier=' || coalesce(product_tier, '') as row_key
    from {{ ref('stg_landing__arr_monthly') }}

),

labels as (

    select
        *,
        'uuid=' || uuid || ' labeled_at=' || coalesce(cast(labeled_at as varchar(30)), labeled_at_text, '') as row_key
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

overrides as (

    select * from {{ ref('int_account_score_overrides') }}

),

exclusions as (

    select * from {{ ref('int_instance_exclusions') }}

),

unrecognized as (

    select
        'subscriptions.csv' as source_file,
        'subscription_id=' || subscriptions.subscription_id as row_key,
        'product_tier' as column_name,
        subscriptions.product_tier as value,
        'kept; entitles no tier-restricted use case (Security is not scored)' as rule_applied
    from subscriptions
    where subscriptions.product_tier_rank is null

    union all

    select
        'subscriptions.csv' as source_file,
        'subscription_id=' || subscriptions.subscription_id as row_key,
        'delivery_type' as column_name,
        subscriptions.delivery_type as value,
        'kept; no rule reads it (instances take their delivery type from the ping host name)' as rule_applied
    from subscriptions
    where not subscriptions.is_delivery_type_listed

    union all

    select
        'arr_monthly.csv' as source_file,
        arr.row_key,
        'product_category' as column_name,
        arr.product_category as value,
        'kept; counts in every ARR total, in no usage weight' as rule_applied
    from arr
    where not arr.is_product_category_listed

    union all

    select
        'arr_monthly.csv' as source_file,
        arr.row_key,
        'product_tier' as column_name,
        arr.product_tier as value,
        'kept; counts in every ARR total (entitlement follows the subscription tier)' as rule_applied
    from arr
    where arr.product_tier is not null and not arr.is_product_tier_listed

    union all

    select
        'instances.csv' as source_file,
        labels.row_key,
        'instance_type' as column_name,
        labels.instance_type_label as value,
        'kept; the instance counts as unlabeled (Unknown)' as rule_applied
    from labels
    where labels.instance_type is null

    union all

    select
        'instances.csv' as source_file,
        labels.row_key,
        'labeled_at' as column_name,
        labels.labeled_at_text as value,
        'kept; not a timestamp: the label ranks below every dated label of the instance' as rule_applied
    from labels
    where labels.labeled_at is null and labels.labeled_at_text is not null

    union all

    select
        'arr_monthly.csv' as source_file,
        arr.row_key,
        'arr' as column_name,
        cast(arr.arr as varchar(50)) as value,
        'kept; a credit: counts in every ARR total; a subscription whose Base Products ARR'
        || ' is not positive weights no usage' as rule_applied
    from arr
    where arr.is_negative_arr

    union all

    select
        'adoption_reasons.csv' as source_file,
        'account_id=' || reasons.account_id || ' use_case=' || coalesce(reasons.use_case, '')
        || ' reason=' || coalesce(reasons.reason, '')
        || ' updated_at=' || coalesce(reasons.updated_at_text, '') as row_key,
        'updated_at' as column_name,
        coalesce(reasons.updated_at_text, '') as value,
        'kept; not a timestamp: the reason counts in no month (rpt_adoption_reason_hygiene lists it)' as rule_applied
    from reasons
    where reasons.updated_at is null

    union all

    select
        'arr_monthly.csv' as source_file,
        arr.row_key,
        'seats' as column_name,
        cast(arr.seats as varchar(20)) as value,
        'kept; not a seat count: no rule reads seats (ARR and usage weights do not use them)' as rule_applied
    from arr
    where arr.seats < 0

    union all

    select
        control_characters.source_file,
        'line=' || cast(control_characters.line_number as varchar(20)) as row_key,
        control_characters.column_name,
        control_characters.cell_value as value,
        'kept as written; holds a control character (U+0000-U+001F or U+007F): fix the export' as rule_applied
    from control_characters

    union all

    select
        'accounts.csv' as source_file,
        'account_id=' || accounts_before_customer_since.account_id as row_key,
        'customer_since_date' as column_name,
        cast(accounts_before_customer_since.customer_since_date as varchar(10)) as value,
        'kept; the account has ARR in months before it: account_age_months is empty there, never negative,'
        || ' and license utilization is not scored' as rule_applied
    from accounts_before_customer_since

    union all

    select
        'usage_pings/' || pings.source_file as source_file,
        'line=' || cast(pings.line_number as varchar(20)) || ' id=' || pings.ping_id as row_key,
        'license_billable_users' as column_name,
        cast(pings.reported_billable_users as varchar(20)) as value,
        'kept as sent and scored; above the ping''s active_user_count, which counts every active user'
        || ' (billable users are a subset): one of the two counts is wrong' as rule_applied
    from pings
    where pings.has_more_billable_than_active_users

    union all

    select
        'score_overrides.csv' as source_file,
        'account_id=' || overrides.account_id || ' use_case=' || overrides.use_case
        || ' from_month=' || cast(overrides.from_month as varchar(10)) as row_key,
        'account_id' as column_name,
        overrides.account_id as value,
        'kept; no account in accounts.csv has this id: the override applies to nothing' as rule_applied
    from overrides
    where not overrides.is_known_account

    union all

    select
        'instance_exclusions.csv' as source_file,
        'uuid=' || exclusions.uuid || ' from_month=' || cast(exclusions.from_month as varchar(10)) as row_key,
        'uuid' as column_name,
        exclusions.uuid as value,
        'kept; no ping of this instance in the period: the exclusion excludes nothing' as rule_applied
    from exclusions
    where exclusions.instance_months_excluded = 0

)

select
    *,
    {{ build_id() }} as build_id
from unrecognized
