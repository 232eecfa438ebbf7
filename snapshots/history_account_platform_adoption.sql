{#- What each publication published of fct_account_platform_adoption (macros/publication/history.sql; config in _history__snapshots.yml). -#}
{% snapshot history_account_platform_adoption %}
{{ published_history_source('fct_account_platform_adoption') }}
{% endsnapshot %}
