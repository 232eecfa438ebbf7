"""dbt-score rule filters of the project (pyproject.toml `[tool.dbt-score]` loads this namespace).

An adapter variant `<adapter>__<name>` has no YAML entry of its own: the entry of its dispatching
macro `<name>` describes it, a rule that structure.py's description check enforces (it needs the
whole manifest to find the dispatching macro, which a dbt-score rule does not see). So dbt-score's
own macro description rule skips the variants.

Not named `dbt_*`: dbt imports every module named `dbt_*` on its path as a plugin, and the Spark
builds run with this directory on it.
"""

from dbt_score import Macro, Model, rule_filter

from python_tests.structure import dispatching_macro


@rule_filter
def is_not_adapter_variant(macro: Macro) -> bool:
    """Macros that are not an adapter variant (`default__x`, `duckdb__x`, `postgres__x`, `spark__x`)."""
    return dispatching_macro(macro.name) is None


# dbt-score's own `is_table` filter knows `table` and `incremental` only.
STORED_MATERIALIZATIONS = {"table", "incremental", "reporting_month_window"}


@rule_filter
def is_stored_table(model: Model) -> bool:
    """Models stored as tables, the project's `reporting_month_window` (docs/performance.md) among them."""
    return model.config.get("materialized") in STORED_MATERIALIZATIONS
