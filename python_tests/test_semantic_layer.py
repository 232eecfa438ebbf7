"""The semantic layer (models/marts/accounts/_accounts__semantic.yml, docs/metrics.md): `mf`
over the published file through the read-only `serving` target, as a BI user runs it.

One `dbt parse` (DBT_TARGET=serving) in a copy of the project writes the semantic manifest
where `mf` reads it (`<project>/target/semantic_manifest.json`; mf ignores DBT_TARGET_PATH);
then `mf validate-configs`, and `mf query` per group of metrics and per saved query, each
compared with the same figures computed in SQL directly on the published marts. The `mf`
commands run once, together (`answers`: one process, semantic_layer.mf_batch); each test reads
its command's exit code, output and CSV. The build database path points into a directory that
does not exist: the serving target never opens it.
"""

from __future__ import annotations

import math
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import QUIET_DBT, WITH_ARTIFACTS, Build, copy_project, query, serving_path
from dbt_environment import dbt_environment
from semantic_layer import SemanticLayer, assert_same, cell, from_sql, read_query_csv

PLATFORM_SUCCESS_BAND = "3+"  # docs/methodology.md: what the business calls successful platform adoption


@pytest.fixture(scope="module")
def semantic(generated_build: Build, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    root = tmp_path_factory.mktemp("semantic")
    project = copy_project(root / "project")
    env = dbt_environment(
        "serving",
        project,
        project / "target",
        root / "logs",
        extra={
            **QUIET_DBT,
            **WITH_ARTIFACTS,
            "ADOPTION_SERVING_PATH": str(serving_path(generated_build.database)),
            # Never opened: the serving target reads the published file only.
            "DBT_DUCKDB_PATH": str(root / "no_such_directory" / "adoption.duckdb"),
        },
    )
    layer = SemanticLayer(project, env)
    layer.parse()
    return layer


@pytest.fixture(scope="module")
def published(generated_build: Build) -> Path:
    """The published file the serving target attaches."""
    return serving_path(generated_build.database)


@dataclass
class Answers:
    """What each `mf` command of the module answered: {name: exit code and output}, CSVs in `csv_dir`."""

    results: dict[str, subprocess.CompletedProcess]
    csv_dir: Path

    def query(self, name: str, metrics: list[str], groups: list[str] | None = None) -> dict[tuple, tuple]:
        """The rows of `mf query` `name` (semantic_layer.read_query_csv), once it succeeded."""
        result = self.results[name]
        assert result.returncode == 0, result.stdout[-3000:]
        return read_query_csv(self.csv_dir / f"{name}.csv", metrics, groups)


@pytest.fixture(scope="module")
def answers(semantic: SemanticLayer, tmp_path_factory: pytest.TempPathFactory) -> Answers:
    """Every `mf` command of the tests of this module, run once together (semantic_layer.mf_batch):
    `validate-configs`, a query per case of CASES, the quarter's ARR, and each saved query."""
    csv_dir = tmp_path_factory.mktemp("mf_answers")
    commands = {"validate-configs": ["validate-configs"]}
    for case, (metrics, group_by, _) in CASES.items():
        commands[case] = ["query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by)]
    commands["quarter_arr"] = ["query", "--metrics", "arr", "--group-by", "metric_time__quarter"]
    for name in SAVED_QUERIES:
        commands[f"saved_{name}"] = ["query", "--saved-query", name]
    for name, args in commands.items():
        if args[0] == "query":
            args += ["--csv", str(csv_dir / f"{name}.csv")]
    return Answers(semantic.mf_batch(commands, csv_dir / "logs"), csv_dir)


def test_the_serving_target_names_the_published_marts(semantic: SemanticLayer) -> None:
    relations = {model["name"]: model["node_relation"] for model in semantic.manifest["semantic_models"]}
    assert relations, "no semantic model"
    for relation in relations.values():
        assert (relation["database"], relation["schema_name"]) == ("published", "marts"), relation
    assert not (semantic.project / "target" / "no_such_directory").exists()


def test_validate_configs(answers: Answers) -> None:
    result = answers.results["validate-configs"]
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "ERRORS: 0" in output and "✖" not in output, output[-3000:]


# The quarter of a month, and the last month of each quarter that has data: ARR is a balance,
# so a quarter's ARR is its last month's, never the sum of its months.
QUARTER_END = """
    quarter_end as (
        select date_trunc('quarter', reporting_month) as quarter, max(reporting_month) as reporting_month
        from marts.{mart}
        group by 1
    )"""

USE_CASES = """
    with
    {quarter_end},
    use_cases as (
        select health.*, accounts.total_arr as account_arr
        from marts.fct_account_use_case_health as health
        inner join marts.fct_account_platform_adoption as accounts using (account_id, reporting_month)
    )
    select
        {period},
        use_case,
        count(*),
        sum(case when is_adopted then 1 else 0 end),
        sum(case when is_adopted then 1 else 0 end) / count(*),
        sum(account_arr),
        sum(case when is_adopted then account_arr else 0 end),
        sum(case when is_adopted then account_arr else 0 end) / nullif(sum(account_arr), 0),
        sum(case when is_overridden then 1 else 0 end)
    from use_cases
    inner join quarter_end using (reporting_month)
    group by 1, 2
"""
USE_CASE_METRICS = [
    "use_case_accounts",
    "use_case_adopted_accounts",
    "use_case_adoption_rate",
    "use_case_arr",
    "use_case_adopted_arr",
    "use_case_arr_adoption_rate",
    "overrides_in_force",
]

# (metrics, group-by, SQL on the published marts giving the group columns then the metrics).
CASES = {
    "arr_and_accounts_by_month_and_band": (
        ["arr", "accounts", "pct_of_arr"],
        ["metric_time__month", "adoption_band"],
        """
        select band.reporting_month, band.adoption_band, accounts.arr, accounts.accounts, band.pct_of_arr
        from marts.rpt_arr_by_adoption_band as band
        left join (
            select reporting_month, adoption_band, sum(total_arr) as arr, count(*) as accounts
            from marts.fct_account_platform_adoption
            group by 1, 2
        ) as accounts using (reporting_month, adoption_band)
        """,
    ),
    "accounts_by_quarter_and_segment": (
        ["arr", "accounts", "base_products_arr", "base_products_arr_reporting_usage", "pct_arr_reporting_usage"],
        ["metric_time__quarter", "account__sales_segment"],
        f"""
        with {QUARTER_END.format(mart="fct_account_platform_adoption")}
        select
            quarter_end.quarter,
            dim.sales_segment,
            sum(fact.total_arr),
            count(*),
            sum(fact.base_products_arr),
            sum(fact.base_products_arr_reporting_usage),
            sum(fact.base_products_arr_reporting_usage) / nullif(sum(fact.base_products_arr), 0)
        from marts.fct_account_platform_adoption as fact
        inner join quarter_end using (reporting_month)
        left join marts.dim_accounts as dim using (account_id)
        group by 1, 2
        """,
    ),
    # The CSM report's landscape: accounts and ARR by sales segment and delivery type.
    "accounts_by_month_segment_and_delivery_types": (
        ["arr", "accounts"],
        ["metric_time__month", "account__sales_segment", "account_month__delivery_types"],
        """
        select fact.reporting_month, dim.sales_segment, fact.delivery_types, sum(fact.total_arr), count(*)
        from marts.fct_account_platform_adoption as fact
        left join marts.dim_accounts as dim using (account_id)
        group by 1, 2, 3
        """,
    ),
    "use_cases_by_month": (
        USE_CASE_METRICS,
        ["metric_time__month", "use_case"],
        USE_CASES.format(
            quarter_end=QUARTER_END.format(mart="fct_account_use_case_health"),
            period="reporting_month",
        ).replace("inner join quarter_end using (reporting_month)", ""),
    ),
    "use_cases_by_quarter": (
        USE_CASE_METRICS,
        ["metric_time__quarter", "use_case"],
        USE_CASES.format(quarter_end=QUARTER_END.format(mart="fct_account_use_case_health"), period="quarter"),
    ),
    "alerts_by_month_subject_and_type": (
        ["alerts"],
        ["metric_time__month", "adoption_alert__alert_subject", "adoption_alert__alert_type"],
        "select reporting_month, alert_subject, alert_type, count(*) from marts.fct_adoption_alerts group by 1, 2, 3",
    ),
    # Alerts are events: a quarter's are the sum of its months'.
    "alerts_by_quarter_and_csm": (
        ["alerts"],
        ["metric_time__quarter", "account__csm_name"],
        """
        select date_trunc('quarter', alerts.reporting_month), dim.csm_name, count(*)
        from marts.fct_adoption_alerts as alerts
        left join marts.dim_accounts as dim using (account_id)
        group by 1, 2
        """,
    ),
    "account_measures_by_month_and_color": (
        ["account_measures"],
        ["metric_time__month", "account_measure_month__measure_color"],
        "select reporting_month, measure_color, count(*) from marts.fct_account_measures group by 1, 2",
    ),
}


def test_every_metric_is_compared(semantic: SemanticLayer) -> None:
    compared = {metric for metrics, _, _ in CASES.values() for metric in metrics}
    compared |= {metric for saved in semantic.manifest["saved_queries"] for metric in saved["query_params"]["metrics"]}
    assert compared == {metric["name"] for metric in semantic.manifest["metrics"]}


@pytest.mark.parametrize("case", sorted(CASES))
def test_metric_equals_sql_on_the_published_marts(answers: Answers, published: Path, case: str) -> None:
    metrics, group_by, sql = CASES[case]
    actual = answers.query(case, metrics, groups=group_by)
    expected = from_sql(query(published, sql), len(group_by))
    assert_same(actual, expected)
    assert len({key[0] for key in expected}) >= 2, "fewer than two periods: the comparison proves little"


def test_quarter_arr_is_the_last_months_not_the_sum(answers: Answers, published: Path) -> None:
    """The balance rule, against the data: a quarter with several months of ARR."""
    actual = answers.query("quarter_arr", ["arr"])
    rows = query(
        published,
        """
        select date_trunc('quarter', reporting_month), reporting_month, sum(total_arr)
        from marts.fct_account_platform_adoption
        group by 1, 2
        """,
    )
    by_quarter: dict[str, dict[str, float]] = {}
    for quarter, month, arr in rows:
        by_quarter.setdefault(cell(quarter), {})[cell(month)] = float(arr)
    full = [quarter for quarter, months in by_quarter.items() if len(months) >= 2]
    assert full, "no quarter with two months of data"
    for quarter in full:
        months = by_quarter[quarter]
        (arr,) = actual[(quarter,)]
        assert math.isclose(arr, months[max(months)], rel_tol=1e-9)
        assert not math.isclose(arr, sum(months.values()), rel_tol=1e-6)


def test_the_platform_success_band_is_in_the_data(published: Path) -> None:
    """Without accounts at 3+ the filtered metrics would be compared on empty groups."""
    (count,) = query(
        published,
        "select count(*) from marts.fct_account_platform_adoption where adoption_band = ?",
        [PLATFORM_SUCCESS_BAND],
    )[0]
    assert count > 0


# Each saved query's figures, in SQL on the published marts (group columns, then the metrics).
SAVED_QUERIES = {
    "monthly_kpi": (
        1,
        f"""
        select
            reporting_month,
            sum(total_arr),
            count(*),
            sum(case when adoption_band = '{PLATFORM_SUCCESS_BAND}' then total_arr end),
            sum(case when adoption_band = '{PLATFORM_SUCCESS_BAND}' then 1 end),
            sum(case when adoption_band = '{PLATFORM_SUCCESS_BAND}' then total_arr end) / sum(total_arr),
            sum(base_products_arr_reporting_usage) / nullif(sum(base_products_arr), 0)
        from marts.fct_account_platform_adoption
        where is_month_complete
        group by 1
        """,
    ),
    "monthly_arr_by_band": (
        2,
        """
        select reporting_month, adoption_band, pct_of_arr, arr, account_count
        from marts.rpt_arr_by_adoption_band
        where is_month_complete
        """,
    ),
    "csm_portfolio": (
        3,
        f"""
        select
            fact.reporting_month,
            fact.is_month_complete,
            dim.csm_name,
            count(*),
            sum(fact.total_arr),
            sum(case when fact.adoption_band = '{PLATFORM_SUCCESS_BAND}' then 1 end),
            sum(case when fact.adoption_band = '{PLATFORM_SUCCESS_BAND}' then fact.total_arr end),
            sum(case when fact.adoption_band = '{PLATFORM_SUCCESS_BAND}' then fact.total_arr end) / sum(fact.total_arr)
        from marts.fct_account_platform_adoption as fact
        left join marts.dim_accounts as dim using (account_id)
        group by 1, 2, 3
        """,
    ),
}


def test_every_saved_query_is_compared(semantic: SemanticLayer) -> None:
    assert set(SAVED_QUERIES) == {saved["name"] for saved in semantic.manifest["saved_queries"]}


@pytest.mark.parametrize("name", sorted(SAVED_QUERIES))
def test_saved_query_equals_sql_on_the_published_marts(
    semantic: SemanticLayer, answers: Answers, published: Path, name: str
) -> None:
    groups, sql = SAVED_QUERIES[name]
    (saved,) = [saved for saved in semantic.manifest["saved_queries"] if saved["name"] == name]
    actual = answers.query(f"saved_{name}", saved["query_params"]["metrics"])
    assert_same(actual, from_sql(query(published, sql), groups))


def test_the_metrics_script_reads_the_published_set_whatever_a_build_left_in_target(
    generated_build: Build, published: Path, tmp_path: Path
) -> None:
    """scripts/metrics.sh, as a BI user runs it beside the scheduled job: a build's parse names
    the build locations in `target/semantic_manifest.json` (where plain `mf` reads), and the
    script still answers from the published file, without touching the build's saved parse."""
    project = copy_project(tmp_path / "project", runs_scripts=True)
    env = dbt_environment(
        "duckdb",
        project,
        project / "target",
        tmp_path / "logs",
        extra={
            **QUIET_DBT,
            **WITH_ARTIFACTS,
            "DBT_DUCKDB_PATH": str(tmp_path / "adoption.duckdb"),
            "ADOPTION_SERVING_PATH": str(published),
        },
    )

    def target_files() -> dict[str, bytes]:
        return {path.name: path.read_bytes() for path in (project / "target").glob("*.*") if path.is_file()}

    manifest = SemanticLayer(project, env).parse()
    build_target = target_files()
    assert b'"marts_build"' in build_target["semantic_manifest.json"]

    out = tmp_path / "kpi.csv"
    asked = subprocess.run(
        [str(project / "scripts" / "metrics.sh"), "query", "--saved-query", "monthly_kpi", "--csv", str(out)],
        cwd=project,
        env={name: value for name, value in env.items() if name != "DBT_TARGET"},
        capture_output=True,
        text=True,
    )
    assert asked.returncode == 0, asked.stdout[-3000:] + asked.stderr[-3000:]
    groups, sql = SAVED_QUERIES["monthly_kpi"]
    (saved,) = [saved for saved in manifest["saved_queries"] if saved["name"] == "monthly_kpi"]
    assert_same(read_query_csv(out, saved["query_params"]["metrics"]), from_sql(query(published, sql), groups))
    assert target_files() == build_target
