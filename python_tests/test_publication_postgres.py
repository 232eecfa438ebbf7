"""Publishing on PostgreSQL (SPEC §8, docs/publishing.md): the marts are built in
`marts_build` and swapped in as `marts` in one transaction, or not at all.

Runs in a database of its own on the session's throwaway cluster. A landing zone is
loaded and built once; then the same zone with one more month is loaded, and the
tests kill builds, hold locks, fail a test and start two jobs at once over it.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import engines
import pytest
from conftest import (
    BIN,
    HISTORY_MARTS,
    PROJECT_ROOT,
    copy_project,
    env_with_saved_parse,
    generate_landing_zone,
    run_until_killed,
    running_dbt,
)

pytest.importorskip("psycopg2", reason="psycopg2 is in requirements-engines.txt")
from psycopg2 import errors  # noqa: E402

BUILD = ["build", "--exclude-resource-type", "unit_test"]
# Far below the default (30 s), so that a test of the bounded wait stays short.
LOCK_TIMEOUT = ["--vars", "{publication_lock_timeout_seconds: 2}"]
# A build over this tiny zone takes seconds; past this it hangs.
HANG = 300

# Published state: every table of `marts` (build_id and publication_log included), rows sorted.
State = dict[str, list[tuple]]


@dataclasses.dataclass
class Database:
    cluster: engines.PostgresCluster
    env: dict[str, str]
    newer: Path  # the landing zone now loaded in raw

    def dbt(self, args: list[str], project: Path = PROJECT_ROOT, env: dict[str, str] | None = None) -> tuple[int, str]:
        """Run dbt to its end; a build that has not ended after HANG seconds fails the test."""
        proc = subprocess.run(
            [str(BIN / "dbt"), *args], cwd=project, env=env or self.env, capture_output=True, text=True, timeout=HANG
        )
        return proc.returncode, proc.stdout + proc.stderr

    def with_vars(self, name: str) -> dict[str, str]:
        """The environment of a build given `--vars` (named `name`): a dbt target directory of its
        own. dbt's saved parse holds one set of vars; the builds without vars keep theirs (a second
        or two) instead of parsing the whole project again after each build with vars."""
        return {**self.env, "DBT_TARGET_PATH": f"{self.env['DBT_TARGET_PATH']}_{name}"}

    def published(self) -> State:
        with self.cluster.connect() as connection, connection.cursor() as cursor:
            cursor.execute("select table_name from information_schema.tables where table_schema = 'marts'")
            state = {}
            for (table,) in cursor.fetchall():
                cursor.execute(f'select * from marts."{table}"')
                state[table] = engines.sort_rows(cursor.fetchall())
            return state

    def schemas(self, pattern: str) -> list[str]:
        with self.cluster.connect() as connection, connection.cursor() as cursor:
            cursor.execute("select nspname from pg_namespace where nspname like %s order by 1", [pattern])
            return [name for (name,) in cursor.fetchall()]

    def build_ids(self) -> tuple[set[str], list[str]]:
        """(build ids in the published marts' rows, publication_log's build ids in order)."""
        with self.cluster.connect() as connection, connection.cursor() as cursor:
            cursor.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' and table_name <> 'publication_log'"
            )
            ids: set[str] = set()
            for (table,) in cursor.fetchall():
                cursor.execute(f'select distinct build_id from marts."{table}"')
                ids |= {build for (build,) in cursor.fetchall()}
            cursor.execute("select build_id from marts.publication_log order by published_at")
            return ids, [build for (build,) in cursor.fetchall()]

    def assert_one_whole_set(self) -> None:
        ids, log = self.build_ids()
        assert len(log) == len(set(log)) >= 1
        assert ids == {log[-1]}, f"published marts come from builds {ids}; the log's latest is {log[-1]}"


def load(env: dict[str, str], raw_path: Path) -> None:
    engines.run([sys.executable, str(engines.LOADER), "--target", "postgres", "--raw-path", str(raw_path)], env, "load")


@pytest.fixture(scope="module")
def database(postgres: engines.PostgresCluster, tmp_path_factory: pytest.TempPathFactory) -> Database:
    root = tmp_path_factory.mktemp("publication_postgres")
    cluster = dataclasses.replace(postgres, database="adoption_publication")
    with postgres.connect("postgres") as connection:
        connection.autocommit = True
        connection.cursor().execute(f"create database {cluster.database}")
    env = engines.engine_env("postgres", root, cluster.env)
    older = generate_landing_zone(root / "older", 15, 3, seed=3, start_month="2025-01")
    newer = generate_landing_zone(root / "newer", 15, 4, seed=3, start_month="2025-01")
    load(env, older)
    db = Database(cluster, env, newer)
    code, output = db.dbt(BUILD)
    assert code == 0, output[-5000:]
    db.assert_one_whole_set()
    load(env, newer)
    return db


@pytest.fixture
def reader(database: Database) -> Iterator:
    """A BI session (role bi_reader, READ COMMITTED) that keeps its transaction open."""
    with database.cluster.connect() as connection:
        connection.set_session(autocommit=False)
        with connection.cursor() as cursor:
            cursor.execute("set application_name = 'dashboard'; set role bi_reader")
            yield connection, cursor
        connection.rollback()


# Where builds are killed: the ping parse, the marts, and the publish step (its swap is one
# statement: killed before it, or after the server has it). test_publication.py kills
# DuckDB builds at more points; the build steps before publishing are the same SQL here.
KILL_POINTS = [
    ("START sql incremental model staging.stg_landing__usage_pings_parsed", 0.1),
    ("START sql reporting_month_window model marts_build.fct_account_platform_adoption", 0.0),
    ("START hook: adoption_scoring.on-run-end.1", 0.0),
    ("START hook: adoption_scoring.on-run-end.1", 0.1),
]


def test_kill_at_any_point_leaves_the_previous_set_or_the_new_one(database: Database) -> None:
    before = database.published()
    observed = []
    for marker, delay in KILL_POINTS:
        assert run_until_killed(BUILD, database.env, marker, delay), f"the build ended before {marker!r}"
        observed.append(database.published())

    # The next build recovers (taking over the lock of the killed one) and publishes the new data.
    code, output = database.dbt(BUILD)
    assert code == 0, output[-5000:]
    database.assert_one_whole_set()
    new = {table: rows for table, (_, rows) in database.cluster.marts().items()}
    for state, (marker, _) in zip(observed, KILL_POINTS, strict=True):
        if state == before:
            continue
        # Otherwise it is the whole new set: every mart of one build, the new data.
        assert "START hook" in marker, f"killed at {marker!r}, the published set changed"
        ids = {row[-1] for table, rows in state.items() if table != "publication_log" for row in rows}
        assert len(ids) == 1
        # The history marts hold earlier publications: the next build's hold the killed one's too.
        marts = {
            table: engines.sort_rows([row[:-1] for row in rows])
            for table, rows in state.items()
            if table in new and table not in HISTORY_MARTS
        }
        assert marts == {table: rows for table, rows in new.items() if table not in HISTORY_MARTS}
    assert database.schemas("marts\\_build") == []


def test_a_reader_idle_in_a_transaction_neither_blocks_nor_breaks(database: Database, reader) -> None:
    connection, cursor = reader
    cursor.execute("select count(*), min(build_id) from marts.dim_accounts")
    count, old_build = cursor.fetchone()
    cursor.execute("select pg_backend_pid()")
    (reader_pid,) = cursor.fetchone()
    # The session stays idle in its transaction, holding its lock on the old table.

    code, output = database.dbt([*BUILD, *LOCK_TIMEOUT], env=database.with_vars("lock_timeout"))

    assert code == 0, output[-5000:]
    database.assert_one_whole_set()
    assert database.build_ids()[1][-1] != old_build
    (warning,) = [line for line in output.splitlines() if "previously published marts" in line]
    assert f"session pid {reader_pid}" in warning and "'dashboard'" in warning, warning
    # The reader's transaction goes on without error, now reading the new tables by name.
    cursor.execute("select count(*), min(build_id) from marts.dim_accounts")
    assert cursor.fetchone() == (count, database.build_ids()[1][-1])
    connection.rollback()
    # Once the reader let go, the next build drops the retired schema.
    assert database.schemas("marts\\_retired\\_%")
    code, output = database.dbt(BUILD)
    assert code == 0, output[-5000:]
    assert database.schemas("marts\\_retired\\_%") == []


def test_a_lock_held_past_the_bound_fails_the_swap_whole_and_names_the_session(database: Database) -> None:
    before = database.published()
    with database.cluster.connect() as holder:
        holder.set_session(autocommit=False)
        with holder.cursor() as cursor:
            cursor.execute("set application_name = 'maintenance'")
            cursor.execute("lock table marts.publication_log in access exclusive mode")
            cursor.execute("select pg_backend_pid()")
            (holder_pid,) = cursor.fetchone()
            code, output = database.dbt([*BUILD, *LOCK_TIMEOUT], env=database.with_vars("lock_timeout"))
        holder.rollback()

    assert code != 0
    assert "publication: waited 2 s for a lock; nothing was published" in output
    assert f"session pid {holder_pid}" in output and "'maintenance'" in output
    assert database.published() == before
    # The failed publish did not keep the lock: the next build publishes.
    code, output = database.dbt(BUILD)
    assert code == 0, output[-5000:]
    database.assert_one_whole_set()


def test_a_failing_test_publishes_nothing(database: Database, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "tests" / "marts" / "rpt_arr_by_adoption_band_has_no_rows.sql").write_text(
        "select * from {{ ref('rpt_arr_by_adoption_band') }}\n"
    )
    before = database.published()
    code, output = database.dbt(BUILD, project=project)
    assert code != 0
    (line,) = [line for line in output.splitlines() if line.startswith("Nothing published")]
    assert "rpt_arr_by_adoption_band_has_no_rows (fail)" in line
    assert database.published() == before
    # The unpublished build stays private: BI tools cannot read it.
    with database.cluster.connect() as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("set role bi_reader")
            with pytest.raises(errors.InsufficientPrivilege):
                cursor.execute("select count(*) from marts_build.dim_accounts")


def test_a_second_job_stops_at_once_and_changes_nothing(database: Database, tmp_path: Path) -> None:
    before = database.published()
    with running_dbt(BUILD, database.env) as first:
        code, output = database.dbt(BUILD, env=env_with_saved_parse(database.env, tmp_path / "second"))
        still_running = first.returncode is None
    assert first.returncode == 0, "".join(first.output)[-5000:]

    assert code != 0
    assert "Another build of this project is running on database adoption_publication" in output, output[-3000:]
    assert "This run stopped before building anything" in output
    assert still_running, "the first job ended before the second stopped: the test proved nothing"
    assert before != database.published()  # the first job published
    database.assert_one_whole_set()


def test_guards_refuse_a_header_only_arr_file_until_accepted(database: Database, tmp_path: Path) -> None:
    """The publication guards on PostgreSQL: the same rule as on DuckDB (test_publication_guards.py).
    A refused publication gives the build lock back; the override publishes and is recorded."""
    code, output = database.dbt(BUILD)
    assert code == 0, output[-5000:]
    before = database.published()
    header_only = Path(shutil.copytree(database.newer, tmp_path / "header_only"))
    arr = header_only / "arr_monthly.csv"
    arr.write_text(arr.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    load(database.env, header_only)
    try:
        unknown = ["--vars", "{accept_publication_changes: [empty_marts]}"]
        code, output = database.dbt([*BUILD, *unknown], env=database.with_vars("unknown_guard"))
        assert code != 0
        assert "accept_publication_changes names no guard empty_marts" in output
        assert "START sql" not in output

        code, output = database.dbt(BUILD)
        assert code != 0
        assert "Publication guard empty_mart tripped" in output
        assert "Nothing published: publication guard(s) empty_mart" in output
        assert database.published() == before

        accept = "{accept_publication_changes: [empty_mart, account_months_with_arr, scored_accounts, latest_month]}"
        code, output = database.dbt([*BUILD, "--vars", accept], env=database.with_vars("accept"))
        assert code == 0, output[-5000:]
        assert "no longer runs" not in output  # the refused build gave the lock back
        with database.cluster.connect() as connection, connection.cursor() as cursor:
            cursor.execute("select accepted_changes from marts.publication_log order by published_at desc limit 1")
            (accepted,) = cursor.fetchone()
        assert "empty_mart" in json.loads(accepted)
        assert database.published()["fct_account_platform_adoption"] == []
    finally:
        load(database.env, database.newer)
    code, output = database.dbt(BUILD)
    assert code == 0, output[-5000:]
    database.assert_one_whole_set()


def test_the_loader_reads_a_landing_path_with_glob_characters(database: Database, tmp_path: Path) -> None:
    """`[`, `*`, `?` in the landing path are characters on PostgreSQL too (the loader lists the
    directory itself): the raw tables hold exactly that zone."""
    zone = Path(shutil.copytree(database.newer, tmp_path / "zone[1]*?"))
    try:
        load(database.env, zone)
        with database.cluster.connect() as connection, connection.cursor() as cursor:
            cursor.execute("select count(*) from raw.usage_pings")
            (pings,) = cursor.fetchone()
        lines = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in (zone / "usage_pings").iterdir())
        assert pings == lines
    finally:
        load(database.env, database.newer)
