"""The published DuckDB file describes itself, and a long-lived reader sees new publications.

Metadata (docs/publishing.md, "What the published set says about itself"): read back with a
DuckDB 1.x client (requirements-duckdb1-client.txt, the kind BI tools bundle), every mart's
table comment and column comments equal the descriptions dbt resolved from the YAML
(manifest.json), its NOT NULL columns are its contract's `not_null` columns, and it declares
no primary key: DuckDB 2.0.0 writing an indexed table in the v1.0.0 storage format loses the
rows past its first row group, so marts of more than one row group are published and read back
whole with DuckDB 2.0 and the 1.x client.

Readers (docs/publishing.md, "A reader that stays open"): in one process, DuckDB keeps one
database instance per path while any connection to it is open, so a connection opened after a
publication, while an older one is still open, reads the older file. The tests show it (with
DuckDB 2 and with the 1.x client), then show each rule docs/publishing.md gives a BI process:
close every connection, or open each connection in memory and ATTACH the published file; with
SQLAlchemy (duckdb-engine), NullPool or an in-memory engine that attaches.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import (
    BUILD_SCHEMA,
    MART_SCHEMA,
    Build,
    Workplace,
    built_once,
    copy_database,
    generate_landing_zone,
    published_metadata,
    run_dbt,
    serving_path,
)

BUILD = ["build", "--exclude-resource-type", "unit_test"]
LATEST_BUILD = "select build_id from marts.publication_log order by published_at desc limit 1"

# Run by the DuckDB 1.x client: what the published file says about its marts, as JSON.
READER = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
def rows(sql):
    return con.execute(sql, [sys.argv[2]]).fetchall()
tables = {t: c for t, c in rows("select table_name, comment from duckdb_tables() where schema_name = ?")}
columns, not_null, primary_key = {}, {}, {}
for t, c, comment, nullable in rows(
        "select table_name, column_name, comment, is_nullable from duckdb_columns()"
        " where schema_name = ? order by table_name, column_index"):
    columns.setdefault(t, {})[c] = comment
    if not nullable:
        not_null.setdefault(t, []).append(c)
for t, kind, names in rows(
        "select table_name, constraint_type, constraint_column_names from duckdb_constraints()"
        " where schema_name = ?"):
    if kind == "PRIMARY KEY":
        primary_key[t] = names
print(json.dumps({"version": duckdb.__version__, "tables": tables, "columns": columns,
                  "not_null": not_null, "primary_key": primary_key}))
"""


def read_with_duckdb1(client: Path, path: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", READER, str(path), MART_SCHEMA],
        env={"PYTHONPATH": str(client), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_published_file_describes_itself_to_a_duckdb_1x_client(generated_build: Build, duckdb1_client: Path) -> None:
    published = read_with_duckdb1(duckdb1_client, serving_path(generated_build.database))
    assert published["version"].startswith("1."), published["version"]
    expected = published_metadata(generated_build.database.parent / "target_adoption" / "manifest.json")
    assert set(expected) <= set(published["tables"]), "every mart is published"
    for mart, want in sorted(expected.items()):
        assert published["tables"][mart] == want["description"], mart
        assert "schema marts" in want["published_as"] and "ADOPTION_SERVING_PATH" in want["published_as"], mart
        assert published["columns"][mart] == want["columns"], mart
        assert sorted(published["not_null"].get(mart, [])) == sorted(want["not_null"]), mart
    # No primary key in the DuckDB file (docs/publishing.md says why; the next test is the reason).
    assert published["primary_key"] == {}
    # Not vacuous: some descriptions hold quotes (escaped in SQL).
    comments = [c for columns in published["columns"].values() for c in columns.values() if c]
    assert any("'" in comment for comment in comments)
    assert any('"' in comment or "`" in comment for comment in comments)


# DuckDB writes at most this many rows into one row group.
ROW_GROUP_ROWS = 122_880

# Run by the DuckDB 1.x client: the rows a full scan of each published mart returns, as JSON. No
# progress bar: on a busy machine a scan passes its 2 s delay and the bar would print into stdout.
SCANNER = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("set enable_progress_bar = false")
marts = [t for (t,) in con.execute(
    "select table_name from duckdb_tables() where schema_name = ? order by 1", [sys.argv[2]]).fetchall()]
print(json.dumps({t: len(con.execute(f'select * from {sys.argv[2]}."{t}"').fetchall()) for t in marts}))
"""


@pytest.fixture(scope="module")
def build_of_several_row_groups(tmp_path_factory: pytest.TempPathFactory, workplace: Workplace) -> Build:
    """A build whose largest marts span more than one of DuckDB's row groups. Built in the worker's
    workplace (dbt's saved parse of the files built there before: no full parse), then copied out."""

    def make(directory: Path) -> None:
        generate_landing_zone(directory / "raw", accounts=650, months=12, seed=23)
        _, database = workplace.restore()
        result = run_dbt(BUILD, directory / "raw", database)
        assert result.ok, result.output[-5000:]
        copy_database(database, directory / "adoption.duckdb")

    directory = built_once(tmp_path_factory, "several_row_groups", make)
    return Build(directory / "raw", directory / "adoption.duckdb")


def test_marts_of_several_row_groups_read_back_whole(build_of_several_row_groups: Build, duckdb1_client: Path) -> None:
    """Every published mart holds exactly the rows of its built table, scanned by DuckDB 2.0 and 1.1.3."""
    database = build_of_several_row_groups.database
    con = duckdb.connect(":memory:")
    con.execute(f"attach '{database}' as build (read_only)")
    con.execute(f"attach '{serving_path(database)}' as published (read_only)")
    marts = [
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where database_name = 'published' and schema_name = ?"
            " and table_name <> 'publication_log' order by 1",
            [MART_SCHEMA],
        ).fetchall()
    ]
    built = {}
    for mart in marts:
        published_mart, built_mart = f'published.{MART_SCHEMA}."{mart}"', f'build.{BUILD_SCHEMA}."{mart}"'
        built[mart] = con.execute(f"select count(*) from {built_mart}").fetchall()[0][0]
        # Every row, compared column by column (a scan: count(*) alone reads the row-group metadata).
        differ = con.execute(
            f"select count(*) from ((select * from {published_mart} except all select * from {built_mart})"
            f" union all (select * from {built_mart} except all select * from {published_mart}))"
        ).fetchall()[0][0]
        assert differ == 0, f"{mart}: {differ} rows differ between the published file and the build"
    assert max(built.values()) > ROW_GROUP_ROWS, "not vacuous: a mart spans more than one row group"

    proc = subprocess.run(
        [sys.executable, "-c", SCANNER, str(serving_path(database)), MART_SCHEMA],
        env={"PYTHONPATH": str(duckdb1_client), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    scanned = json.loads(proc.stdout)
    assert {mart: scanned[mart] for mart in marts} == built


@pytest.fixture(scope="module")
def republished(generated_build: Build, workplace: Workplace) -> Path:
    """A copy of the generated build, in the workplace; the tests publish again over it."""
    return workplace.restore(database=generated_build.database)[1]


def latest_build(con: duckdb.DuckDBPyConnection, catalog: str = "") -> str:
    sql = LATEST_BUILD.replace("marts.", f"{catalog}.marts.") if catalog else LATEST_BUILD
    return con.execute(sql).fetchall()[0][0]


def publish_again(build: Build, database: Path) -> None:
    result = run_dbt(BUILD, build.raw_path, database)
    assert result.ok, result.output[-5000:]


# Run by the DuckDB 1.x client (a BI tool's driver) across a publication: the build its open
# connection reads, then (after a line on stdin) a new connection's and an attaching one's.
LONG_LIVED_READER = f"""
import sys, duckdb
path = sys.argv[1]
held = duckdb.connect(path, read_only=True)
print(held.execute({LATEST_BUILD!r}).fetchall()[0][0], flush=True)
sys.stdin.readline()
print(duckdb.connect(path, read_only=True).execute({LATEST_BUILD!r}).fetchall()[0][0])
attached = duckdb.connect()
attached.execute(f"attach '{{path}}' as adoption (read_only)")
print(attached.execute({LATEST_BUILD.replace("marts.", "adoption.marts.")!r}).fetchall()[0][0])
"""


def test_an_open_connection_keeps_a_process_on_the_old_file_and_the_documented_rules_see_the_new(
    generated_build: Build, republished: Path, duckdb1_client: Path
) -> None:
    path = str(serving_path(republished))
    held = duckdb.connect(path, read_only=True)  # a BI process's connection, open all along
    old = latest_build(held)
    driver = subprocess.Popen(
        [sys.executable, "-c", LONG_LIVED_READER, path],
        env={"PYTHONPATH": str(duckdb1_client), "PATH": "/usr/bin:/bin"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert driver.stdout.readline().strip() == old, driver.stderr.read()[-3000:]
    publish_again(generated_build, republished)
    # The same with DuckDB 1.x, as BI tools bundle it: a new connection stale, an attaching one not.
    out, err = driver.communicate("published\n", timeout=120)
    assert driver.returncode == 0, err[-3000:]
    stale_1x, attached_1x = out.split()
    assert stale_1x == old
    assert attached_1x != old

    # The problem: a new connection to the same path, in the same process, reads the old file.
    stale = duckdb.connect(path, read_only=True)
    assert latest_build(stale) == old
    with pytest.raises(duckdb.ConnectionException):
        duckdb.connect(path, read_only=True, config={"threads": 1})  # nor can another config get around it

    # Rule 1: a connection opened in memory that ATTACHes the file reads it as it is now.
    attached = duckdb.connect()
    attached.execute(f"attach '{path}' as adoption (read_only)")
    new = latest_build(attached, "adoption")
    assert new != old
    attached.close()

    # Rule 2: once every connection of the process to the path is closed, the next one reads the new file.
    stale.close()
    held.close()
    with duckdb.connect(path, read_only=True) as reopened:
        assert latest_build(reopened) == new
    assert attached_1x == new


def test_sqlalchemy_pooled_connections_stay_on_the_old_file_nullpool_and_attach_do_not(
    generated_build: Build, republished: Path
) -> None:
    sqlalchemy = pytest.importorskip("sqlalchemy")
    pytest.importorskip("duckdb_engine")
    from sqlalchemy.pool import NullPool

    path = str(serving_path(republished))
    url = f"duckdb:///{path}"
    read_only = {"read_only": True}

    def build_of(engine) -> str:
        with engine.connect() as con:
            return con.execute(sqlalchemy.text(LATEST_BUILD)).scalar_one()

    pooled = sqlalchemy.create_engine(url, connect_args=read_only)  # duckdb-engine's default: QueuePool
    per_query = sqlalchemy.create_engine(url, connect_args=read_only, poolclass=NullPool)
    in_memory = sqlalchemy.create_engine("duckdb:///:memory:", poolclass=NullPool)

    @sqlalchemy.event.listens_for(in_memory, "connect")
    def attach(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"attach '{path}' as adoption (read_only)")
        dbapi_connection.execute("use adoption")

    old = build_of(pooled)
    assert build_of(per_query) == old
    assert build_of(in_memory) == old
    publish_again(generated_build, republished)

    # The default pool keeps its connection open: the engine reads the old file until disposed.
    assert build_of(pooled) == old
    # An in-memory engine that attaches reads the new file, even while the pool holds the old one.
    new = build_of(in_memory)
    assert new != old
    # NullPool opens a connection per checkout: the new file once no other connection is open.
    assert build_of(per_query) == old  # the pooled engine's connection is still open
    pooled.dispose()
    assert build_of(per_query) == new
    assert build_of(pooled) == new
    pooled.dispose()
