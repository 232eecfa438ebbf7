{#-
    Every non-empty value of `column_name` must exist in `to`.`field`,
    spelled exactly as there: one canonical spelling per value in the
    methodology (landing values are matched case-insensitively; seeds are
    reviewed edits). A value that differs from a listed one only in case or
    surrounding blanks (`ci` for `CI`) is named with the spelling it means.
-#}
{% test references_seed(model, column_name, to, field, row_label, where_clause='1 = 1') %}
{% set check_sql %}
select
    {{ row_label }} as row_label,
    'unknown {{ column_name }} ''' || {{ column_name }} || ''' (not a {{ field }} of {{ to.identifier }}'
    || coalesce(
        '; did you mean ''' || seed_reference_spellings.seed_reference_spelling
        || '''? seed values are matched exactly, case included',
        ''
    ) || ')' as problem
from {{ model }}
left join (
    select
        {{ open_set_key(field) }} as seed_reference_folded,
        min({{ field }}) as seed_reference_spelling
    from {{ to }}
    where {{ field }} is not null
    group by {{ open_set_key(field) }}
) as seed_reference_spellings
    on {{ open_set_key(column_name) }} = seed_reference_spellings.seed_reference_folded
where
    {{ column_name }} is not null
    and {{ where_clause }}
    and {{ column_name }} not in (
        select {{ field }} from {{ to }} where {{ field }} is not null
    )
{% endset %}
{{ raise_seed_problems(check_sql, model.identifier, 'references_seed') }}
{% endtest %}
