{#- What each publication published of fct_account_use_case_health (macros/publication/history.sql; config in _history__snapshots.yml). -#}
{% snapshot history_account_use_case_colors %}
{{ published_history_source('fct_account_use_case_health') }}
{% endsnapshot %}
