{#-
    PostgreSQL: the marts are built in the schema `marts_build`; publishing
    renames it to `marts` in one transaction (the previous `marts` becomes
    `marts_retired_<time>`), after carrying `publication_log` over with this
    build's row. Renaming a schema waits for no reader: a session still
    reading (or idle in a transaction over) the old tables keeps them, and
    its next statement by name reads the new ones. Every wait of the swap is
    bounded by `lock_timeout` (var `publication_lock_timeout_seconds`); past
    it the transaction fails and rolls back whole, naming who held the lock.
    The retired schema is then dropped, with the same bounded wait; when a
    reader still holds it, it is left (a warning names the session) and
    dropped by a later build. Grants move with the schema and its tables:
    `bi_reader` gets `usage` on `marts_build` in the swap itself (its
    `select` on the tables came with each table's build, macros/grants.sql),
    so it keeps reading through the swap and never sees a build in progress.
    Comments, NOT NULL and primary keys are the tables' own: they move too.
-#}

{#- `session pid n (user, application, state since time)`, for every session locking a relation of `schema_pattern`. -#}
{% macro postgres__lock_holders_sql(schema_pattern) -%}
    select coalesce(string_agg(distinct
        'session pid ' || activity.pid || ' (user ' || coalesce(activity.usename, '?')
        || ', application ''' || coalesce(activity.application_name, '') || ''', '
        || coalesce(activity.state, '?') || ' since ' || coalesce(cast(activity.state_change as text), '?') || ')',
        '; '), 'none')
    from pg_locks as locks
    inner join pg_class as relations on locks.relation = relations.oid
    inner join pg_namespace as namespaces on relations.relnamespace = namespaces.oid
    inner join pg_stat_activity as activity on locks.pid = activity.pid
    where namespaces.nspname like {{ schema_pattern }}
        and locks.pid <> pg_backend_pid()
{%- endmacro %}


{#- PostgreSQL publishes by swapping schemas in one transaction (no default: each engine publishes its own way). -#}
{% macro postgres__publish_relations(marts, record_sql) %}
    {% set build_schema = marts[0].schema %}
    {% set published_schema = var('published_schema') %}
    {% set retired_schema = published_schema ~ '_retired_' ~ modules.datetime.datetime.utcnow().strftime('%Y%m%d%H%M%S') %}
    {% set log = api.Relation.create(database=target.database, schema=build_schema, identifier='publication_log') %}
    {% set previous_log = adapter.get_relation(database=target.database, schema=published_schema, identifier='publication_log') %}
    {% set published_names = marts | map(attribute='alias') | list + ['publication_log'] %}
    {% set previous_columns = adapter.get_columns_in_relation(previous_log) | map(attribute='name') | list if previous_log else [] %}
    {% set built = run_query(
        "select table_name, case when table_type = 'VIEW' then 'view' else 'table' end"
        ~ " from information_schema.tables where table_schema = " ~ sql_text(build_schema)
    ).rows %}
    {% set strays = [] %}
    {% for name, type in built if name not in published_names %}
        {% do strays.append(type ~ ' if exists ' ~ adapter.quote(build_schema) ~ '.' ~ adapter.quote(name)) %}
    {% endfor %}

    {#-
        What the published marts say about themselves (metadata.sql): comments
        and the primary key, on the private tables before they are swapped in
        (NOT NULL came with each table's contract). They travel with the tables.
    -#}
    {% call statement('publication_describe') %}
        {% for node in marts %}
        {% set key = published_primary_key(node) %}
        {% if key %}
        alter table {{ node_relation(node) }} add primary key ({{ key | join(', ') }});
        {% endif %}
        {{ published_comments_sql(node, node_relation(node)) }}
        {% endfor %}
    {% endcall %}
    {% do adapter.commit() %}

    {% call statement('publication_swap') %}
        do $$
        begin
            perform set_config('lock_timeout', '{{ var("publication_lock_timeout_seconds") | int }}s', true);
            if not exists (
                select from publication.build_lock where build_id = {{ sql_text(invocation_id) }}
            ) then
                raise exception 'publication: this build no longer holds the build lock (publication.build_lock); nothing was published';
            end if;
            {#- Models dropped from the project since an earlier build left tables here. -#}
            {% for stray in strays %}
            drop {{ stray }} cascade;
            {% endfor %}
            drop table if exists {{ log }};
            create table {{ log }} {{ publication_log_ddl() }};
            {% if previous_log %}
            {#- A log written by an older version of the project lacks the newer columns. -#}
            insert into {{ log }} ({{ previous_columns | join(', ') }})
            select {{ previous_columns | join(', ') }} from {{ previous_log }};
            {% endif %}
            insert into {{ log }} {{ record_sql }};
            {#- Readers get the schema only now: never a build in progress. -#}
            {% for role, schemas in granted_select_schemas().items() if build_schema in schemas %}
            grant usage on schema {{ adapter.quote(build_schema) }} to {{ adapter.quote(role) }};
            grant select on {{ log }} to {{ adapter.quote(role) }};
            {% endfor %}
            {% if adapter.check_schema_exists(target.database, published_schema) %}
            alter schema {{ adapter.quote(published_schema) }} rename to {{ adapter.quote(retired_schema) }};
            {% endif %}
            alter schema {{ adapter.quote(build_schema) }} rename to {{ adapter.quote(published_schema) }};
        exception when lock_not_available then
            raise exception 'publication: waited {{ var("publication_lock_timeout_seconds") | int }} s for a lock; nothing was published. Holding locks on the marts: %',
                ({{ postgres__lock_holders_sql(sql_text(published_schema ~ '%')) }});
        end
        $$;
    {% endcall %}
    {% do adapter.commit() %}
    {#- The private history the next build's guards read: BI sessions never lock it. -#}
    {% do publication_history() %}
    {% call statement('publication_record') %}
        insert into publication.publication_log {{ record_sql }};
    {% endcall %}
    {% do adapter.commit() %}
    {% do postgres__drop_retired_schemas(published_schema) %}
    {{ return({'published_to': 'schema ' ~ published_schema ~ ' of database ' ~ target.database}) }}
{% endmacro %}


{#- Drop every `<published>_retired_*` schema no reader holds any more; warn about the others. -#}
{% macro postgres__drop_retired_schemas(published_schema) %}
    {% set pattern = sql_text(published_schema ~ '\\_retired\\_%') %}
    {% set retired = run_query('select nspname from pg_namespace where nspname like ' ~ pattern ~ ' order by 1').columns[0].values() %}
    {% for schema in retired %}
        {% call statement('publication_retire') %}
            do $$
            begin
                perform set_config('lock_timeout', '{{ var("publication_lock_timeout_seconds") | int }}s', true);
                drop schema if exists {{ adapter.quote(schema) }} cascade;
            exception when lock_not_available then
                null;
            end
            $$;
        {% endcall %}
        {% do adapter.commit() %}
        {% if adapter.check_schema_exists(target.database, schema) %}
            {% set holders = run_query(postgres__lock_holders_sql(sql_text(schema))).rows[0][0] %}
            {{ print(
                'Warning: the previously published marts (schema ' ~ schema ~ ') are still read by ' ~ holders
                ~ '; they stay until a later build can drop them.'
            ) }}
        {% endif %}
    {% endfor %}
{% endmacro %}
