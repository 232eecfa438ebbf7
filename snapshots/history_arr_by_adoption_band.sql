{#- What each publication published of rpt_arr_by_adoption_band (macros/publication/history.sql; config in _history__snapshots.yml). -#}
{% snapshot history_arr_by_adoption_band %}
{{ published_history_source('rpt_arr_by_adoption_band') }}
{% endsnapshot %}
