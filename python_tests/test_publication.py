"""Publishing on DuckDB (SPEC §8, docs/publishing.md): `dbt build` publishes every mart
together into the file ADOPTION_SERVING_PATH, or nothing.

A landing zone is built and published once (`published`); the same zone with one more
month (`newer`) is then built over copies of that state, while the tests kill the build,
break a test, hold the published file open or start a second job. After each, the
published file must be byte for byte the previous one, or the whole set of the new
data (what a clean build of it publishes), never a mix. The copies are made in one
workplace (conftest.Workplace), where the clean build of `newer` ran: dbt reuses its
saved parse there.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import (
    BUILD_SCHEMA,
    HISTORY_MARTS,
    MART_SCHEMA,
    PROJECT_ROOT,
    Workplace,
    copy_database,
    copy_project,
    dbt_env,
    env_with_saved_parse,
    generate_landing_zone,
    mart_snapshot,
    published_digest,
    query,
    run_dbt,
    run_until_killed,
    running_dbt,
    serving_path,
)

ACCOUNTS, MONTHS, SEED, START = 15, 3, 3, "2025-01"
BUILD = ["build", "--exclude-resource-type", "unit_test"]


@dataclass(frozen=True)
class Zones:
    older: Path  # landing zone of the published build
    newer: Path  # the same zone one month later
    published: Path  # build database whose published file holds `older`
    newer_marts: dict  # mart_snapshot of a clean build of `newer`
    work: Workplace  # where the clean build of `newer` ran, and the tests build

    def copy_of_published(self) -> Path:
        """A copy of the published state (build database and published file), in the workplace."""
        return self.work.restore(database=self.published)[1]


@pytest.fixture(scope="module")
def zones(tmp_path_factory: pytest.TempPathFactory, workplace: Workplace) -> Zones:
    root = tmp_path_factory.mktemp("publication")
    older = generate_landing_zone(root / "older", ACCOUNTS, MONTHS, SEED, start_month=START)
    newer = generate_landing_zone(root / "newer", ACCOUNTS, MONTHS + 1, SEED, start_month=START)
    work = workplace
    _, database = work.restore()
    result = run_dbt(BUILD, older, database)
    assert result.ok, result.output[-5000:]
    published = copy_database(database, root / "published.duckdb")
    _, clean = work.restore()
    result = run_dbt(BUILD, newer, clean)
    assert result.ok, result.output[-5000:]
    newer_marts = mart_snapshot(clean)
    assert newer_marts != mart_snapshot(published), "the newer zone must change the marts"
    return Zones(older, newer, published, newer_marts, work)


def published_tables(database: Path) -> list[str]:
    with duckdb.connect(str(serving_path(database)), read_only=True) as con:
        return [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = ? order by 1", [MART_SCHEMA]
            ).fetchall()
        ]


def published_build_ids(database: Path) -> tuple[set[str], list[str]]:
    """(the build ids found in the published marts' rows, the publication_log's build ids in order)."""
    with duckdb.connect(str(serving_path(database)), read_only=True) as con:
        marts = [name for name in published_tables(database) if name != "publication_log"]
        ids = set()
        for name in marts:
            ids |= {row[0] for row in con.execute(f"select distinct build_id from {MART_SCHEMA}.{name}").fetchall()}
        log = con.execute(f"select build_id from {MART_SCHEMA}.publication_log order by published_at").fetchall()
        return ids, [build for (build,) in log]


def assert_one_whole_set(database: Path) -> None:
    """Every published mart comes from the build of the newest publication_log row."""
    ids, log = published_build_ids(database)
    assert len(log) == len(set(log)) >= 1
    assert ids == {log[-1]}, f"published marts come from builds {ids}, the log's latest is {log[-1]}"


def assert_old_or_new(database: Path, old_digest: str, zones: Zones) -> str:
    """The published file is the previous one, byte for byte, or the whole set of the newer data."""
    if published_digest(database) == old_digest:
        return "old"
    assert_one_whole_set(database)
    assert mart_snapshot(database) == zones.newer_marts
    return "new"


# Where the scheduled job is killed, in build order: (marker in dbt's output, seconds after it).
KILL_POINTS = [
    ("START sql incremental model staging.stg_landing__usage_pings_parsed", 0.2),
    ("START sql reporting_month_window model intermediate.int_measure_scores", 0.0),
    ("START sql reporting_month_window model marts_build.fct_account_use_case_health", 0.1),
    # The publish step: before, while and after it writes the new file and renames it.
    ("START hook: adoption_scoring.on-run-end.1", 0.0),
    ("START hook: adoption_scoring.on-run-end.1", 0.15),
]


def test_published_file_holds_every_mart_of_one_build_and_its_record(zones: Zones) -> None:
    database = zones.published
    marts = sorted(path.stem for path in (PROJECT_ROOT / "models" / "marts").rglob("*.sql"))
    assert published_tables(database) == sorted([*marts, "publication_log"])
    assert_one_whole_set(database)
    # The published marts are the build's marts, row for row.
    for mart in marts:
        built = sorted(query(database, f"select * from {BUILD_SCHEMA}.{mart}"), key=repr)
        with duckdb.connect(str(serving_path(database)), read_only=True) as con:
            assert sorted(con.execute(f"select * from {MART_SCHEMA}.{mart}").fetchall(), key=repr) == built, mart

    with duckdb.connect(str(serving_path(database)), read_only=True) as con:
        con.execute(f"select * from {MART_SCHEMA}.publication_log")
        columns = [column[0] for column in con.description]
        (row,) = [dict(zip(columns, values, strict=True)) for values in con.fetchall()]
    assert row["engine"] == "duckdb"
    assert row["build_started_at"] <= row["published_at"]
    # dbt's checksum of a seed: sha256 of the file's text, stripped (as in manifest.json).
    seeds = {
        path.stem: hashlib.sha256(path.read_text().strip().encode()).hexdigest()
        for path in (PROJECT_ROOT / "seeds").glob("*.csv")
    }
    assert json.loads(row["seed_checksums"]) == seeds
    assert json.loads(row["mart_row_counts"]) == {
        mart: query(database, f"select count(*) from {BUILD_SCHEMA}.{mart}")[0][0] for mart in marts
    }
    accepted = query(database, "select count(*) from staging.stg_landing__usage_pings")[0][0]
    rejected = query(database, "select count(*) from staging.stg_landing__usage_pings_rejected")[0][0]
    lines = sum(len(path.read_text().splitlines()) for path in (zones.older / "usage_pings").glob("*.ndjson"))
    assert (row["raw_ping_lines"], row["accepted_pings"], row["rejected_pings"]) == (lines, accepted, rejected)


def test_kill_at_any_point_leaves_the_previous_set_or_the_new_one(zones: Zones) -> None:
    database = zones.copy_of_published()
    old_digest = published_digest(database)
    outcomes = []
    for marker, delay in KILL_POINTS:
        env = dbt_env(zones.newer, database, PROJECT_ROOT, None)
        killed = run_until_killed(BUILD, env, marker, delay)
        assert killed, f"the build ended before {marker!r}"
        outcomes.append(assert_old_or_new(database, old_digest, zones))
    # Killed before its marts were built, the set must be the old one.
    assert outcomes[:3] == ["old"] * 3, outcomes

    # The next scheduled run recovers: it publishes the new data, whole, once.
    result = run_dbt(BUILD, zones.newer, database)
    assert result.ok, result.output[-5000:]
    marts = list((PROJECT_ROOT / "models" / "marts").rglob("*.sql"))
    assert f"Published {len(marts)} marts" in result.output
    assert assert_old_or_new(database, old_digest, zones) == "new"
    # Work files of the killed publications are gone.
    published_file = serving_path(database)
    assert sorted(path.name for path in database.parent.glob(f"{published_file.name}*")) == [published_file.name]


# How a late failure is injected into a copy of the project: (file, text).
LATE_FAILURES = {
    "failing_test_on_the_last_mart": (
        "tests/marts/rpt_arr_by_adoption_band_has_no_rows.sql",
        "select * from {{ ref('rpt_arr_by_adoption_band') }}",
    ),
    "failing_reconciliation": (
        # A bug that loses rejected lines: raw lines <> accepted + rejected.
        "models/staging/landing/stg_landing__usage_pings_rejected.sql",
        None,
    ),
}


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Workplace]:
    """One project copy and one workplace for every late failure: the second case's build then
    re-parses only the files the cases changed (dbt's partial parsing), not the project."""
    root = tmp_path_factory.mktemp("late_failures")
    return copy_project(root / "project"), Workplace(root / "work")


@pytest.mark.parametrize("failure", sorted(LATE_FAILURES))
def test_a_failing_test_publishes_nothing(failure: str, zones: Zones, failing: tuple[Path, Workplace]) -> None:
    project, work = failing
    # The project as shipped (undo the previous case), then this case's failure.
    for path, _ in LATE_FAILURES.values():
        (project / path).unlink(missing_ok=True)
        if (PROJECT_ROOT / path).exists():
            shutil.copy2(PROJECT_ROOT / path, project / path)
    path, text = LATE_FAILURES[failure]
    if text is None:
        model = project / path
        sql = model.read_text()
        assert sql.rstrip().endswith("select * from final")
        model.write_text(sql.rstrip() + "\nwhere rejection_reason <> 'duplicate_id'\n")
    else:
        (project / path).write_text(text + "\n")
    _, database = work.restore(database=zones.published)
    before = published_digest(database)

    result = run_dbt(BUILD, zones.newer, database, project_dir=project)

    assert not result.ok
    expected = {
        "failing_test_on_the_last_mart": "rpt_arr_by_adoption_band_has_no_rows (fail)",
        "failing_reconciliation": "usage_ping_lines_reconcile (fail)",
    }[failure]
    (line,) = [line for line in result.output.splitlines() if line.startswith("Nothing published")]
    assert expected in line, line
    assert published_digest(database) == before


def test_a_selection_publishes_nothing(zones: Zones) -> None:
    database = zones.copy_of_published()
    before = published_digest(database)
    result = run_dbt(["build", "--select", "dim_accounts"], zones.newer, database)
    assert result.ok, result.output[-5000:]
    assert "Nothing published: the run left out" in result.output
    # The apostrophe survives Jinja (two adjacent '' literals once concatenated into "projects").
    assert "of the project's models, seeds and tests" in result.output
    assert published_digest(database) == before


def test_readers_of_the_published_file_do_not_stop_the_build(zones: Zones, tmp_path: Path) -> None:
    # A quote in the path, too: the publish step writes it into SQL (escaped).
    (tmp_path / "bi's files").mkdir()
    database = copy_database(zones.published, tmp_path / "bi's files" / "read.duckdb")
    (old_build,) = published_build_ids(database)[0]
    # A BI tool's read-only connection, open during the whole build.
    reader = duckdb.connect(str(serving_path(database)), read_only=True)
    try:
        before = reader.execute(f"select count(*) from {MART_SCHEMA}.fct_account_platform_adoption").fetchone()
        result = run_dbt(BUILD, zones.newer, database)
        assert result.ok, result.output[-5000:]
        # The open connection keeps querying the set it opened, without error.
        after = reader.execute(f"select count(*) from {MART_SCHEMA}.fct_account_platform_adoption").fetchone()
        assert after == before
        assert reader.execute(f"select distinct build_id from {MART_SCHEMA}.dim_accounts").fetchall() == [(old_build,)]
    finally:
        reader.close()
    # A new connection sees the new set.
    assert assert_old_or_new(database, "", zones) == "new"
    assert published_build_ids(database)[1][0] == old_build


def test_a_second_job_stops_at_once_and_changes_nothing(zones: Zones, tmp_path: Path) -> None:
    database = zones.copy_of_published()
    before = published_digest(database)
    env = dbt_env(zones.newer, database, PROJECT_ROOT, None)
    with running_dbt(BUILD, env) as first:
        second = run_dbt(BUILD, zones.newer, database, extra_env=env_with_saved_parse(env, tmp_path / "second"))
        still_running = first.returncode is None
        assert published_digest(database) == before
    assert first.returncode == 0, "".join(first.output)[-5000:]

    assert not second.ok
    assert f"Another build is running on {database}" in second.output, second.output[-3000:]
    assert "stopped before changing anything" in second.output
    assert still_running, "the first job ended before the second one stopped: nothing was tested"
    assert assert_old_or_new(database, before, zones) == "new"


def test_published_file_opens_in_duckdb_1x(zones: Zones, duckdb1_client: Path) -> None:
    """BI tools bundle older DuckDB drivers than the build's: the published file is written in a
    storage format DuckDB 1.x reads (a build database written by DuckDB 2 is not)."""
    env = {"PYTHONPATH": str(duckdb1_client), "PATH": "/usr/bin:/bin"}
    reader = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = [t for (t,) in con.execute(
    "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()]
print(json.dumps({"version": duckdb.__version__,
                  "rows": {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in tables}}))
"""
    proc = subprocess.run(
        [sys.executable, "-c", reader, str(serving_path(zones.published))], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    opened = json.loads(proc.stdout)
    assert opened["version"].startswith("1.")
    expected = {table: len(rows) for table, rows in mart_snapshot(zones.published).items()} | {"publication_log": 1}
    assert {table: rows for table, rows in opened["rows"].items() if table not in HISTORY_MARTS} == expected
    # What it guards against: the build database itself is DuckDB 2's format.
    proc = subprocess.run([sys.executable, "-c", reader, str(zones.published)], env=env, capture_output=True, text=True)
    assert proc.returncode != 0


def test_summary_reads_the_published_set(zones: Zones) -> None:
    env = {**os.environ, "ADOPTION_SERVING_PATH": str(serving_path(zones.published))}
    proc = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "summary.py")], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    (build,) = published_build_ids(zones.published)[1]
    assert build in proc.stdout
