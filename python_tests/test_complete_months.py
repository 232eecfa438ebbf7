"""Complete months (SPEC §1, docs/bi.md): a month still in progress is published, labelled
`is_month_complete = false`, and headline figures use the latest complete month.

A month is complete when the build's data cut-off (its start minus `month_complete_grace_days`)
is past the month's end. The test builds the same data again with the grace period set so that the
cut-off falls inside the latest month, two weeks after the end of the month before it, and reads
the published file as a BI tool would: the latest month open, every earlier one complete.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import HISTORY_MARTS, PROJECT_ROOT, Build, copy_database, run_dbt, serving_path

SUMMARY = PROJECT_ROOT / "scripts" / "summary.py"


def build_with_cutoff(generated_build: Build, tmp_path: Path, cutoff: dt.datetime) -> Path:
    """A copy of the shared build, built again with the grace period that puts its cut-off at
    `cutoff` (give or take the seconds between now and the build's start). Returns the database."""
    database = copy_database(generated_build.database, tmp_path / "adoption.duckdb")
    grace_days = (dt.datetime.now(dt.UTC).replace(tzinfo=None) - cutoff).total_seconds() / 86400
    result = run_dbt(
        ["build", "--exclude-resource-type", "unit_test", "--vars", f"{{month_complete_grace_days: {grace_days}}}"],
        generated_build.raw_path,
        database,
    )
    assert result.ok, result.output[-4000:]
    return database


def labelled_months(database: Path) -> dict[str, set[tuple[dt.date, bool]]]:
    """For each published mart with `is_month_complete`: its (reporting_month, flag) pairs. The
    history marts are left out: theirs says what an earlier publication said (test_history.py)."""
    with duckdb.connect(str(serving_path(database)), read_only=True) as con:
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.columns where table_schema = 'marts' "
                "and column_name = 'is_month_complete' order by 1"
            ).fetchall()
        ]
        return {
            mart: set(con.execute(f"select distinct reporting_month, is_month_complete from marts.{mart}").fetchall())
            for mart in marts
            if mart not in HISTORY_MARTS
        }


def summary(database: Path) -> str:
    shown = subprocess.run(
        [sys.executable, str(SUMMARY), str(serving_path(database))], capture_output=True, text=True, check=True
    )
    return shown.stdout


@pytest.fixture(scope="module")
def latest_month(generated_build: Build) -> dt.date:
    return generated_build.scalar("select max(reporting_month) from marts_build.rpt_arr_by_adoption_band")


def test_a_cutoff_inside_the_latest_month_leaves_it_open_and_completes_the_one_before(
    generated_build: Build, latest_month: dt.date, tmp_path: Path
) -> None:
    cutoff = dt.datetime.combine(latest_month, dt.time()) + dt.timedelta(days=14, hours=6)
    database = build_with_cutoff(generated_build, tmp_path, cutoff)

    labelled = labelled_months(database)
    # The account and band marts say it, every one the same way.
    for mart in ("fct_account_platform_adoption", "fct_account_use_case_health", "rpt_arr_by_adoption_band"):
        assert mart in labelled
    for mart, months in labelled.items():
        assert months, f"{mart} is empty"
        assert {complete for month, complete in months if month == latest_month} == {False}, mart
        assert all(complete for month, complete in months if month < latest_month), mart

    # The open month stays published; the headline is the month before it, and says so.
    previous = max(month for months in labelled.values() for month, _ in months if month < latest_month)
    shown = summary(database)
    assert f"ARR by platform adoption band, {previous:%B %Y} (the latest complete month)" in shown
    assert f"Alerts for CSMs, {previous:%B %Y} (the latest complete month)" in shown
    assert f"not complete (is_month_complete = false): {latest_month:%B %Y}" in shown
