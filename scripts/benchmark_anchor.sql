-- The benchmark's anchor (scripts/benchmark_anchor.py): the published marts of SPEC §6 and
-- docs/methodology.md, written by hand as plain DuckDB SQL, no dbt, no tests. Seeds are the
-- tables of seeds/*.csv under their file names; {{placeholders}} are filled by the script from
-- metric_catalog, measure_definitions and dbt_project.yml vars. Statements end with ";" at the
-- end of a line.

-- The project's shared rules (macros/), once each.
create temp macro in_interval(v, lo, lo_inc, hi, hi_inc) as
    v is not null and (lo is null or v > lo or (lo_inc and v = lo)) and (hi is null or v < hi or (hi_inc and v = hi));
create temp macro at_age(t_min, t_max, age) as (t_min is null or age >= t_min) and (t_max is null or age <= t_max);
create temp macro age_months(m, since) as case when (year(m) - year(since)) * 12 + month(m) - month(since) >= 0
    then (year(m) - year(since)) * 12 + month(m) - month(since) end;
create temp macro trend(change) as case when change > 0 then 'up' when change < 0 then 'down' when change = 0 then 'same' end;
-- Sentence numbers: a rounded decimal d as text, trailing zeros dropped, integer digits grouped by thousands;
-- fmt_at(x, k) at k places (k from {explanation_places} to {explanation_places} + the extra places),
-- apart(a, b) the fewest of those at which a and b read differently (the most when they never do).
create temp macro grouped(d) as (case when d < 0 then '-' else '' end)
    || replace(format('{{:,}}', cast(trunc(abs(d)) as hugeint)), ',', {thousands_separator})
    || regexp_extract(regexp_replace(cast(abs(d) as varchar), '[.]?0+$', ''), '[.][0-9]+$');
create temp macro fmt_at(x, k) as case k {fmt_cases} end;
create temp macro fmt(x) as fmt_at(x, {explanation_places});
create temp macro apart(a, b) as case when a = b then {explanation_places} {apart_cases} else {apart_cap} end;
create temp macro bound_key(direction, inclusive) as case
    when direction = 'higher' and inclusive then 'bound_at_least' when direction = 'higher' then 'bound_above'
    when direction = 'lower' and inclusive then 'bound_at_most' when direction = 'lower' then 'bound_below' end;
create temp macro try_date(x) as
    case when regexp_full_match(trim(x), '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') then try_cast(trim(x) as date) end;
create temp macro try_bigint(x) as case when regexp_full_match(x, '-?[0-9]{{1,18}}') then cast(x as bigint) end;
-- How a value reaches an interval it is not in (macros/next_color.sql: approach_to_interval).
create temp macro approach(v, lo, lo_inc, hi, hi_inc) as case
    when lo is not null and v <= lo then struct_pack(direction := 'higher', bound := lo, inclusive := lo_inc, gap := lo - v)
    when hi is not null and v >= hi then struct_pack(direction := 'lower', bound := hi, inclusive := hi_inc, gap := v - hi)
    end;
create temp macro seed_month(x) as try_date(cast(x as varchar));

-- Landing CSVs, as text; staging rules: trimmed ids, typed dates and amounts, open sets
-- matched to their seed case-insensitively.
create table accounts as
select
    trim(account_id) as account_id, account_name,
    try_date(customer_since_date) as customer_since_date,
    csm_name, sales_segment
from read_csv('{raw}/accounts.csv', header = true, all_varchar = true);

create table subscriptions as
select trim(s.subscription_id) as subscription_id, trim(s.account_id) as account_id,
    trim(s.product_tier) as product_tier, case when not t.is_add_on then t.tier_rank end as product_tier_rank,
    t.product_tier is not null as is_product_tier_listed, trim(s.delivery_type) as delivery_type,
    d.delivery_type is not null as is_delivery_type_listed, d.display_order as delivery_type_order
from read_csv('{raw}/subscriptions.csv', header = true, all_varchar = true) as s
left join product_tiers as t on lower(trim(s.product_tier)) = lower(trim(t.product_tier))
left join delivery_types as d on lower(trim(s.delivery_type)) = lower(trim(d.delivery_type));

create table arr_lines as
select try_date(r.arr_month) as arr_month, trim(r.subscription_id) as subscription_id,
    trim(r.product_category) as product_category, coalesce(c.weights_usage, false) as weights_usage,
    c.product_category is not null as is_product_category_listed, trim(r.product_tier) as product_tier,
    t.product_tier is not null as is_product_tier_listed,
    case when regexp_full_match(trim(r.arr), '-?[0-9]{{1,29}}([.][0-9]{{1,9}})?')
        then cast(trim(r.arr) as decimal(38, 9)) end as arr,
    cast(try_bigint(trim(r.seats)) as integer) as seats
from read_csv('{raw}/arr_monthly.csv', header = true, all_varchar = true) as r
left join product_categories as c on lower(trim(r.product_category)) = lower(trim(c.product_category))
left join product_tiers as t on lower(trim(r.product_tier)) = lower(trim(t.product_tier));

create table subscription_months as
select a.subscription_id, a.arr_month as reporting_month, s.account_id, s.product_tier_rank,
    s.delivery_type, s.delivery_type_order,
    cast(sum(a.arr) as decimal(38, 9)) as total_arr,
    cast(sum(case when a.weights_usage then a.arr else 0 end) as decimal(38, 9)) as base_products_arr
from arr_lines as a
inner join subscriptions as s on a.subscription_id = s.subscription_id
group by all;

create table labels as
select trim(l.uuid) as uuid, t.instance_type, trim(l.instance_type) as instance_type_label,
    nullif(trim(l.labeled_at), '') as labeled_at_text, try_cast(l.labeled_at as timestamptz) at time zone 'UTC' as labeled_at
from read_csv('{raw}/instances.csv', header = true, all_varchar = true) as l
left join instance_types as t on lower(trim(l.instance_type)) = lower(trim(t.instance_type));

-- Every ping line (read as Latin-1, a non-ASCII line decoded again as UTF-8), numbered in file order.
create temp macro ping_file_lines() as table
select parse_filename(filename) as source_file, ordinality as line_order,
    case when line is null or strlen(line) = length(line) then line
        else try(decode(from_hex(array_to_string(
            list_transform(string_split(line, ''), lambda ch: printf('%02x', ord(ch))), ''))))
    end as payload,
    line is null or payload is not null as is_valid_utf8
from read_csv({ping_files}, names = ['line'], header = false, skip = 0, delim = chr(1), quote = '',
    escape = '', all_varchar = true, filename = true, strict_mode = false, encoding = 'latin-1',
    max_line_size = 67108864, buffer_size = 134217728) with ordinality;

-- Every ping line parsed once, with the check it fails (SPEC §7); raw text kept for those only.
create table ping_lines as
with extracted as (
    select *, is_valid_utf8 and coalesce(json_valid(payload), false) as is_json,
        case when is_valid_utf8 and json_valid(payload)
            then cast(json_extract(payload, [{paths}]) as varchar[]) end as f
    from ping_file_lines()
),
typed as (
    select source_file, line_order, payload, is_valid_utf8, is_json,
        nullif(trim(json_extract_string(f[1], '$')), '') as ping_id,
        nullif(trim(json_extract_string(f[2], '$')), '') as uuid,
        nullif(trim(json_extract_string(f[3], '$')), '') as hostname,
        nullif(trim(json_extract_string(f[4], '$')), '') as recorded_at_text,
        nullif(trim(json_extract_string(f[5], '$')), '') as license_subscription_id,
        try_cast(json_extract_string(f[4], '$') as timestamptz) at time zone 'UTC' as recorded_at,
        {metric_columns}
    from extracted
),
checked as (
    select * exclude (payload, is_valid_utf8, is_json),
        case when not is_valid_utf8 then 'invalid_utf8'
            when not is_json then case when coalesce(trim(payload), '') = '' then 'empty_line' else 'malformed_json' end
            when ping_id is null then 'missing_id'
            when uuid is null then 'missing_uuid'
            when recorded_at_text is null then 'missing_recorded_at'
            when recorded_at is null then 'unparseable_recorded_at'
            when recorded_at < timestamp '{earliest_ping_date}' then 'early_recorded_at'
            when recorded_at > timestamp '{future_cutoff}' then 'future_recorded_at'
        end as failed_check,
        payload
    from typed
)
select * exclude (payload), case when failed_check is not null then payload end as payload
from checked;

create table file_starts as
select source_file, min(line_order) as first_line_order from ping_lines group by all;

-- Accepted pings: the first delivery of each id (by file, then line).
create table pings as
select * exclude (payload, failed_check), cast(date_trunc('month', recorded_at) as date) as reporting_month
from ping_lines
where failed_check is null
qualify row_number() over (partition by ping_id order by line_order) = 1;

-- One ping per instance and month (SPEC §4), with its label, subscription, account and exclusion.
create table instance_months as
select p.*,
    case when lower(p.hostname) in ({saas_hostnames}) then 'SaaS' else 'Self-Managed' end as delivery_type,
    coalesce(l.instance_type, '{unlabeled_instance_type}') as instance_type, t.primary_preference,
    s.subscription_id is not null and t.primary_preference is not null as can_represent_subscription,
    s.account_id, s.product_tier, s.product_tier_rank,
    age_months(p.reporting_month, a.customer_since_date) as account_age_months,
    x.uuid is not null as is_excluded, x.reason as exclusion_reason,
    seed_month(x.from_month) as exclusion_from_month, seed_month(x.to_month) as exclusion_to_month
from (
    select * from pings
    qualify row_number() over (partition by uuid, reporting_month order by recorded_at desc, ping_id desc) = 1
) as p
left join (
    select * from labels qualify row_number() over (partition by uuid order by labeled_at desc nulls last) = 1
) as l on p.uuid = l.uuid
left join instance_types as t on coalesce(l.instance_type, '{unlabeled_instance_type}') = t.instance_type
left join subscriptions as s on p.license_subscription_id = s.subscription_id
left join accounts as a on s.account_id = a.account_id
left join instance_exclusions as x
    on p.uuid = x.uuid and p.reporting_month >= seed_month(x.from_month)
    and (x.to_month is null or p.reporting_month <= seed_month(x.to_month));

-- Measure definitions with their use case and the tier rank it requires.
create table measures as
select d.*, m.use_case, t.tier_rank as required_tier_rank
from measure_definitions as d
left join use_case_measures as m on d.measure = m.measure
left join use_cases as u on m.use_case = u.use_case
left join product_tiers as t on u.required_product_tier = t.product_tier;

-- The primary instance of each subscription and month (SPEC §5.1).
create table primary_instances as
select license_subscription_id as subscription_id, reporting_month, uuid, instance_type as selection_basis
from instance_months
where can_represent_subscription and not is_excluded
qualify row_number() over (
    partition by license_subscription_id, reporting_month
    order by primary_preference, billable_user_count desc nulls last, recorded_at desc, uuid
) = 1;

-- Every measure of every instance-month (SPEC §4.1), long form.
create table instance_measures as
select i.uuid, i.reporting_month, i.license_subscription_id, i.account_id, m.measure, m.use_case,
    i.account_age_months,
    case when i.delivery_type = 'SaaS' and not m.is_scored_for_saas then null
        else case m.measure {measure_values} end end as measure_value,
    case when i.delivery_type = 'SaaS' and not m.is_scored_for_saas then null
        when m.formula in ('ratio', 'group_sum_ratio') then case m.measure {measure_denominators} end
    end as measure_denominator,
    coalesce(m.required_tier_rank is null or i.product_tier_rank >= m.required_tier_rank, false) as is_applicable
from instance_months as i
cross join measures as m;

create table account_months as
select g.account_id, g.reporting_month,
    cast(sum(g.total_arr) as decimal(38, 9)) as total_arr,
    cast(sum(g.base_products_arr) as decimal(38, 9)) as base_products_arr,
    cast(sum(case when p.uuid is not null then g.base_products_arr else 0 end) as decimal(38, 9))
        as base_products_arr_reporting_usage,
    cast(sum(case when p.uuid is not null then g.base_products_arr else 0 end) as double)
        / nullif(sum(g.base_products_arr), 0) as pct_arr_reporting_usage,
    coalesce(bool_or(g.total_arr > 0 and coalesce(g.product_tier_rank >= r.rank, r.rank is null)), false)
        as has_ultimate_arr,
    count(*) as subscription_count,
    count(p.uuid) as subscriptions_reporting_usage,
    any_value(age_months(g.reporting_month, a.customer_since_date)) as account_age_months,
    -- Delivery types of the subscriptions with positive ARR, seed order, unlisted ones after by name.
    coalesce(any_value(t.delivery_types), '') as delivery_types
from subscription_months as g
cross join (select max(required_tier_rank) as rank from measures) as r
left join primary_instances as p on g.subscription_id = p.subscription_id and g.reporting_month = p.reporting_month
left join accounts as a on g.account_id = a.account_id
left join (
    select account_id, reporting_month,
        string_agg(delivery_type, ', ' order by delivery_type_order nulls last, delivery_type) as delivery_types
    from (
        select distinct account_id, reporting_month, delivery_type, delivery_type_order
        from subscription_months where total_arr > 0 and delivery_type is not null
    )
    group by all
) as t on g.account_id = t.account_id and g.reporting_month = t.reporting_month
group by g.account_id, g.reporting_month;

-- Account values (SPEC §5.2): Base-Products-ARR-weighted mean of the primary instances' values.
create table account_measures as
with rolled_up as (
    select g.account_id, g.reporting_month, v.measure,
        sum(g.base_products_arr * v.measure_value) / sum(g.base_products_arr) as measure_value,
        count(*) as subscriptions_contributing, sum(v.measure_denominator) as measure_denominator
    from subscription_months as g
    inner join primary_instances as p on g.subscription_id = p.subscription_id and g.reporting_month = p.reporting_month
    inner join instance_measures as v on p.uuid = v.uuid and p.reporting_month = v.reporting_month
    inner join measures as m on v.measure = m.measure
    where v.measure_value is not null and g.base_products_arr > 0
        and (m.required_tier_rank is null or g.product_tier_rank >= m.required_tier_rank)
    group by all
)
select a.account_id, a.reporting_month, m.measure, m.use_case, a.account_age_months, r.measure_value,
    r.measure_denominator, coalesce(r.subscriptions_contributing, 0) as subscriptions_contributing
from account_months as a
cross join measures as m
left join rolled_up as r on a.account_id = r.account_id and a.reporting_month = r.reporting_month and m.measure = r.measure;

-- Scores, colors and the next color of every measure value, both grains (SPEC §4.2, issue 12).
create table measure_scores as
with measure_values as (
    select 'instance' as entity_type, uuid as entity_id, reporting_month, measure, use_case, account_age_months,
        round(measure_value, {places}) as measure_value, measure_denominator,
        cast(null as integer) as subscriptions_contributing, is_applicable
    from instance_measures
    union all
    select 'account', account_id, reporting_month, measure, use_case, account_age_months,
        round(measure_value, {places}), measure_denominator, subscriptions_contributing, true
    from account_measures
),
scored as (
    select v.*, t.score as measure_score, t.color as measure_color, b.color_rank
    from measure_values as v
    left join measure_thresholds as t
        on v.measure = t.measure and v.is_applicable
        and in_interval(v.measure_value, t.min_value, t.min_inclusive, t.max_value, t.max_inclusive)
        and at_age(t.account_age_min_months, t.account_age_max_months, v.account_age_months)
    left join score_color_bands as b on t.color = b.color
),
-- For each measure, account age and color, the intervals of the next better color (the better color of
-- lowest rank, in the same age bracket): a few rows, which the values then meet by equality.
next_intervals as (
    select measure, account_age_months, from_rank,
        list(struct_pack(color := color, score := score, min_value := min_value, min_inclusive := min_inclusive,
            max_value := max_value, max_inclusive := max_inclusive)) as intervals
    from (
        select k.measure, k.account_age_months, c.color_rank as from_rank, t.*, b.color_rank
        from (select distinct measure, account_age_months from measure_values) as k
        cross join score_color_bands as c
        inner join measure_thresholds as t
            on k.measure = t.measure and at_age(t.account_age_min_months, t.account_age_max_months, k.account_age_months)
        inner join score_color_bands as b on t.color = b.color and c.color_rank < b.color_rank
        qualify b.color_rank = min(b.color_rank) over (partition by k.measure, k.account_age_months, c.color_rank)
    )
    group by all
),
-- The nearest of those intervals, and how to reach it.
approached as (
    select s.* exclude (color_rank), list_sort(list_transform(n.intervals, lambda b: struct_pack(
        gap := approach(measure_value, b.min_value, b.min_inclusive, b.max_value, b.max_inclusive).gap,
        approach := approach(measure_value, b.min_value, b.min_inclusive, b.max_value, b.max_inclusive),
        color := b.color, score := b.score)), 'ASC', 'NULLS LAST')[1] as nearest
    from scored as s
    left join next_intervals as n
        on s.measure = n.measure and s.account_age_months is not distinct from n.account_age_months
        and s.color_rank = n.from_rank
)
select a.* exclude (nearest), l.measure_label, l.numerator_unit, l.numerator_unit_singular, l.display_order as measure_display_order,
    a.nearest.color as next_color, a.nearest.score as next_color_score,
    a.nearest.approach.direction as next_color_direction,
    cast(a.nearest.approach.bound as decimal(18, 6)) as next_color_threshold,
    a.nearest.approach.inclusive as next_color_threshold_inclusive,
    round(a.nearest.gap, {places}) as gap_to_next_color,
    cast(case when a.nearest.approach.inclusive then ceil(round(a.nearest.gap * a.measure_denominator, {places}))
        else floor(round(a.nearest.gap * a.measure_denominator, {places})) + 1 end as bigint)
        as numerator_gap_to_next_color
from approached as a
left join measure_labels as l on a.measure = l.measure;

-- Use-case scores (SPEC §4.3) and overall scores (§4.4) with their colors, both grains.
create table health as
with entity_months as (
    select 'instance' as entity_type, uuid as entity_id, reporting_month from instance_months
    union all
    select 'account', account_id, reporting_month from account_months
),
use_case_scores as (
    select e.*, u.use_case as component, 'use_case' as component_type, u.display_order,
        u.counts_toward_platform_score,
        cast(w.weighted_sum as double) / w.weight_sum as raw_score,
        cast(w.weight_sum as double) as scored_weight, coalesce(w.measures_scored, 0) as inputs_scored
    from entity_months as e
    cross join use_cases as u
    left join (
        select s.entity_type, s.entity_id, s.reporting_month, m.use_case, sum(m.weight * s.measure_score) as weighted_sum,
            sum(m.weight) as weight_sum, count(*) as measures_scored
        from measure_scores as s
        inner join use_case_measures as m on s.measure = m.measure
        where s.measure_score is not null and m.weight > 0
        group by all
    ) as w
        on e.entity_type = w.entity_type and e.entity_id = w.entity_id and e.reporting_month = w.reporting_month
        and u.use_case = w.use_case
),
overall_scores as (
    select e.*, 'overall' as component, 'overall' as component_type, null as display_order,
        false as counts_toward_platform_score, cast(o.overall as double) as raw_score,
        cast(null as double) as scored_weight, coalesce(o.components_scored, 0) as inputs_scored
    from entity_months as e
    left join (
        select c.entity_type, c.entity_id, c.reporting_month, sum(w.weight * c.score) / sum(w.weight) as overall,
            count(*) as components_scored
        from (
            select entity_type, entity_id, reporting_month, 'measure' as component_type, measure as component,
                measure_score as score
            from measure_scores
            union all
            select entity_type, entity_id, reporting_month, component_type, component, raw_score
            from use_case_scores
        ) as c
        inner join overall_score_weights as w on c.component_type = w.component_type and c.component = w.component
        where c.score is not null and w.weight > 0
        group by all
    ) as o using (entity_type, entity_id, reporting_month)
),
scores as (
    select * exclude (raw_score), round(raw_score, {places}) as score from use_case_scores
    union all
    select * exclude (raw_score), round(raw_score, {places}) from overall_scores
)
select s.*, b.color, b.color_rank, coalesce(b.is_adopted, false) as is_adopted,
    o.color is not null as is_overridden, o.reason as override_reason,
    coalesce(ob.color, b.color) as effective_color, coalesce(ob.color_rank, b.color_rank) as effective_color_rank,
    coalesce(ob.is_adopted, b.is_adopted, false) as effective_is_adopted
from scores as s
left join score_color_bands as b
    on in_interval(s.score, b.min_score, b.min_inclusive, b.max_score, b.max_inclusive)
left join score_overrides as o
    on s.entity_type = 'account' and s.entity_id = o.account_id and s.component = o.use_case
    and s.reporting_month >= seed_month(o.from_month)
    and (o.to_month is null or s.reporting_month <= seed_month(o.to_month))
left join score_color_bands as ob on o.color = ob.color;

-- What it takes to reach the next color, per use case (issue 12): the limiting measure is the
-- weighted measure whose move to its own next color adds the most points.
create table use_case_health as
with phrase_book as (
    select map_from_entries(list((phrase_key, phrase))) as p from explanation_phrases
),
successors as (
    select c.color_rank as from_rank, n.color as next_color, n.color_rank as next_color_rank,
        n.min_score, n.min_inclusive, n.max_score, n.max_inclusive
    from score_color_bands as c
    inner join score_color_bands as n on c.color_rank < n.color_rank
    qualify row_number() over (partition by c.color_rank order by n.color_rank) = 1
),
-- Each use case's largest move: the weighted measure whose move to its next color adds the most points
-- (ties: measure_labels.display_order, then the measure's name).
moves as (
    select s.entity_type, s.entity_id, s.reporting_month, m.use_case,
        arg_min(struct_pack(measure := s.measure, value := s.measure_value, color := s.measure_color,
            next_color := s.next_color, direction := s.next_color_direction, threshold := s.next_color_threshold,
            inclusive := s.next_color_threshold_inclusive, gap := s.gap_to_next_color,
            numerator_gap := s.numerator_gap_to_next_color, label := s.measure_label, unit := s.numerator_unit,
            unit_one := s.numerator_unit_singular,
            gain := cast(m.weight as double) * (s.next_color_score - s.measure_score)),
            struct_pack(gain := -cast(m.weight as double) * (s.next_color_score - s.measure_score),
                display_order := coalesce(s.measure_display_order, 2147483647), measure := s.measure)) as move
    from measure_scores as s
    inner join use_case_measures as m on s.measure = m.measure
    where m.weight > 0 and s.next_color is not null
    group by all
),
outcomes as (
    select h.* exclude (scored_weight), n.next_color, n.next_color_rank,
        approach(h.score, n.min_score, n.min_inclusive, n.max_score, n.max_inclusive).direction as score_direction,
        cast(approach(h.score, n.min_score, n.min_inclusive, n.max_score, n.max_inclusive).bound as decimal(9, 4))
            as next_color_score_threshold,
        approach(h.score, n.min_score, n.min_inclusive, n.max_score, n.max_inclusive).inclusive
            as next_color_score_threshold_inclusive,
        v.move.measure as limiting_measure, v.move.value as limiting_measure_value,
        v.move.color as limiting_measure_color, v.move.next_color as limiting_measure_next_color,
        v.move.direction as limiting_measure_direction, v.move.threshold as limiting_measure_threshold,
        v.move.inclusive as limiting_measure_threshold_inclusive, v.move.gap as limiting_measure_gap,
        v.move.numerator_gap as limiting_measure_numerator_gap, v.move.label as limiting_measure_label,
        v.move.unit as limiting_numerator_unit, v.move.unit_one as limiting_numerator_unit_singular,
        round(h.score + v.move.gain / h.scored_weight, {places}) as score_if_limiting_measure_improves
    from health as h
    left join successors as n on h.color_rank = n.from_rank
    left join moves as v
        on n.next_color is not null and h.entity_type = v.entity_type and h.entity_id = v.entity_id
        and h.reporting_month = v.reporting_month and h.component = v.use_case
    where h.component_type = 'use_case'
),
worded as (
    select o.*, b.color as color_if_limiting_measure_improves,
        case when b.color_rank >= o.next_color_rank then pb.p['step_reaches_next_color']
            else pb.p['step_raises_score'] end as template,
        case when o.limiting_measure_numerator_gap is not null and o.limiting_numerator_unit is not null
            then replace(replace(replace(pb.p['numerator_gap'],
                '{{count}}', fmt(o.limiting_measure_numerator_gap)),
                '{{more_or_fewer}}', case when o.limiting_measure_direction = 'lower'
                    then pb.p['change_fewer'] else pb.p['change_more'] end),
                '{{numerator_unit}}', case when o.limiting_measure_numerator_gap = 1
                    then o.limiting_numerator_unit_singular else o.limiting_numerator_unit end)
            else '' end as numerator_gap_phrase,
        pb.p[bound_key(o.limiting_measure_direction, o.limiting_measure_threshold_inclusive)] as measure_bound,
        pb.p[bound_key(o.score_direction, o.next_color_score_threshold_inclusive)] as score_bound
    from outcomes as o
    cross join phrase_book as pb
    left join score_color_bands as b
        on in_interval(o.score_if_limiting_measure_improves, b.min_score, b.min_inclusive, b.max_score, b.max_inclusive)
)
select * exclude (template, numerator_gap_phrase, measure_bound, score_bound),
    case when limiting_measure is not null then trim(
        {next_step}
    ) end as next_step
from worded;

create table account_history as
select c.entity_id as account_id, c.reporting_month, c.component,
    p.score as previous_month_score, p.color as previous_month_color,
    p.effective_color as previous_month_effective_color, p.effective_color_rank as previous_month_effective_color_rank,
    p.effective_is_adopted as previous_month_effective_is_adopted, t.color as color_3_months_ago
from health as c
left join health as p
    on p.entity_type = 'account' and c.entity_id = p.entity_id and c.component = p.component
    and p.reporting_month = c.reporting_month - interval 1 month
left join health as t
    on t.entity_type = 'account' and c.entity_id = t.entity_id and c.component = t.component
    and t.reporting_month = c.reporting_month - interval 3 month
where c.entity_type = 'account';

create table platform as
with use_cases_adopted as (
    select entity_id as account_id, reporting_month, count(effective_color) as scored,
        sum(case when effective_is_adopted then 1 else 0 end) as adopted,
        string_agg(case when effective_is_adopted then component end, ', ' order by display_order) as adopted_list
    from health
    where entity_type = 'account' and component_type = 'use_case' and counts_toward_platform_score
    group by all
),
banded as (
    select a.*, l.measure_value as license_utilization, l.measure_color as license_utilization_color,
        o.score as overall_product_score, o.color as overall_product_color,
        case when u.scored > 0 then u.adopted end as use_cases_adopted,
        case when u.scored > 0 then coalesce(u.adopted_list, '') end as adopted_use_cases,
        b.adoption_band, b.display_order as adoption_band_order, b.is_no_data_band
    from account_months as a
    left join use_cases_adopted as u using (account_id, reporting_month)
    left join health as o
        on o.entity_type = 'account' and o.component_type = 'overall' and a.account_id = o.entity_id
        and a.reporting_month = o.reporting_month
    left join measure_scores as l
        on l.entity_type = 'account' and l.measure = 'license_utilization' and a.account_id = l.entity_id
        and a.reporting_month = l.reporting_month
    inner join adoption_bands as b
        on (case when u.scored > 0 then u.adopted end is null and b.is_no_data_band)
        or (not b.is_no_data_band and u.scored > 0
            and in_interval(u.adopted, b.min_use_cases, b.min_inclusive, b.max_use_cases, b.max_inclusive))
)
select c.*, p.overall_product_score as previous_month_overall_product_score,
    c.overall_product_score - p.overall_product_score as overall_score_change,
    p.overall_product_color as previous_month_overall_product_color,
    p.use_cases_adopted as previous_month_use_cases_adopted,
    c.use_cases_adopted - p.use_cases_adopted as use_cases_adopted_change,
    p.adoption_band as previous_month_adoption_band, p.adoption_band_order as previous_month_adoption_band_order,
    p.is_no_data_band as previous_month_is_no_data_band
from banded as c
left join banded as p on c.account_id = p.account_id and p.reporting_month = c.reporting_month - interval 1 month;

-- CSMs' lack-of-adoption reasons (SPEC §5.1), accepted or not, the latest of each account and use case ranked 1.
create table reasons as
select *, case when updated_at is not null then row_number() over (
    partition by account_id, use_case, updated_at is null order by updated_at desc, reason
) end as recency_rank
from (
    select trim(r.account_id) as account_id, trim(r.use_case) as use_case, trim(r.reason) as reason,
        try_cast(r.updated_at as timestamptz) at time zone 'UTC' as updated_at,
        nullif(trim(r.updated_at), '') as updated_at_text, c.reason is not null as is_accepted_reason
    from read_csv('{raw}/adoption_reasons.csv', header = true, all_varchar = true) as r
    left join adoption_reason_codes as c on trim(r.use_case) = c.use_case and trim(r.reason) = c.reason
);

-- The published marts (SPEC §6), in their contract types.
create schema marts;

create table marts.fct_instance_measures as
select s.entity_id as uuid, s.reporting_month, s.measure, s.use_case,
    cast(u.display_order as integer) as use_case_display_order, i.license_subscription_id as subscription_id,
    i.account_id, s.measure_value, cast(s.measure_score as integer) as measure_score, s.measure_color,
    s.is_applicable, i.is_excluded, i.exclusion_reason, '{build_id}' as build_id
from measure_scores as s
inner join instance_months as i on s.entity_id = i.uuid and s.reporting_month = i.reporting_month
left join use_cases as u on s.use_case = u.use_case
where s.entity_type = 'instance';

-- Data gaps (issue 24): an account value behind which fewer subscriptions stand than in the previous
-- calendar month, or none now where one did then; a churned subscription counts. No previous month: no gap.
create table measure_gaps as
select c.entity_id as account_id, c.reporting_month, c.measure, c.use_case,
    coalesce(c.measure_label, upper(c.measure[1]) || replace(c.measure[2:], '_', ' ')) as label, coalesce(c.measure_display_order, 2147483647) as label_order,
    cast(c.subscriptions_contributing as integer) as subscriptions_contributing,
    cast(p.subscriptions_contributing as integer) as previous_month_subscriptions_contributing,
    coalesce(c.subscriptions_contributing < p.subscriptions_contributing
        or (c.measure_value is null and p.measure_value is not null), false) as is_data_gap
from measure_scores as c
left join measure_scores as p
    on p.entity_type = 'account' and c.entity_id = p.entity_id and c.measure = p.measure
    and p.reporting_month = c.reporting_month - interval 1 month
where c.entity_type = 'account';

-- Per use case (its weighted measures), overall (the use cases it weighs) and adoption_band (the use cases
-- the platform score counts): any gap, and the first gapped measure by use-case then measure order.
create table account_data_gaps as
with phrase_book as (
    select map_from_entries(list((phrase_key, phrase))) as p from explanation_phrases
),
weighted as (
    select g.*, u.display_order as use_case_order, u.counts_toward_platform_score
    from measure_gaps as g
    inner join use_case_measures as m on g.measure = m.measure and g.use_case = m.use_case
    inner join use_cases as u on g.use_case = u.use_case
    where m.weight > 0
),
subjects as (
    select w.*, w.use_case as subject from weighted as w
    union all
    select w.*, 'overall' from weighted as w
    where w.use_case in (
        select component from overall_score_weights where component_type = 'use_case' and weight > 0
    )
    union all
    select w.*, 'adoption_band' from weighted as w where w.counts_toward_platform_score
),
gaps as (
    select account_id, reporting_month, subject, bool_or(is_data_gap) as is_data_gap,
        arg_min(struct_pack(label := label, n := subscriptions_contributing,
            before := previous_month_subscriptions_contributing), (use_case_order, label_order, measure))
            filter (where is_data_gap) as gap
    from subjects
    group by all
)
select g.account_id, g.reporting_month, g.subject, g.is_data_gap,
    replace(replace(replace(pb.p['data_gap_step'], '{{measure_label}}', g.gap.label),
        '{{count}}', cast(g.gap.n as varchar)), '{{previous_count}}', cast(g.gap.before as varchar)) as step,
    replace(replace(replace(pb.p['alert_data_gap'], '{{measure_label}}', g.gap.label),
        '{{count}}', cast(g.gap.n as varchar)), '{{previous_count}}', cast(g.gap.before as varchar)) as clause
from gaps as g
cross join phrase_book as pb;

create table marts.fct_instance_use_case_health as
select h.entity_id as uuid, h.reporting_month, h.component as use_case,
    cast(h.display_order as integer) as use_case_display_order, i.license_subscription_id as subscription_id,
    i.account_id, i.product_tier, i.delivery_type, i.instance_type, i.billable_user_count,
    h.score as use_case_score, h.color as use_case_color, h.is_adopted, cast(h.inputs_scored as integer) as measures_scored,
    p.uuid is not null as is_primary_instance, p.selection_basis as primary_instance_basis,
    o.score as overall_product_score, o.color as overall_product_color, i.is_excluded, i.exclusion_reason,
    {next_step_columns}, '{build_id}' as build_id
from use_case_health as h
inner join instance_months as i on h.entity_id = i.uuid and h.reporting_month = i.reporting_month
left join health as o
    on o.entity_type = 'instance' and o.component_type = 'overall' and h.entity_id = o.entity_id
    and h.reporting_month = o.reporting_month
left join primary_instances as p
    on h.entity_id = p.uuid and h.reporting_month = p.reporting_month and i.license_subscription_id = p.subscription_id
where h.entity_type = 'instance';

create table marts.fct_account_use_case_health as
with latest_reasons as (
    select h.entity_id, h.reporting_month, h.component, r.reason, r.is_accepted_reason
    from use_case_health as h
    inner join reasons as r
        on h.entity_id = r.account_id and h.component = r.use_case
        and r.updated_at < h.reporting_month + interval 1 month
    where h.entity_type = 'account'
    qualify row_number() over (
        partition by h.entity_id, h.reporting_month, h.component order by r.updated_at desc nulls last, r.reason
    ) = 1
)
select h.entity_id as account_id, h.reporting_month, h.reporting_month < date '{first_open_month}' as is_month_complete,
    h.component as use_case, cast(h.display_order as integer) as use_case_display_order, h.score as use_case_score,
    h.color as use_case_color, cast(h.color_rank as integer) as use_case_color_rank, h.effective_color,
    h.is_overridden, h.override_reason, h.effective_is_adopted as is_adopted,
    cast(h.inputs_scored as integer) as measures_scored, coalesce(d.is_data_gap, false) as is_data_gap,
    y.previous_month_color, y.color_3_months_ago,
    y.previous_month_score, h.score - y.previous_month_score as score_change,
    trend(h.score - y.previous_month_score) as trend, {account_next_step_columns},
    r.reason as lack_of_adoption_reason, r.is_accepted_reason as is_lack_of_adoption_reason_accepted,
    cast(m.total_arr as decimal(18, 2)) as total_arr, '{build_id}' as build_id
from use_case_health as h
inner join account_history as y
    on h.entity_id = y.account_id and h.reporting_month = y.reporting_month and h.component = y.component
left join latest_reasons as r
    on h.entity_id = r.entity_id and h.reporting_month = r.reporting_month and h.component = r.component
left join account_months as m on h.entity_id = m.account_id and h.reporting_month = m.reporting_month
left join account_data_gaps as d
    on h.entity_id = d.account_id and h.reporting_month = d.reporting_month and h.component = d.subject
where h.entity_type = 'account';

create table marts.fct_account_measures as
select c.entity_id as account_id, c.reporting_month, c.reporting_month < date '{first_open_month}' as is_month_complete,
    c.measure, c.use_case, cast(u.display_order as integer) as use_case_display_order, c.measure_label,
    cast(c.account_age_months as integer) as account_age_months, c.measure_value,
    cast(c.measure_score as integer) as measure_score, c.measure_color,
    cast(c.subscriptions_contributing as integer) as subscriptions_contributing,
    g.previous_month_subscriptions_contributing, g.is_data_gap,
    p.measure_value as previous_month_value, p.measure_color as previous_month_color, c.next_color,
    c.next_color_direction, c.next_color_threshold, c.next_color_threshold_inclusive, c.gap_to_next_color,
    cast(c.measure_denominator as bigint) as measure_denominator, c.numerator_gap_to_next_color, c.numerator_unit,
    '{build_id}' as build_id
from measure_scores as c
left join measure_scores as p
    on p.entity_type = 'account' and c.entity_id = p.entity_id and c.measure = p.measure
    and p.reporting_month = c.reporting_month - interval 1 month
left join use_cases as u on c.use_case = u.use_case
left join measure_gaps as g
    on c.entity_id = g.account_id and c.reporting_month = g.reporting_month and c.measure = g.measure
where c.entity_type = 'account';

create table marts.fct_account_platform_adoption as
select account_id, reporting_month, reporting_month < date '{first_open_month}' as is_month_complete,
    cast(total_arr as decimal(18, 2)) as total_arr,
    cast(base_products_arr as decimal(18, 2)) as base_products_arr,
    cast(base_products_arr_reporting_usage as decimal(18, 2)) as base_products_arr_reporting_usage,
    pct_arr_reporting_usage, has_ultimate_arr, cast(subscription_count as integer) as subscription_count,
    cast(subscriptions_reporting_usage as integer) as subscriptions_reporting_usage, delivery_types,
    cast(account_age_months as integer) as account_age_months, license_utilization, license_utilization_color,
    overall_product_score, overall_product_color, cast(use_cases_adopted as integer) as use_cases_adopted,
    adopted_use_cases, adoption_band, cast(adoption_band_order as integer) as adoption_band_order,
    previous_month_overall_product_score, overall_score_change, trend(overall_score_change) as overall_trend,
    previous_month_overall_product_color, cast(previous_month_use_cases_adopted as integer)
        as previous_month_use_cases_adopted,
    cast(use_cases_adopted_change as integer) as use_cases_adopted_change,
    trend(use_cases_adopted_change) as platform_score_trend, previous_month_adoption_band, '{build_id}' as build_id
from platform;

create table marts.rpt_arr_by_adoption_band as
with shares as (
    select m.reporting_month, b.adoption_band, b.display_order, b.is_no_data_band, b.min_use_cases,
        count(p.account_id) as account_count, coalesce(sum(p.total_arr), 0) as exact_arr,
        cast(coalesce(sum(p.total_arr), 0) as double) / nullif(any_value(m.month_arr), 0) as pct_of_arr
    from (select reporting_month, sum(total_arr) as month_arr from platform group by all) as m
    cross join adoption_bands as b
    left join platform as p on m.reporting_month = p.reporting_month and b.adoption_band = p.adoption_band
    group by all
),
running as (
    select *, sum(exact_arr) over (
        partition by reporting_month order by display_order, adoption_band rows unbounded preceding
    ) as running_arr
    from shares
)
select reporting_month, reporting_month < date '{first_open_month}' as is_month_complete, adoption_band,
    cast(display_order as integer) as adoption_band_order,
    cast(account_count as integer) as account_count,
    cast(round(running_arr, 2) - round(running_arr - exact_arr, 2) as decimal(18, 2)) as arr, pct_of_arr,
    case when not is_no_data_band then sum(case when is_no_data_band then 0 else pct_of_arr end) over (
        partition by reporting_month order by is_no_data_band, min_use_cases desc rows unbounded preceding
    ) end as cumulative_pct_of_arr_at_or_above,
    '{build_id}' as build_id
from running;

create table marts.dim_accounts as
select a.*, r.first_arr_month, r.latest_arr_month, '{build_id}' as build_id
from accounts as a
left join (
    select account_id, min(reporting_month) as first_arr_month, max(reporting_month) as latest_arr_month
    from account_months group by all
) as r using (account_id);

-- The semantic layer's day time spine: every day of the months with account ARR.
create table marts.dim_dates as
select cast(d.date_day as date) as date_day, '{build_id}' as build_id
from (select min(reporting_month) as first_month, max(reporting_month) as last_month from account_months) as m,
    unnest(generate_series(m.first_month, m.last_month + interval 1 month - interval 1 day, interval 1 day)) as d(date_day);

create table marts.fct_adoption_alerts as
with changes as (
    select c.entity_id as account_id, c.reporting_month, c.component as alert_subject,
        case when c.component_type = 'use_case' then c.component end as use_case,
        cast(c.display_order as integer) as use_case_display_order, y.previous_month_effective_color as previous_color, c.effective_color as current_color,
        cast(null as varchar) as previous_adoption_band, cast(null as varchar) as current_adoption_band,
        case when c.effective_color_rank < y.previous_month_effective_color_rank then 'degraded'
            when c.component_type = 'use_case' and c.effective_is_adopted
                and not y.previous_month_effective_is_adopted then 'newly_adopted'
            when c.component_type = 'overall' and c.effective_color_rank > y.previous_month_effective_color_rank
                then 'improved' end as alert_type,
        c.score as current_score, y.previous_month_score as previous_score
    from health as c
    inner join account_history as y
        on c.entity_id = y.account_id and c.reporting_month = y.reporting_month and c.component = y.component
    where c.entity_type = 'account' and c.effective_color is not null and y.previous_month_effective_color is not null
    union all
    select account_id, reporting_month, 'adoption_band', null, null, null, null, previous_month_adoption_band,
        adoption_band,
        case when adoption_band_order < previous_month_adoption_band_order then 'degraded'
            when adoption_band_order > previous_month_adoption_band_order then 'improved' end,
        cast(use_cases_adopted as double), cast(previous_month_use_cases_adopted as double)
    from platform
    where not is_no_data_band and not previous_month_is_no_data_band
)
select c.account_id, c.reporting_month, c.reporting_month < date '{first_open_month}' as is_month_complete,
    c.* exclude (account_id, reporting_month), coalesce(d.is_data_gap, false) as is_data_gap,
    replace(replace(replace(replace(pb.p['alert_' || c.alert_type],
        '{{subject}}', coalesce(c.use_case, pb.p['alert_subject_' || c.alert_subject])),
        '{{previous}}', coalesce(c.previous_color, c.previous_adoption_band)),
        '{{current}}', coalesce(c.current_color, c.current_adoption_band)),
        '{{data_gap}}', case when d.is_data_gap then d.clause else '' end) as alert_sentence,
    a.csm_name, '{build_id}' as build_id
from changes as c
cross join (select map_from_entries(list((phrase_key, phrase))) as p from explanation_phrases) as pb
left join accounts as a using (account_id)
left join account_data_gaps as d
    on c.account_id = d.account_id and c.reporting_month = d.reporting_month and c.alert_subject = d.subject
where c.alert_type is not null;

create table marts.dq_rejected_pings as
with 
rejected as (
    select l.*, coalesce(l.failed_check, 'duplicate_id') as rejection_reason
    from ping_lines as l
    left join pings as p on l.line_order = p.line_order
    where l.failed_check is not null or p.line_order is null
)
select r.source_file, r.line_order - f.first_line_order + 1 as line_number, r.rejection_reason, r.ping_id, r.uuid,
    r.recorded_at_text, coalesce(r.payload, d.payload) as payload, '{build_id}' as build_id
from rejected as r
inner join file_starts as f using (source_file)
left join (
    select line_order, payload from ping_file_lines()
    where line_order in (select line_order from rejected where failed_check is null)
) as d on r.failed_check is null and r.line_order = d.line_order;

create table marts.dq_metric_path_usage as
with monthly as (
    select reporting_month, count(*) as accepted_pings, {path_counts}
    from pings
    group by all
),
unpivoted as (
    select reporting_month, accepted_pings, unnest([{path_rows}], recursive := true)
    from monthly
)
select reporting_month, metric, priority, payload_path, pings_supplied,
    pings_without_value as metric_pings_without_value, accepted_pings as month_accepted_pings,
    '{build_id}' as build_id
from unpivoted;

create table marts.dq_pings_without_known_subscription as
select p.ping_id, p.uuid, p.hostname, p.recorded_at, p.reporting_month, p.license_subscription_id,
    case when p.license_subscription_id is null then 'missing_subscription_id' else 'unknown_subscription_id' end
        as issue_type,
    '{build_id}' as build_id
from pings as p
left join subscriptions as s on p.license_subscription_id = s.subscription_id
where s.subscription_id is null;

create table marts.dq_excluded_instances as
select uuid, reporting_month, license_subscription_id as subscription_id, account_id, instance_type,
    exclusion_reason, exclusion_from_month, exclusion_to_month, can_represent_subscription as would_be_candidate,
    '{build_id}' as build_id
from instance_months
where is_excluded;

create table marts.dq_ignored_landing_files as
select parse_filename(file) as source_file,
    'ignored: only *.ndjson and *.ndjson.gz files are read as pings' as reason, '{build_id}' as build_id
from glob('{raw}/usage_pings/*')
where not (file like '%.ndjson' or file like '%.ndjson.gz');

create table marts.rpt_adoption_reason_hygiene as
with latest_months as (
    select account_id, max(reporting_month) as reporting_month from account_months group by all
),
-- Account-months and use cases that owe a reason when not adopted: use cases with reason codes, where entitled.
expectations as (
    select g.account_id, g.reporting_month, u.use_case
    from subscription_months as g
    cross join (
        select distinct use_case, required_tier_rank from measures
        where use_case in (select use_case from adoption_reason_codes)
    ) as u
    group by all
    having bool_or(u.required_tier_rank is null or (g.total_arr > 0 and g.product_tier_rank >= u.required_tier_rank))
),
latest_health as (
    select h.account_id, h.reporting_month, h.use_case, h.use_case_color, h.is_adopted
    from marts.fct_account_use_case_health as h
    inner join latest_months using (account_id, reporting_month)
),
issues as (
    select h.account_id, h.reporting_month, h.use_case, h.use_case_color, null as lack_of_adoption_reason,
        'missing_reason' as issue_type
    from latest_health as h
    inner join expectations using (account_id, reporting_month, use_case)
    left join reasons as r on h.account_id = r.account_id and h.use_case = r.use_case and r.recency_rank = 1
    where not h.is_adopted and r.reason is null
    union all
    select r.account_id, m.reporting_month, r.use_case, h.use_case_color, r.reason, 'reason_not_accepted'
    from reasons as r
    left join latest_months as m using (account_id)
    left join latest_health as h on r.account_id = h.account_id and r.use_case = h.use_case
    where r.recency_rank = 1 and not r.is_accepted_reason
    union all
    select distinct r.account_id, m.reporting_month, r.use_case, h.use_case_color, r.reason, 'reason_without_timestamp'
    from reasons as r
    left join latest_months as m using (account_id)
    left join latest_health as h on r.account_id = h.account_id and r.use_case = h.use_case
    where r.updated_at is null
)
select i.account_id, i.reporting_month as account_latest_month, i.use_case,
    cast(u.display_order as integer) as use_case_display_order, i.use_case_color, i.lack_of_adoption_reason,
    i.issue_type, a.csm_name, '{build_id}' as build_id
from issues as i
left join accounts as a using (account_id)
left join use_cases as u using (use_case);

create table marts.dq_unrecognized_values as
with arr as (
    select *, 'arr_month=' || cast(arr_month as varchar) || ' subscription_id=' || subscription_id
        || ' product_category=' || coalesce(product_category, '') || ' product_tier=' || coalesce(product_tier, '')
        as row_key
    from arr_lines
),
labeled as (
    select *, 'uuid=' || uuid || ' labeled_at=' || coalesce(cast(labeled_at as varchar), labeled_at_text, '') as row_key
    from labels
),
control_characters as (
    {control_characters}
),
flagged as (
    select 'subscriptions.csv' as source_file, 'subscription_id=' || subscription_id as row_key,
        'product_tier' as column_name, product_tier as value,
        'kept; entitles no tier-restricted use case (Security is not scored)' as rule_applied
    from subscriptions where not is_product_tier_listed
    union all
    select 'subscriptions.csv', 'subscription_id=' || subscription_id, 'delivery_type', delivery_type,
        'kept; no rule reads it (instances take their delivery type from the ping host name)'
    from subscriptions where not is_delivery_type_listed
    union all
    select 'arr_monthly.csv', row_key, 'product_category', product_category,
        'kept; counts in every ARR total, in no usage weight'
    from arr where not is_product_category_listed
    union all
    select 'arr_monthly.csv', row_key, 'product_tier', product_tier,
        'kept; counts in every ARR total (entitlement follows the subscription tier)'
    from arr where product_tier is not null and not is_product_tier_listed
    union all
    select 'instances.csv', row_key, 'instance_type', instance_type_label, 'kept; the instance counts as unlabeled (Unknown)'
    from labeled where instance_type is null
    union all
    select 'instances.csv', row_key, 'labeled_at', labeled_at_text,
        'kept; not a timestamp: the label ranks below every dated label of the instance'
    from labeled where labeled_at is null and labeled_at_text is not null
    union all
    select 'arr_monthly.csv', row_key, 'arr', cast(arr as varchar),
        'kept; a credit: counts in every ARR total; a subscription whose Base Products ARR is not positive weights no usage'
    from arr where arr < 0
    union all
    select 'adoption_reasons.csv', 'account_id=' || account_id || ' use_case=' || coalesce(use_case, '')
        || ' reason=' || coalesce(reason, '') || ' updated_at=' || coalesce(updated_at_text, ''), 'updated_at',
        coalesce(updated_at_text, ''),
        'kept; not a timestamp: the reason counts in no month (rpt_adoption_reason_hygiene lists it)'
    from reasons where updated_at is null
    union all
    select 'arr_monthly.csv', row_key, 'seats', cast(seats as varchar),
        'kept; not a seat count: no rule reads seats (ARR and usage weights do not use them)'
    from arr where seats < 0
    union all
    select source_file, 'line=' || cast(line_number as varchar), column_name, cell_value,
        'kept as written; holds a control character (U+0000-U+001F or U+007F): fix the export'
    from control_characters
    union all
    select distinct 'accounts.csv', 'account_id=' || a.account_id, 'customer_since_date', cast(a.customer_since_date as varchar),
        'kept; the account has ARR in months before it: account_age_months is empty there, never negative,'
        || ' and license utilization is not scored'
    from accounts as a
    inner join account_months as m on a.account_id = m.account_id
    where m.reporting_month < date_trunc('month', a.customer_since_date)
    union all
    select 'usage_pings/' || p.source_file, 'line=' || cast(p.line_order - f.first_line_order + 1 as varchar) || ' id=' || p.ping_id,
        'license_billable_users', cast(p.reported_billable_users as varchar),
        'kept as sent and scored; above the ping''s active_user_count, which counts every active user'
        || ' (billable users are a subset): one of the two counts is wrong'
    from pings as p
    inner join file_starts as f using (source_file)
    where p.reported_active_users >= 0 and p.reported_billable_users > p.reported_active_users
    union all
    select 'score_overrides.csv', 'account_id=' || o.account_id || ' use_case=' || o.use_case || ' from_month='
        || cast(seed_month(o.from_month) as varchar), 'account_id', o.account_id,
        'kept; no account in accounts.csv has this id: the override applies to nothing'
    from score_overrides as o
    where o.account_id not in (select account_id from accounts where account_id is not null)
    union all
    select 'instance_exclusions.csv', 'uuid=' || x.uuid || ' from_month=' || cast(seed_month(x.from_month) as varchar),
        'uuid', x.uuid, 'kept; no ping of this instance in the period: the exclusion excludes nothing'
    from instance_exclusions as x
    where not exists (
        select 1 from instance_months as i where i.uuid = x.uuid and i.exclusion_from_month = seed_month(x.from_month)
    )
)
select *, '{build_id}' as build_id from flagged;

-- Reference accounts (issue 25): each CSM expectation beside the thresholds' color (before any override)
-- in the latest complete month with ARR, and how far the score lies from the expected color's band.
create table checked_month as
select max(reporting_month) as reporting_month from account_months where reporting_month < date '{first_open_month}';

create table marts.fct_reference_account_checks as
select r.account_id, a.account_name, r.use_case, cast(u.display_order as integer) as use_case_display_order,
    r.expected_color, r.confirmed_by, seed_month(r.confirmed_on) as confirmed_on, r.note, m.reporting_month,
    h.score as use_case_score, h.color as computed_color,
    case when h.color is null then w.p['reference_unscored']
        when h.color = r.expected_color then w.p['reference_agree'] else w.p['reference_disagree'] end as agreement,
    h.color is not null and h.color = r.expected_color as is_agreeing,
    cast(h.color_rank - e.color_rank as integer) as color_rank_difference,
    case when h.color is not null then cast(round(greatest(
        coalesce(cast(e.min_score as double) - h.score, 0), coalesce(h.score - cast(e.max_score as double), 0), 0
    ), {places}) as double) end as score_miss,
    '{build_id}' as build_id
from reference_accounts as r
cross join checked_month as m
cross join (select map_from_entries(list((phrase_key, phrase))) as p from explanation_phrases) as w
left join accounts as a on r.account_id = a.account_id
left join use_cases as u on r.use_case = u.use_case
left join score_color_bands as e on r.expected_color = e.color
left join health as h
    on h.entity_type = 'account' and h.component_type = 'use_case' and h.entity_id = r.account_id
    and h.component = r.use_case and h.reporting_month = m.reporting_month;

create table marts.rpt_reference_account_agreement as
select u.use_case, cast(u.display_order as integer) as use_case_display_order, m.reporting_month,
    cast(count(c.account_id) as integer) as expectations,
    cast(count(c.account_id) filter (where c.computed_color = c.expected_color) as integer) as agreeing,
    cast(count(c.account_id) filter (where c.computed_color <> c.expected_color) as integer) as disagreeing,
    cast(count(c.account_id) filter (where c.computed_color is null) as integer) as unscored,
    count(c.account_id) filter (where c.computed_color = c.expected_color)
        / nullif(cast(count(c.account_id) as double), 0) as share_agreeing,
    '{build_id}' as build_id
from use_cases as u
cross join checked_month as m
left join marts.fct_reference_account_checks as c on u.use_case = c.use_case
group by u.use_case, u.display_order, m.reporting_month;
