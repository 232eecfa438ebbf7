{#-
    instance_types has the row of unlabeled instances (var
    unlabeled_instance_type, `Unknown`): int_instance_monthly_pings gives that
    name to every instance no CSM labeled, and reads its primary_preference
    from this row. Without it, unlabeled instances would silently never be
    primary.
-#}
{% set check_sql %}
select
    'all rows' as row_label,
    'no row {{ var("unlabeled_instance_type") }}: unlabeled instances take their primary_preference from it' as problem
from (select 1 as one) as seed_check
where not exists (
    select 1 from {{ ref('instance_types') }}
    where instance_type = '{{ var("unlabeled_instance_type") }}'
)
{% endset %}
{{ raise_seed_problems(check_sql, 'instance_types', 'has_the_unlabeled_type') }}
