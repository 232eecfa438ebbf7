"""The scenario landing zone (python_tests/scenarios/landing_zone/) and what its tests share:
its constants and the queries they read the build with. The tests are in three files, one
topic each: test_scenarios.py (the hand-validated accounts), test_scenario_docs_example.py
(GitLab's documented example payload) and test_scenario_explanations.py (why a color, what it
takes); the build they read is conftest's `scenario_build`, made once per run.

Default seeds used throughout (SPEC §4.2-§4.4):
  scores Red 25, Yellow 63, Green 88; colors Red <= 50 < Yellow <= 75 < Green.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import SCENARIO_ZONE, Build

LANDING_ZONE = SCENARIO_ZONE
PROJECT = Path(__file__).resolve().parent.parent
# The example payload of GitLab's Service Ping documentation, and its landing-zone lines.
DOCS_EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "service_ping_docs_example.json"
DOCS_EXAMPLE_PINGS = LANDING_ZONE / "usage_pings" / "2025-06-service-ping-docs-example.ndjson"

JAN, FEB, MAR, APR, MAY, JUN = (date(2025, m, 1) for m in range(1, 7))
RED, YELLOW, GREEN = 25.0, 63.0, 88.0
USE_CASES = ("SCM", "CI", "CD", "Security")
# Accounts with ARR in 2025-06 (every scenario account; SCN19 has no account).
JUNE_ACCOUNTS = {f"SCN{n:02d}" for n in range(1, 25)} - {"SCN19"}


def approx(value: float):
    return pytest.approx(value, abs=1e-9)


def records(build: Build, sql: str, params: list | None = None) -> list[dict]:
    with duckdb.connect(str(build.database), read_only=True) as con:
        cursor = con.execute(sql, params or [])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def account(build: Build, account_id: str, month: date = JUN) -> dict:
    rows = records(
        build,
        "select * from marts_build.fct_account_platform_adoption where account_id = ? and reporting_month = ?",
        [account_id, month],
    )
    assert len(rows) == 1, rows
    return rows[0]


def month_rows(build: Build, mart: str, entity: tuple[str, str], month: date, key: str, count: int) -> dict[str, dict]:
    """The `count` rows of one entity-month of a mart (`entity`: column, value), by `key`."""
    column, value = entity
    sql = f"select * from marts_build.{mart} where {column} = ? and reporting_month = ?"
    rows = records(build, sql, [value, month])
    by_key = {row[key]: row for row in rows}
    assert len(by_key) == len(rows) == count, rows
    return by_key


def account_use_cases(build: Build, account_id: str, month: date = JUN) -> dict[str, dict]:
    by_use_case = month_rows(build, "fct_account_use_case_health", ("account_id", account_id), month, "use_case", 4)
    assert set(by_use_case) == set(USE_CASES), by_use_case
    return by_use_case


def account_colors(build: Build, account_id: str, month: date = JUN) -> dict[str, str | None]:
    return {uc: row["use_case_color"] for uc, row in account_use_cases(build, account_id, month).items()}


def account_measures(build: Build, account_id: str, month: date = JUN) -> dict[str, dict]:
    return month_rows(build, "fct_account_measures", ("account_id", account_id), month, "measure", 11)


def instance_use_cases(build: Build, uuid: str, month: date = JUN) -> dict[str, dict]:
    by_use_case = month_rows(build, "fct_instance_use_case_health", ("uuid", uuid), month, "use_case", 4)
    assert set(by_use_case) == set(USE_CASES), by_use_case
    return by_use_case


def instance_measures(build: Build, uuid: str, month: date = JUN) -> dict[str, dict]:
    return month_rows(build, "fct_instance_measures", ("uuid", uuid), month, "measure", 11)


def alerts(build: Build, account_id: str, subject: str = "use_case") -> set[tuple]:
    """Use-case alerts of an account, or those of `overall` or `adoption_band`."""
    condition = "use_case is not null" if subject == "use_case" else "alert_subject = ?"
    rows = build.query(
        "select reporting_month, coalesce(use_case, alert_subject), coalesce(previous_color, previous_adoption_band), "
        f"coalesce(current_color, current_adoption_band), alert_type from marts_build.fct_adoption_alerts "
        f"where account_id = ? and {condition}",
        [account_id] if subject == "use_case" else [account_id, subject],
    )
    return set(rows)


def assert_measure(measures: dict[str, dict], measure: str, value: float | None, score: float | None) -> None:
    row = measures[measure]
    if value is None:
        assert row["measure_value"] is None, (measure, row)
    else:
        assert row["measure_value"] == approx(value), (measure, row)
    assert row["measure_score"] == score, (measure, row)
    color = {RED: "Red", YELLOW: "Yellow", GREEN: "Green", None: None}[score]
    assert row["measure_color"] == color, (measure, row)


def assert_use_case(row: dict, score: float | None, color: str | None) -> None:
    if score is None:
        assert row["use_case_score"] is None, row
    else:
        assert row["use_case_score"] == approx(score), row
    assert row["use_case_color"] == color, row
