"""The what-if preview (docs/preview.md), driven as a user would: build and publish, write a
candidate seed, preview it, then build for real with that seed and check that the preview said
exactly what the real publication shows, and that the preview touched nothing of production."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import (
    PROJECT_ROOT,
    QUIET_DBT,
    Build,
    copy_database,
    copy_project,
    dbt_env,
    generate_landing_zone,
    run_dbt,
    running_dbt,
    serving_path,
)

MEASURE = "ci_builds_per_billable_user"
USE_CASE = "CI"
BUILD = ["build", "--exclude-resource-type", "unit_test"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def preview(candidate: Path, published: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """`python -m adoption.preview`, as a user runs it from the project directory."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "adoption.preview",
            str(candidate),
            "--published",
            str(published),
            "--out",
            str(out),
            *extra,
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, **QUIET_DBT},
        capture_output=True,
        text=True,
    )


def with_thresholds(rows: list[dict], edit) -> str:
    """measure_thresholds.csv text with `edit(row)` applied to every row."""
    lines = [",".join(rows[0].keys())]
    for row in rows:
        edited = edit(dict(row))
        lines.append(",".join(edited[key] for key in rows[0].keys()))
    return "\n".join(lines) + "\n"


def thresholds() -> list[dict]:
    with (PROJECT_ROOT / "seeds" / "measure_thresholds.csv").open(newline="") as file:
        return list(csv.DictReader(file))


def moved_green_bound(bound: str):
    """The CI measure's Yellow/Green boundary moved to `bound` (the intervals still partition the line)."""

    def edit(row: dict) -> dict:
        if row["measure"] == MEASURE and row["color"] == "Yellow":
            row["max_value"] = bound
        if row["measure"] == MEASURE and row["color"] == "Green":
            row["min_value"] = bound
        return row

    return edit


def latest_complete_month(build: Build):
    return build.published(
        "select max(reporting_month) from marts.fct_account_platform_adoption where is_month_complete"
    )[0][0]


WINDOW = "reporting_month <= ? and reporting_month > ? - interval 12 month"


def published_changes(before: Build, after: Build, month) -> set[tuple]:
    """(month, account, what changed, from, to) between two real publications, from their marts."""
    changes = set()
    colors = "select account_id, reporting_month, use_case, use_case_color from marts.fct_account_use_case_health"
    platform = (
        "select account_id, reporting_month, cast(use_cases_adopted as varchar), adoption_band "
        "from marts.fct_account_platform_adoption"
    )
    for sql, whats in ((colors, None), (platform, ("platform score", "adoption band"))):
        rows = {}
        for side, build in (("before", before), ("after", after)):
            for row in build.published(f"{sql} where {WINDOW}", [month, month]):
                if whats is None:
                    rows.setdefault((row[1], row[0], row[2]), {})[side] = row[3]
                else:
                    for what, value in zip(whats, row[2:], strict=True):
                        rows.setdefault((row[1], row[0], what), {})[side] = value
        for (reporting_month, account, what), sides in rows.items():
            if sides.get("before") != sides.get("after"):
                changes.add((reporting_month.isoformat(), account, what, sides.get("before"), sides.get("after")))
    return changes


def csv_rows(path: Path) -> list[dict]:
    with path.open(newline="") as file:
        return list(csv.DictReader(file))


def invalid_seed_lines(output: str) -> list[str]:
    """dbt's message of a failed seed check: its first line and the row lines under it."""
    lines = output.splitlines()
    found = []
    for index, line in enumerate(lines):
        if "Invalid methodology seed" in line:
            found.append(line.strip())
            found += [next_line.strip() for next_line in lines[index + 1 :] if next_line.strip().startswith("- row")]
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A published build, a candidate seed moving the CI Green bound, the preview of it, and a
    real build with that seed (a project copy, a copy of the build database, the same zone)."""
    root = tmp_path_factory.mktemp("preview")
    zone = generate_landing_zone(root / "zone", accounts=60, months=12, seed=25)
    before = Build(zone, root / "before" / "adoption.duckdb")
    before.database.parent.mkdir()
    result = run_dbt(BUILD, zone, before.database)
    assert result.ok, result.output[-3000:]

    # A bound between two accounts' CI values in the latest complete month, inside Yellow.
    month = latest_complete_month(before)
    [yellow] = [row for row in thresholds() if row["measure"] == MEASURE and row["color"] == "Yellow"]
    values = sorted(
        {
            value
            for (value,) in before.published(
                "select measure_value from marts.fct_account_measures where measure = ? and reporting_month = ? "
                "and measure_value > ? and measure_value < ?",
                [MEASURE, month, float(yellow["min_value"]), float(yellow["max_value"])],
            )
        }
    )
    assert len(values) >= 4, values
    middle = len(values) // 2
    bound = Decimal((values[middle - 1] + values[middle]) / 2).quantize(Decimal("0.0001"))
    assert values[middle - 1] < bound < values[middle]
    candidate = root / "candidate"
    candidate.mkdir()
    (candidate / "measure_thresholds.csv").write_text(with_thresholds(thresholds(), moved_green_bound(str(bound))))
    # Reference accounts too: a CSM expects CI Green of the accounts on either side of the bound.
    accounts = before.published(
        "select account_id from marts.fct_account_measures where measure = ? and reporting_month = ? "
        "and measure_value in (?, ?, ?)",
        [MEASURE, month, values[middle - 2], values[middle - 1], values[middle]],
    )
    (candidate / "reference_accounts.csv").write_text(
        "account_id,use_case,expected_color,confirmed_by,confirmed_on,note\n"
        + "".join(f"{account},{USE_CASE},Green,A CSM,2026-01-15,knows them well\n" for (account,) in accounts)
    )

    production = [before.database, serving_path(before.database)]
    digests = [sha256(path) for path in production]
    out = root / "out"
    previewed = preview(candidate, serving_path(before.database), out)
    assert previewed.returncode == 0, previewed.stdout + previewed.stderr
    untouched = [sha256(path) for path in production] == digests

    project = copy_project(root / "project")
    for seed in candidate.iterdir():
        shutil.copy(seed, project / "seeds")
    after = Build(zone, root / "after" / "adoption.duckdb")
    after.database.parent.mkdir()
    copy_database(before.database, after.database)
    result = run_dbt(BUILD, zone, after.database, project_dir=project)
    assert result.ok, result.output[-3000:]
    return {
        "root": root,
        "zone": zone,
        "before": before,
        "after": after,
        "month": month,
        "out": out,
        "previewed": previewed,
        "untouched": untouched,
        "project": project,
    }


def test_preview_lists_exactly_the_ci_colors_a_real_build_changes(world: dict) -> None:
    month = world["month"]
    real = published_changes(world["before"], world["after"], month)
    previewed = {
        (
            row["reporting_month"],
            row["account_id"],
            row["changed"],
            row["before_value"] or None,
            row["after_value"] or None,
        )
        for row in csv_rows(world["out"] / "account_changes.csv")
    }
    real_ci = {change for change in real if change[2] == USE_CASE}
    assert real_ci, "the moved bound changes no account's CI color: the test would prove nothing"
    assert {change for change in previewed if change[2] == USE_CASE} == real_ci
    # Every other change too (platform score, band), in every month of the window.
    assert previewed == real
    # The latest complete month on screen: each account whose CI color changes, with its move.
    screen = world["previewed"].stdout
    for reporting_month, account, _, before, after in real_ci:
        if reporting_month == month.isoformat():
            assert any(account in line and f"{USE_CASE} {before} -> {after}" in line for line in screen.splitlines())


def bands(build: Build, month) -> dict[tuple, tuple]:
    """(month, band) -> (accounts, ARR) of a publication's 12 months, bands holding an account."""
    return {
        (m.isoformat(), band): (count, arr)
        for m, band, count, arr in build.published(
            f"select reporting_month, adoption_band, account_count, arr from marts.rpt_arr_by_adoption_band "
            f"where {WINDOW}",
            [month, month],
        )
        if count
    }


def test_preview_arr_by_band_after_is_the_real_publication(world: dict) -> None:
    month = world["month"]
    real = bands(world["after"], month)
    before = bands(world["before"], month)
    rows = csv_rows(world["out"] / "arr_by_band.csv")
    previewed_after = {
        (r["reporting_month"], r["adoption_band"]): (int(r["accounts_after"]), Decimal(r["arr_after"]))
        for r in rows
        if int(r["accounts_after"])
    }
    previewed_before = {
        (r["reporting_month"], r["adoption_band"]): (int(r["accounts_before"]), Decimal(r["arr_before"]))
        for r in rows
        if int(r["accounts_before"])
    }
    assert previewed_after == real
    assert previewed_before == before
    assert real != before, "the moved bound moves no ARR between bands: the test would prove nothing"


def test_preview_reference_agreement_after_is_the_real_publication(world: dict) -> None:
    real = world["after"].published(
        "select use_case, cast(expectations as varchar), cast(agreeing as varchar), cast(disagreeing as varchar), "
        "cast(unscored as varchar) from marts.rpt_reference_account_agreement"
    )
    rows = csv_rows(world["out"] / "reference_agreement.csv")
    previewed = sorted(
        (r["use_case"], r["expectations"], r["agreeing_after"], r["disagreeing_after"], r["unscored_after"])
        for r in rows
    )
    assert previewed == real
    assert any(row[1] != "0" for row in real), "no reference expectation reached the real publication"
    # Published before with no expectations: nothing agreed before.
    assert all(r["agreeing_before"] in ("", "0") for r in rows)


def test_preview_changes_nothing_of_production(world: dict) -> None:
    assert world["untouched"], "the build database or the published file changed during the preview"
    assert "nothing was published" in world["previewed"].stderr


def test_broken_candidate_gets_the_real_builds_message(world: dict, tmp_path: Path) -> None:
    """A gap between Yellow and Green: the preview prints what a real build with that seed prints."""
    [yellow] = [row for row in thresholds() if row["measure"] == MEASURE and row["color"] == "Yellow"]
    gap = str(Decimal(yellow["max_value"]) + 5)

    def edit(row: dict) -> dict:
        if row["measure"] == MEASURE and row["color"] == "Green":
            row["min_value"] = gap
        return row

    candidate = tmp_path / "candidate"
    candidate.mkdir()
    (candidate / "measure_thresholds.csv").write_text(with_thresholds(thresholds(), edit))
    out = tmp_path / "out"
    previewed = preview(candidate, serving_path(world["before"].database), out)
    assert previewed.returncode != 0
    assert not out.exists()

    project = world["project"]
    shutil.copy(candidate / "measure_thresholds.csv", project / "seeds")
    # The seed and the checks of it, as the real build runs them first (the rest would be skipped),
    # in the real build's project and database (its saved parse; a failed build publishes nothing).
    after = world["after"]
    published = sha256(serving_path(after.database))
    real = run_dbt(["build", "--select", "measure_thresholds"], world["zone"], after.database, project_dir=project)
    assert sha256(serving_path(after.database)) == published
    assert not real.ok
    expected = invalid_seed_lines(real.output)
    assert expected and "measure_thresholds.csv" in expected[0]
    assert invalid_seed_lines(previewed.stdout + previewed.stderr) == expected


def test_a_file_that_is_not_a_seed_is_refused(world: dict, tmp_path: Path) -> None:
    candidate = tmp_path / "candidate"
    candidate.mkdir()
    shutil.copy(PROJECT_ROOT / "seeds" / "measure_thresholds.csv", candidate)
    (candidate / "notes.txt").write_text("why the bound moves\n")
    out = tmp_path / "out"
    previewed = preview(candidate, serving_path(world["before"].database), out)
    assert previewed.returncode == 2
    assert str(candidate / "notes.txt") in previewed.stderr
    assert "nothing was done" in previewed.stderr
    assert not out.exists()


def test_preview_runs_while_a_build_runs(world: dict, tmp_path: Path) -> None:
    """A build on the production database, and a preview of its published set, side by side:
    neither waits for the other, both succeed."""
    before = world["before"]
    candidate = world["root"] / "candidate"
    env = dbt_env(before.raw_path, before.database, PROJECT_ROOT, None)
    with running_dbt(BUILD, env) as build:
        assert build.returncode is None, "the build ended before the preview started: nothing ran side by side"
        previewed = preview(candidate, serving_path(before.database), tmp_path / "out")
    assert previewed.returncode == 0, previewed.stdout + previewed.stderr
    assert build.returncode == 0, "".join(build.output)[-3000:]


def test_a_second_preview_reuses_dbt_saved_parse(world: dict, tmp_path: Path) -> None:
    """The world's preview left dbt's saved parse in the project's kept scratch directory: the next
    preview's parse is partial (dbt's log of it), not a full parse of the scratch project."""
    published = serving_path(world["before"].database)
    previewed = subprocess.run(
        [
            *(sys.executable, "-m", "adoption.preview", str(world["root"] / "candidate")),
            *("--published", str(published), "--out", str(tmp_path / "out")),
        ],
        cwd=PROJECT_ROOT,
        # dbt's file log, at debug level: it tells how dbt parsed.
        env={**os.environ, **QUIET_DBT, "DBT_LOG_LEVEL_FILE": "debug"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert previewed.returncode == 0, previewed.stdout + previewed.stderr
    kept = PROJECT_ROOT / ".preview" / "scratch"
    assert f"with them in {kept} " in previewed.stderr, "another preview held the kept scratch directory"
    log = (kept / "logs" / "dbt.log").read_text()
    assert "Unable to do partial parsing" not in log
    assert "Partial parsing enabled" in log
