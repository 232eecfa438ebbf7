{#-
    Publication guards (docs/publishing.md#publication-guards). A build that
    passed every test can still be worse than the set BI tools read now: an
    upstream export that wrote only its header, a landing zone half copied.
    Before publishing, this build's figures are compared with those of the
    previous publication (its `publication_log` row); each guard that trips
    names itself in one line and nothing is published, unless the var
    `accept_publication_changes` names it (then the build publishes and its
    log row records what was accepted). A first publication is not guarded.

    The guards, in `publication_guard_names()`:
    * empty_mart: a mart that had rows has none;
    * account_months_with_arr, accepted_pings, scored_accounts: for a month
      both sets hold, the count fell by more than the share
      `publication_guard_max_drop` (var);
    * latest_month: the previous set's latest reporting month is gone.
-#}

{#- The guards, in the order they are checked and reported. -#}
{% macro publication_guard_names() %}
    {{ return(['empty_mart', 'account_months_with_arr', 'accepted_pings', 'scored_accounts', 'latest_month']) }}
{% endmacro %}


{#- The month figures each guard of a falling count compares: name -> what it counts. -#}
{% macro publication_month_figures() %}
    {{ return({
        'account_months_with_arr': 'account-months with ARR',
        'accepted_pings': 'accepted pings',
        'scored_accounts': 'accounts with an overall score',
    }) }}
{% endmacro %}


{#-
    This build's figures: `mart_rows` (mart -> rows) and `months` (reporting
    month `YYYY-MM-DD` -> {figure: count}) for the figures of
    publication_month_figures(), read from the built marts and the accepted
    pings.
-#}
{% macro publication_figures(marts) %}
    {% set text = dbt.type_string() %}
    {% set counts_sql %}
        {% for node in marts %}
        select '{{ node.name }}' as mart, count(*) as row_count from {{ node_relation(node) }}
        {% if not loop.last %}union all{% endif %}
        {% endfor %}
    {% endset %}
    {% set mart_rows = {} %}
    {% for row in run_query(counts_sql).rows %}
        {% do mart_rows.update({row[0]: row[1] | int}) %}
    {% endfor %}
    {% set accounts = model_relation('fct_account_platform_adoption') %}
    {% set months_sql %}
        select cast(reporting_month as {{ text }}) as month, 'account_months_with_arr' as figure, count(*) as value
        from {{ accounts }}
        group by reporting_month
        union all
        select cast(reporting_month as {{ text }}), 'scored_accounts', count(*)
        from {{ accounts }}
        where overall_product_score is not null
        group by reporting_month
        union all
        select cast(reporting_month as {{ text }}), 'accepted_pings', count(*)
        from {{ model_relation('stg_landing__usage_pings') }}
        group by reporting_month
    {% endset %}
    {% set months = {} %}
    {% for row in run_query(months_sql).rows if row[0] is not none %}
        {% do months.setdefault(row[0], {}).update({row[1]: row[2] | int}) %}
    {% endfor %}
    {{ return({'mart_rows': mart_rows, 'months': months}) }}
{% endmacro %}


{#-
    The previous publication's `publication_log` row, as a dict of its
    columns (none before the first publication): the newest row of the
    private history `publication.publication_log` (publication_history), else,
    where there is none (Spark; a PostgreSQL database published by a version
    without it), of the published schema's log.
-#}
{% macro previous_publication() %}
    {{ return(adapter.dispatch('previous_publication', 'adoption_scoring')()) }}
{% endmacro %}

{% macro default__previous_publication() %}
    {% set history = adapter.get_relation(database=target.database, schema='publication', identifier='publication_log') %}
    {{ return(latest_log_row(history) if history else published_log_row()) }}
{% endmacro %}

{#- Spark keeps no private history: the published log. -#}
{% macro spark__previous_publication() %}
    {{ return(published_log_row()) }}
{% endmacro %}


{#- The newest row of the published schema's `publication_log` (none when there is none). -#}
{% macro published_log_row() %}
    {% set log = adapter.get_relation(database=target.database, schema=var('published_schema'), identifier='publication_log') %}
    {{ return(latest_log_row(log) if log else none) }}
{% endmacro %}


{#- The newest row of the `publication_log` relation `log`, as a dict (none when it has none). -#}
{% macro latest_log_row(log) %}
    {% set result = run_query('select * from ' ~ log ~ ' order by published_at desc limit 1') %}
    {% if not result.rows %}
        {{ return(none) }}
    {% endif %}
    {% set row = {} %}
    {% for name in result.column_names %}
        {% do row.update({name | lower: result.rows[0][name]}) %}
    {% endfor %}
    {{ return(row) }}
{% endmacro %}


{#- `12,345`: a count in a message. -#}
{% macro guard_count(value) -%}
    {{ return('{:,}'.format(value | int)) }}
{%- endmacro %}


{#-
    The guards this build trips against `previous` (the publication_log row of
    the published set), as {guard: sentence}: an empty dict when none trips.
-#}
{% macro tripped_publication_guards(figures, previous) %}
    {% set tripped = {} %}
    {% set emptied = [] %}
    {% for mart, rows in fromjson(previous.mart_row_counts or '{}') | dictsort
        if rows > 0 and figures.mart_rows.get(mart, 0) == 0 %}
        {% do emptied.append(mart ~ ' had ' ~ guard_count(rows) ~ ' rows') %}
    {% endfor %}
    {% if emptied %}
        {% do tripped.update({'empty_mart': emptied | join(', ') ~ '; this build has none'}) %}
    {% endif %}
    {#- A log written before the guards has no month figures: only empty_mart applies. -#}
    {% set previous_months = fromjson(previous.get('monthly_figures') or '{}') %}
    {% set max_drop = var('publication_guard_max_drop') | float %}
    {% for figure, what in publication_month_figures().items() %}
        {% set falls = [] %}
        {% for month, counts in previous_months | dictsort if month in figures.months %}
            {% set before = counts.get(figure, 0) %}
            {% set after = figures.months[month].get(figure, 0) %}
            {% if before > 0 and after < before * (1 - max_drop) %}
                {% do falls.append(
                    month[:7] ~ ' from ' ~ guard_count(before) ~ ' to ' ~ guard_count(after)
                    ~ ' (-' ~ '%.0f' | format(100 * (before - after) / before) ~ '%)'
                ) %}
            {% endif %}
        {% endfor %}
        {% if falls %}
            {% do tripped.update({figure: what ~ ' fell by more than ' ~ '%.0f' | format(100 * max_drop)
                ~ '% in ' ~ falls | length ~ ' month(s): ' ~ falls[:3] | join(', ')
                ~ (' and ' ~ (falls | length - 3) ~ ' more' if falls | length > 3 else '')}) %}
        {% endif %}
    {% endfor %}
    {% set months_before, months_now = arr_months(previous_months), arr_months(figures.months) %}
    {% set latest_before = months_before | max if months_before else none %}
    {% set latest_now = months_now | max if months_now else none %}
    {% if latest_before and latest_before not in months_now %}
        {% do tripped.update({'latest_month': "the published set's latest month, " ~ latest_before[:7]
            ~ ', is not in this build (' ~ ('its latest: ' ~ latest_now[:7] if latest_now else 'it has no month') ~ ')'}) %}
    {% endif %}
    {{ return(tripped) }}
{% endmacro %}


{#- The months of `months` (month -> figures) that have account-months with ARR. -#}
{% macro arr_months(months) %}
    {% set found = [] %}
    {% for month, counts in months.items() if counts.get('account_months_with_arr', 0) > 0 %}
        {% do found.append(month) %}
    {% endfor %}
    {{ return(found) }}
{% endmacro %}


{#-
    The guards named in the var `accept_publication_changes` (a list, or one
    name; `all` for every guard, as for a deliberate reload of another data
    set); an unknown name is an error.
-#}
{% macro accepted_publication_guards() %}
    {% set accepted = var('accept_publication_changes', []) %}
    {% set accepted = [accepted] if accepted is string else (accepted or []) | list %}
    {% if 'all' in accepted %}
        {{ return(publication_guard_names()) }}
    {% endif %}
    {% set unknown = accepted | reject('in', publication_guard_names()) | list %}
    {% if unknown %}
        {{ exceptions.raise_compiler_error(
            'accept_publication_changes names no guard ' ~ unknown | join(', ') ~ '; the guards are '
            ~ publication_guard_names() | join(', ') ~ ' (or all). Nothing published. The published set is unchanged.'
        ) }}
    {% endif %}
    {{ return(accepted) }}
{% endmacro %}
