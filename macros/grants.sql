{#-
    BI access (docs/engines.md). The marts' `+grants` (dbt_project.yml) name
    the role BI tools use; on PostgreSQL that role may read the marts and
    nothing else:
    * on-run-start creates each granted role when missing (NOLOGIN: a group
      role that login roles are made members of), so the grants can name it;
    * every mart grants it `select` as the table is built in `marts_build`;
    * the publish step grants it `usage` on `marts_build` in the transaction
      that renames it to `marts` (macros/publication/postgres.sql), so it
      can read the published set and never a build in progress, and the
      grants travel with the schema: readers never lose access.
    DuckDB has no roles and OSS Spark rejects GRANT: the hooks do nothing there
    and the marts' grants are empty.
-#}

{#- {role: [schema, ...]} of the models this project grants `select` on. -#}
{% macro granted_select_schemas() %}
    {% set schemas_by_role = {} %}
    {% if execute %}
        {% for node in graph.nodes.values() if node.resource_type == 'model' %}
            {% set grantees = (node.config.grants or {}).get('select', []) %}
            {% for role in ([grantees] if grantees is string else grantees) %}
                {% if node.schema not in schemas_by_role.setdefault(role, []) %}
                    {% do schemas_by_role[role].append(node.schema) %}
                {% endif %}
            {% endfor %}
        {% endfor %}
    {% endif %}
    {{ return(schemas_by_role) }}
{% endmacro %}


{% macro create_bi_reader_roles() -%}
    {{ return(adapter.dispatch('create_bi_reader_roles', 'adoption_scoring')()) }}
{%- endmacro %}

{% macro default__create_bi_reader_roles() -%}
{%- endmacro %}

{#- PostgreSQL grants the marts to roles, which must exist first; the default engine (DuckDB files) has no roles. -#}
{% macro postgres__create_bi_reader_roles() -%}
    {%- for role in granted_select_schemas() %}
do $$
begin
    if not exists (select from pg_catalog.pg_roles where rolname = '{{ role }}') then
        create role {{ adapter.quote(role) }} nologin;
    end if;
exception when duplicate_object then
    null;  -- created meanwhile by a concurrent run
end
$$;
    {%- endfor %}
{%- endmacro %}
