{#-
    Integer ranges (e.g. account-age brackets) of one group must not overlap.
    Empty bounds are unbounded; a row with both bounds empty applies to every
    value, so it may not share its group with a bracketed row.
-#}
{% test ranges_disjoint(model, partition_by, min_column, max_column, row_label) %}
{% set check_sql %}
with

ranges as (

    select distinct
        {{ partition_by | join(', ') }},
        {{ min_column }} as range_min,
        {{ max_column }} as range_max,
        {{ row_label }} as row_label
    from {{ model }}

)

select
    later.row_label,
    'range ' || coalesce(cast(later.range_min as {{ dbt.type_string() }}), '-inf') || '..'
    || coalesce(cast(later.range_max as {{ dbt.type_string() }}), 'inf') || ' overlaps range '
    || coalesce(cast(earlier.range_min as {{ dbt.type_string() }}), '-inf') || '..'
    || coalesce(cast(earlier.range_max as {{ dbt.type_string() }}), 'inf') || ' of row ' || earlier.row_label
        as problem
from ranges as earlier
inner join ranges as later
    on {% for column in partition_by %}earlier.{{ column }} = later.{{ column }} and {% endfor %}
    (
        coalesce(earlier.range_min, -1) < coalesce(later.range_min, -1)
        or (
            coalesce(earlier.range_min, -1) = coalesce(later.range_min, -1)
            and coalesce(earlier.range_max, 2147483647) < coalesce(later.range_max, 2147483647)
        )
    )
    and coalesce(later.range_min, -1) <= coalesce(earlier.range_max, 2147483647)
    and coalesce(earlier.range_min, -1) <= coalesce(later.range_max, 2147483647)
{% endset %}
{{ raise_seed_problems(check_sql, model.identifier, 'ranges_disjoint') }}
{% endtest %}
