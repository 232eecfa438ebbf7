{#-
    `template` with each `{name}` replaced by the text of its expression
    (`pairs`: (name, SQL expression)); a missing value reads as empty.
-#}
{% macro fill_template(template, pairs) -%}
    {%- set ns = namespace(sql=template) -%}
    {%- for name, expression in pairs -%}
        {%- set ns.sql = 'replace(' ~ ns.sql ~ ", '{" ~ name ~ "}', coalesce(" ~ expression ~ ", ''))" -%}
    {%- endfor -%}
    {{ ns.sql }}
{%- endmacro %}
