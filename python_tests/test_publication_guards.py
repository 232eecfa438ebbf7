"""A publication never makes the published set worse by accident (docs/publishing.md).

A landing zone is built and published once (`published`); each test then runs the
scheduled job over copies of that state with one fault: an input that is valid in form but
would shrink the published set (publication guards), a misconfigured setting, a landing file
that cannot be read, a publish step that fails. Each must end with a non-zero exit code and
its documented line, the published file byte for byte as it was, and the next clean build
publishing again.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import (
    BIN,
    PROJECT_ROOT,
    Workplace,
    copy_database,
    dbt_env,
    generate_landing_zone,
    mart_snapshot,
    published_digest,
    query,
    run_dbt,
    serving_path,
)

ACCOUNTS, MONTHS, SEED, START = 15, 3, 5, "2025-01"
BUILD = ["build", "--exclude-resource-type", "unit_test"]
NOTHING_PUBLISHED = re.compile(r"^Nothing published: .*\. The published set is unchanged\.$", re.MULTILINE)


@dataclass(frozen=True)
class Published:
    zone: Path  # the landing zone of the published build
    database: Path  # its build database; serving_path(database) is the published file
    marts: dict  # mart_snapshot of the published set
    work: Workplace  # where the published build ran, and the tests build


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, workplace: Workplace) -> Published:
    root = tmp_path_factory.mktemp("guards")
    zone = generate_landing_zone(root / "zone", ACCOUNTS, MONTHS, SEED, start_month=START)
    work = workplace
    _, database = work.restore(zone)
    result = run_dbt(BUILD, work.zone, database)
    assert result.ok, result.output[-5000:]
    database = copy_database(database, root / "published.duckdb")
    return Published(zone, database, mart_snapshot(database), work)


def copy_state(published: Published) -> tuple[Path, Path]:
    """A copy of the published state: (its landing zone, its build database), in the workplace
    (conftest.Workplace: dbt reuses its saved parse there)."""
    return published.work.restore(published.zone, published.database)


def publication_log(database: Path) -> list[dict]:
    """The published publication_log, oldest first, as dicts."""
    with duckdb.connect(str(serving_path(database)), read_only=True) as con:
        cursor = con.execute("select * from marts.publication_log order by published_at")
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def ping_file(zone: Path, month: str) -> Path:
    return zone / "usage_pings" / f"{month}.ndjson"


def months_of(zone: Path) -> list[str]:
    return sorted(path.name.removesuffix(".ndjson") for path in (zone / "usage_pings").glob("*.ndjson"))


def assert_refused(result, database: Path, digest: str | None) -> None:
    """Exit code not 0, the documented line, the published file exactly as it was."""
    assert not result.ok, result.output[-3000:]
    assert NOTHING_PUBLISHED.search(result.output), result.output[-3000:]
    assert published_digest(database) == digest


def tripped_guards(output: str) -> set[str]:
    return set(re.findall(r"^Publication guard (\w+) tripped", output, re.MULTILINE))


def test_a_header_only_arr_file_publishes_nothing_until_accepted(published: Published) -> None:
    """The export wrote its header and failed: every ARR mart would be empty. Nothing is published;
    the override the message suggests publishes it and is recorded; a good file recovers."""
    zone, database = copy_state(published)
    arr = zone / "arr_monthly.csv"
    arr.write_text(arr.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    digest = published_digest(database)

    refused = run_dbt(BUILD, zone, database)
    assert_refused(refused, database, digest)
    guards = tripped_guards(refused.output)
    assert {"empty_mart", "account_months_with_arr", "latest_month"} <= guards
    rows = len(published.marts["fct_account_platform_adoption"])
    assert f"fct_account_platform_adoption had {rows:,} rows" in refused.output
    assert len(publication_log(database)) == 1

    override = re.search(r"build again with --vars '(\{accept_publication_changes: \[[\w, ]+\]\})'", refused.output)
    assert override, refused.output[-3000:]
    accepted = run_dbt(
        [*BUILD, "--vars", override.group(1)], zone, database, extra_env=published.work.with_vars("accept")
    )
    assert accepted.ok, accepted.output[-3000:]
    log = publication_log(database)
    assert len(log) == 2
    assert set(json.loads(log[-1]["accepted_changes"])) == guards
    assert mart_snapshot(database)["fct_account_platform_adoption"] == []

    # The good file again: against an empty set, nothing shrinks.
    shutil.copy(published.zone / "arr_monthly.csv", arr)
    recovered = run_dbt(BUILD, zone, database)
    assert recovered.ok, recovered.output[-3000:]
    assert mart_snapshot(database) == published.marts
    assert publication_log(database)[-1]["accepted_changes"] is None


def test_a_month_that_loses_pings_beyond_the_allowed_share_is_named(published: Published) -> None:
    """Two months lose pings: the one that lost more than publication_guard_max_drop (20%) trips
    accepted_pings, the one within it does not."""
    zone, database = copy_state(published)
    heavy, light = months_of(zone)[-2:]
    before = json.loads(publication_log(database)[-1]["monthly_figures"])
    for month, keep in ((heavy, 0.5), (light, 0.9)):
        lines = ping_file(zone, month).read_text(encoding="utf-8").splitlines(keepends=True)
        ping_file(zone, month).write_text("".join(lines[: int(len(lines) * keep)]), encoding="utf-8")

    result = run_dbt(BUILD, zone, database)
    assert_refused(result, database, published_digest(published.database))
    line = next(line for line in result.output.splitlines() if line.startswith("Publication guard accepted_pings"))
    heavy_before = before[f"{heavy}-01"]["accepted_pings"]
    assert f"{heavy} from {heavy_before:,} to " in line
    assert f"{light} from" not in line


def test_the_latest_month_disappearing_is_refused(published: Published) -> None:
    zone, database = copy_state(published)
    months = months_of(zone)
    latest, previous = months[-1], months[-2]
    ping_file(zone, latest).unlink()
    arr = zone / "arr_monthly.csv"
    lines = arr.read_text(encoding="utf-8").splitlines(keepends=True)
    arr.write_text("".join(line for line in lines if not line.startswith(f"{latest}-01")), encoding="utf-8")

    result = run_dbt(BUILD, zone, database)
    assert_refused(result, database, published_digest(published.database))
    assert f"the published set's latest month, {latest}, is not in this build (its latest: {previous})" in result.output


def test_an_unknown_guard_in_the_override_stops_before_anything_runs(published: Published) -> None:
    zone, database = copy_state(published)
    unknown = ["--vars", "{accept_publication_changes: [empty_marts]}"]
    result = run_dbt([*BUILD, *unknown], zone, database, extra_env=published.work.with_vars("unknown"))
    assert not result.ok
    assert "accept_publication_changes names no guard empty_marts; the guards are empty_mart," in result.output
    assert "START sql" not in result.output
    assert published_digest(database) == published_digest(published.database)


SCHEMAS = "select distinct schema_name from information_schema.schemata where catalog_name = current_database()"

MISCONFIGURED = {
    "the build database": (lambda database: database, "is the build database DBT_DUCKDB_PATH"),
    "a directory": (lambda database: database.parent, "is a directory; it must name the published DuckDB file"),
    "in a missing directory": (lambda database: database.parent / "nowhere" / "serving.duckdb", "does not exist"),
}


@pytest.mark.parametrize("case", sorted(MISCONFIGURED))
def test_a_misconfigured_serving_path_stops_before_anything_runs(published: Published, case: str) -> None:
    """ADOPTION_SERVING_PATH that cannot be the published file: the run stops at its start naming
    the setting; the build database keeps every schema, the published file is unchanged."""
    zone, database = copy_state(published)
    path, message = MISCONFIGURED[case]
    schemas = query(database, SCHEMAS)
    digest = published_digest(database)
    result = run_dbt(BUILD, zone, database, extra_env={"ADOPTION_SERVING_PATH": str(path(database))})
    assert not result.ok
    assert f"ADOPTION_SERVING_PATH ({path(database)})" in result.output
    assert message in result.output
    assert "This run stopped before building anything; the published set is unchanged." in result.output
    assert "START sql" not in result.output
    assert sorted(query(database, SCHEMAS)) == sorted(schemas)
    assert published_digest(database) == digest


def test_a_landing_path_with_glob_characters_reads_that_directory_only(published: Published, tmp_path: Path) -> None:
    """`[`, `*`, `?` in the landing path are characters, not wildcards: the build reads that
    directory, as it would under a plain name, and never a directory the pattern would match."""
    zone = Path(shutil.copytree(published.zone, tmp_path / "zone[1]*?"))
    # What `zone[1]*?` would match as a pattern: a pattern read would add its pings.
    decoy = Path(shutil.copytree(published.zone, tmp_path / "zone1-x"))
    first = months_of(decoy)[0]
    ping_file(decoy, first).write_text(ping_file(decoy, first).read_text(encoding="utf-8") * 2, encoding="utf-8")
    _, database = published.work.restore()
    result = run_dbt(BUILD, zone, database)
    assert result.ok, result.output[-3000:]
    assert mart_snapshot(database) == published.marts
    counts = ["raw_ping_lines", "accepted_pings", "rejected_pings"]
    assert [publication_log(database)[-1][c] for c in counts] == [
        publication_log(published.database)[0][c] for c in counts
    ]


UNREADABLE = {
    "truncated": lambda text: gzip.compress(text)[: len(gzip.compress(text)) // 2],
    "not gzip": lambda text: text,
}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_a_landing_file_that_cannot_be_read_stops_before_any_model(published: Published, case: str) -> None:
    """A .ndjson.gz that is truncated, or not gzip at all, fails the run-start step that reads the
    landing zone: no node runs, the incremental ping parse keeps its state, nothing is published."""
    zone, database = copy_state(published)
    latest = ping_file(zone, months_of(zone)[-1])
    latest.with_name(latest.name + ".gz").write_bytes(UNREADABLE[case](latest.read_bytes()))
    latest.unlink()
    parsed = "select count(*), max(source_file) from staging.stg_landing__usage_pings_parsed"
    state = query(database, parsed)
    result = run_dbt(BUILD, zone, database)
    assert not result.ok
    assert f"{latest.name}.gz" in result.output
    assert "START sql" not in result.output
    assert "Nothing published: no model, seed or test ran" in result.output
    assert query(database, parsed) == state
    assert published_digest(database) == published_digest(published.database)


def test_a_build_database_of_the_previous_version_builds_and_publishes(published: Published) -> None:
    """Upgrading in place: seed months typed as dates (dbt reloads a seed into its existing table,
    keeping the types) and a publication log without the guards' columns (its last row then
    guards empty marts only). The build publishes the same marts; the log gains the columns."""
    zone, database = copy_state(published)
    with duckdb.connect(str(database)) as con:
        for seed in ("score_overrides", "instance_exclusions"):
            for column in ("from_month", "to_month"):
                con.execute(f"alter table methodology.{seed} alter column {column} type date")
        for column in ("monthly_figures", "accepted_changes"):
            con.execute(f"alter table publication.publication_log drop column {column}")
    result = run_dbt(BUILD, zone, database)
    assert result.ok, result.output[-3000:]
    assert mart_snapshot(database) == published.marts
    log = publication_log(database)
    assert len(log) == 2 and log[0]["monthly_figures"] is None and log[-1]["monthly_figures"]


# Runs dbt with os.replace failing on the publish step's rename, as a read-only file system would.
FAILING_RENAME = """
import errno, os, sys
real_replace = os.replace
def replace(source, destination, *args, **kwargs):
    if ".publishing-" in os.fspath(source):
        raise OSError(errno.EROFS, "Read-only file system", os.fspath(destination))
    return real_replace(source, destination, *args, **kwargs)
os.replace = replace
from dbt.cli.main import cli
sys.argv = ["dbt", *sys.argv[1:]]
cli()
"""


def test_a_failing_publish_step_ends_in_the_documented_line(published: Published) -> None:
    """The rename fails (EROFS): the documented line with the OS error, a non-zero exit code,
    no work file left, the published file unchanged; a directory named like a work file is not
    touched and does not stop the next build, which publishes."""
    zone, database = copy_state(published)
    digest = published_digest(database)
    env = dbt_env(zone, database, PROJECT_ROOT, None)
    proc = subprocess.run(
        [sys.executable, "-c", FAILING_RENAME, *BUILD], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    line = NOTHING_PUBLISHED.search(output)
    assert line, output[-3000:]
    assert line.group(0).startswith("Nothing published: the publish step failed: [Errno 30] Read-only file system")
    assert published_digest(database) == digest
    work_files = sorted(path.name for path in database.parent.glob(f"{serving_path(database).name}.publishing-*"))
    assert work_files == []

    stray = Path(f"{serving_path(database)}.publishing-not-a-build")
    stray.mkdir()
    result = run_dbt(BUILD, zone, database)
    assert result.ok, result.output[-3000:]
    assert stray.is_dir()
    assert len(publication_log(database)) == 2
    assert mart_snapshot(database) == published.marts


# Claims a work file as a live build does and holds it until stdin closes.
HOLD_WORK_FILE = """
import sys
sys.path.insert(0, "plugins")
import adoption_publication
adoption_publication.claim_work_file(sys.argv[1])
open(sys.argv[1], "w").close()
print("claimed", flush=True)
sys.stdin.read()
"""


def test_clean_up_removes_only_work_files_of_builds_that_are_gone(tmp_path: Path) -> None:
    """The publish step's clean-up (plugins/adoption_publication.py) leaves a live build's work
    file, removes a gone build's (its lock free) and one with no lock, and skips directories."""
    sys.path.insert(0, str(PROJECT_ROOT / "plugins"))
    import adoption_publication as plugin

    published_file = str(tmp_path / "serving.duckdb")
    live, gone, lockless = (f"{published_file}.publishing-{name}" for name in ("live", "gone", "lockless"))
    holder = subprocess.Popen(
        [str(BIN / "python"), "-c", HOLD_WORK_FILE, live],
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "claimed"
        descriptor = plugin.claim_work_file(gone)
        Path(gone).touch()
        Path(gone + ".wal").touch()
        os.close(descriptor)  # the build that claimed it has ended
        Path(lockless).touch()
        Path(f"{published_file}.publishing-directory").mkdir()
        time.sleep(0.1)
        removed = plugin.remove_work_files(published_file)
        assert sorted(removed) == sorted([gone, lockless])
        left = sorted(path.name for path in tmp_path.iterdir())
        assert left == sorted(
            [
                "serving.duckdb.publishing-directory",
                "serving.duckdb.publishing-live",
                "serving.duckdb.publishing-live.lock",
            ]
        )
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert plugin.remove_work_files(published_file) == [live]
