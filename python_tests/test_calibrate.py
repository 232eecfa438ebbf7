"""Calibration (docs/calibration.md), run as a user runs it: `scripts/calibrate.sh` on a published set.

The published set is a build of a project copy whose seeds/reference_accounts.csv holds a few
expectations written here from the landing zone's accounts (the shipped file is empty). Every CSV
figure is checked against a computation written here, in Python, over rows read from the published
marts (statistics.quantiles(method='inclusive') interpolates linearly, as quantile_cont does), and
the window against the published months. The command runs while this process holds the build
database open for writing and the published file open for reading.
"""

from __future__ import annotations

import csv
import math
import shutil
import statistics
import subprocess
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from conftest import BIN, Build, copy_database, copy_project, run_dbt, serving_path

MONTHS = 3
MEASURE = "ci_builds_per_billable_user"
QUANTILES = {
    "p10": 10,
    "p20": 20,
    "p25": 25,
    "p30": 30,
    "p40": 40,
    "p50_median": 50,
    "p60": 60,
    "p70": 70,
    "p75": 75,
    "p80": 80,
    "p90": 90,
}


def run_calibrate(project: Path, *args: str) -> subprocess.CompletedProcess:
    """`scripts/calibrate.sh` as a user runs it, from the project directory."""
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(project)}
    return subprocess.run(
        [str(project / "scripts" / "calibrate.sh"), *args], cwd=project, env=env, capture_output=True, text=True
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def rows(published: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def same(written: str, value) -> bool:
    """A CSV cell equals a value computed here (numbers to 1e-9, NULL as the empty cell)."""
    if value is None:
        return written == ""
    if isinstance(value, str):
        return written == value
    return math.isclose(float(written), float(value), rel_tol=1e-9, abs_tol=1e-9)


def assert_row(written: dict[str, str], wanted: dict, where: str) -> None:
    problems = [
        f"{key}: {written[key]!r} != {value!r}" for key, value in wanted.items() if not same(written[key], value)
    ]
    assert not problems, f"{where}: {problems}"


def distribution(values: list[float | None]) -> dict:
    """What measure_distribution must write for these values (None: missing)."""
    present = sorted(value for value in values if value is not None)
    stats: dict = {
        "account_months": len(values),
        "valued_account_months": len(present),
        "pct_missing": (len(values) - len(present)) / len(values),
        "min_value": present[0] if present else None,
        "max_value": present[-1] if present else None,
    }
    if len(present) >= 2:
        cuts = statistics.quantiles(present, n=100, method="inclusive")
        stats.update({name: cuts[percent - 1] for name, percent in QUANTILES.items()})
    else:
        stats.update(dict.fromkeys(QUANTILES, present[0] if present else None))
    return stats


@pytest.fixture(scope="module")
def calibration(generated_build: Build, tmp_path_factory: pytest.TempPathFactory):
    """A published set with reference expectations, and one run of the command on it."""
    root = tmp_path_factory.mktemp("calibrate")
    project = copy_project(root / "project", runs_scripts=True)
    with (generated_build.raw_path / "accounts.csv").open(newline="") as handle:
        accounts = [row["account_id"] for row in csv.DictReader(handle)]
    with (project / "seeds" / "use_cases.csv").open(newline="") as handle:
        use_cases = [row["use_case"] for row in csv.DictReader(handle)]
    with (project / "seeds" / "score_color_bands.csv").open(newline="") as handle:
        colors = {row["color"]: int(row["color_rank"]) for row in csv.DictReader(handle)}
    # 12 expectations: every use case and color, six accounts with two use cases each.
    reference = [
        (accounts[index // 2 * 7 % len(accounts)], use_cases[index % len(use_cases)], list(colors)[index % len(colors)])
        for index in range(12)
    ]
    with (project / "seeds" / "reference_accounts.csv").open("a", newline="") as handle:
        csv.writer(handle).writerows(
            (account, use_case, color, "A CSM", "2025-06-30", "") for account, use_case, color in reference
        )
    # The generated build's database: its parsed pings carry over (an incremental build).
    database = copy_database(generated_build.database, root / "adoption.duckdb")
    result = run_dbt(["build", "--exclude-resource-type", "unit_test"], generated_build.raw_path, database, project)
    assert result.ok, result.output[-5000:]
    published = serving_path(database)
    out = root / "calibration"
    # A build holding the build database (for writing), a reader holding the published file.
    with duckdb.connect(str(database)), duckdb.connect(str(published), read_only=True):
        run = run_calibrate(
            project, "--published", str(published), "--months", str(MONTHS), "--out", str(out), "--measure", MEASURE
        )
    assert run.returncode == 0, run.stderr[-3000:]
    return project, published, out, run.stdout, reference, colors


@pytest.fixture(scope="module")
def window(calibration) -> list:
    """The latest MONTHS complete months of the published set, computed here."""
    _, published, *_ = calibration
    complete = [
        month
        for (month,) in rows(
            published,
            "select distinct reporting_month from marts.fct_account_platform_adoption "
            "where is_month_complete order by 1",
        )
    ]
    assert len(complete) > MONTHS, "the zone must have complete months before the window"
    return complete[-MONTHS:]


def window_rows(published: Path, window: list, sql: str) -> list[tuple]:
    return rows(published, sql.replace("WINDOW", ", ".join(f"date '{month}'" for month in window)))


def test_the_window_is_the_latest_complete_months(calibration, window) -> None:
    _, published, out, *_ = calibration
    written = read_csv(out / "calibration_window.csv")
    assert [row["reporting_month"] for row in written] == [month.isoformat() for month in window]
    for row in written:
        [(count, arr)] = rows(
            published,
            "select count(*), sum(total_arr) from marts.fct_account_platform_adoption where reporting_month = ?",
            [row["reporting_month"]],
        )
        assert_row(row, {"account_months": count, "total_arr": arr}, row["reporting_month"])


def test_measure_distributions_overall_by_segment_and_delivery_type(calibration, window) -> None:
    _, published, out, *_ = calibration
    values = window_rows(
        published,
        window,
        "select m.measure, a.sales_segment, p.delivery_types, m.measure_value "
        "from marts.fct_account_measures as m join marts.fct_account_platform_adoption as p "
        "using (account_id, reporting_month) left join marts.dim_accounts as a using (account_id) "
        "where m.reporting_month in (WINDOW)",
    )
    groups: dict[tuple, list] = defaultdict(list)
    for measure, segment, delivery_types, value in values:
        groups[("overall", None, measure)].append(value)
        groups[("sales_segment", segment, measure)].append(value)
        groups[("delivery_types", delivery_types, measure)].append(value)
    written = read_csv(out / "measure_distributions.csv")
    keyed = {(row["breakdown"], row["breakdown_value"] or None, row["measure"]): row for row in written}
    assert len(keyed) == len(written) and set(keyed) == set(groups)
    for key, group in groups.items():
        assert_row(keyed[key], distribution(group), str(key))


def test_color_shares_of_account_months_and_arr(calibration, window) -> None:
    _, published, out, _, _, colors = calibration
    colored = window_rows(
        published,
        window,
        "select 'measure', m.measure, m.measure_color, p.total_arr from marts.fct_account_measures as m "
        "join marts.fct_account_platform_adoption as p using (account_id, reporting_month) "
        "where m.reporting_month in (WINDOW) union all "
        "select 'use_case', h.use_case, h.use_case_color, p.total_arr from marts.fct_account_use_case_health as h "
        "join marts.fct_account_platform_adoption as p using (account_id, reporting_month) "
        "where h.reporting_month in (WINDOW)",
    )
    counts: dict[tuple, list] = defaultdict(lambda: [0, 0])
    totals: dict[tuple, list] = defaultdict(lambda: [0, 0])
    for kind, subject, color, arr in colored:
        for key, tally in (((kind, subject, color), counts), ((kind, subject), totals)):
            tally[key][0] += 1
            tally[key][1] += arr
    written = read_csv(out / "color_shares.csv")
    keyed = {(row["subject_kind"], row["subject"], row["color"] or None): row for row in written}
    # Every color of the seed and the uncolored row, for every measure and use case.
    assert len(keyed) == len(written) and set(keyed) == {
        (*subject, color) for subject in totals for color in [*colors, None]
    }
    for (kind, subject, color), row in keyed.items():
        count, arr = counts.get((kind, subject, color), (0, 0))
        total_count, total_arr = totals[(kind, subject)]
        wanted = {"color_rank": colors.get(color), "account_months": count, "pct_account_months": count / total_count}
        wanted["account_month_arr"] = arr
        wanted["pct_arr"] = arr / total_arr
        assert_row(row, wanted, f"{kind} {subject} {color}")


def test_reference_accounts_distributions_and_agreement(calibration, window) -> None:
    _, published, out, _, reference, colors = calibration
    values = window_rows(
        published,
        window,
        "select account_id, use_case, measure, measure_value from marts.fct_account_measures "
        "where reporting_month in (WINDOW) and use_case is not null",
    )
    groups: dict[tuple, list] = defaultdict(list)
    accounts: dict[tuple, set] = defaultdict(set)
    for account, use_case, color in reference:
        for value_account, value_use_case, measure, value in values:
            if (value_account, value_use_case) == (account, use_case):
                groups[(use_case, color, measure)].append(value)
                accounts[(use_case, color, measure)].add(account)
    written = read_csv(out / "reference_measure_distributions.csv")
    keyed = {(row["use_case"], row["expected_color"], row["measure"]): row for row in written}
    assert groups and len(keyed) == len(written) and set(keyed) == set(groups)
    for key, group in groups.items():
        wanted = {"expected_color_rank": colors[key[1]], "reference_accounts": len(accounts[key])}
        assert_row(keyed[key], {**wanted, **distribution(group)}, str(key))

    [(latest,)] = rows(
        published, "select max(reporting_month) from marts.fct_account_platform_adoption where is_month_complete"
    )
    computed = dict(
        ((account, use_case), color)
        for account, use_case, color in rows(
            published,
            "select account_id, use_case, use_case_color from marts.fct_account_use_case_health "
            "where reporting_month = ?",
            [latest],
        )
    )
    tally: dict[str, list] = defaultdict(lambda: [0, 0, 0, 0])
    for account, use_case, color in reference:
        found = computed.get((account, use_case))
        tally[use_case][0] += 1
        tally[use_case][1 if found == color else 3 if found is None else 2] += 1
    written = read_csv(out / "reference_agreement.csv")
    assert {row["use_case"] for row in written} >= set(tally)
    for row in written:
        expectations, agreeing, disagreeing, unscored = tally.get(row["use_case"], [0, 0, 0, 0])
        wanted = {
            "reporting_month": latest.isoformat(),
            "expectations": expectations,
            "agreeing": agreeing,
            "disagreeing": disagreeing,
            "unscored": unscored,
            "share_agreeing": agreeing / expectations if expectations else None,
        }
        assert_row(row, wanted, row["use_case"])


def test_the_table_shows_the_measure_asked_for(calibration) -> None:
    _, _, out, stdout, _, _ = calibration
    measures = {row["measure"] for row in read_csv(out / "measure_distributions.csv")}
    assert MEASURE in measures and len(measures) > 1
    shown = {word for word in stdout.split() if word in measures}
    assert shown == {MEASURE}, shown


def test_errors_are_one_line_with_exit_code_2(calibration, tmp_path: Path) -> None:
    project, published, out, *_ = calibration
    missing = run_calibrate(project, "--published", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "out"))
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1, missing.stderr
    assert "none.duckdb" in missing.stderr

    # An older published set: no reference marts.
    older = tmp_path / "older.duckdb"
    shutil.copy(published, older)
    with duckdb.connect(str(older)) as con:
        con.execute("drop table marts.rpt_reference_account_agreement")
    before = sorted(path.name for path in out.iterdir())
    result = run_calibrate(project, "--published", str(older), "--out", str(out))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "rpt_reference_account_agreement" in result.stderr
    # Nothing written: the previous calibration is still there.
    assert sorted(path.name for path in out.iterdir()) == before
