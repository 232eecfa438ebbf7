"""The project runs unchanged on PostgreSQL 15: the same marts as on DuckDB, row for
row, and a BI role that can read the marts and nothing else.

A throwaway cluster (initdb into a temporary directory, 127.0.0.1, a free port) is
started for the session and removed at the end; Debian's postgresql is installed with
apt-get when missing and the tests run as root.
"""

from __future__ import annotations

import csv
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import engines
import pytest
from conftest import WITH_ARTIFACTS, published_metadata
from semantic_layer import SemanticLayer, assert_same, from_sql, read_query_csv

psycopg2 = pytest.importorskip("psycopg2", reason="psycopg2 is in requirements-engines.txt")
from psycopg2 import errors  # noqa: E402

BI_ROLE = "bi_reader"
PRIVATE_SCHEMAS = ("raw", "staging", "intermediate", "methodology", "publication")


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> engines.Reference:
    return engines.reference_build(tmp_path_factory)


@pytest.fixture(scope="session")
def postgres_work_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """postgres_build's target and log directories (its manifest.json is read by a test)."""
    return tmp_path_factory.mktemp("postgres")


@pytest.fixture(scope="session")
def postgres_build(
    postgres: engines.PostgresCluster, reference: engines.Reference, postgres_work_dir: Path
) -> engines.PostgresCluster:
    """The reference landing zone loaded with the loader, then `dbt build --target postgres`
    (writing its manifest.json)."""
    env = engines.engine_env("postgres", postgres_work_dir, {**postgres.env, **WITH_ARTIFACTS}, reference.project)
    loader = [sys.executable, str(engines.LOADER), "--target", "postgres", "--raw-path", str(reference.raw_path)]
    engines.run(loader, env, "postgres load", project=reference.project)
    dbt = [str(Path(sys.executable).parent / "dbt"), "build", "--target", "postgres"]
    engines.run(dbt, env, "postgres dbt build", project=reference.project)
    return postgres


def test_loader_keeps_every_ping_line_with_its_file_and_number(
    postgres_build: engines.PostgresCluster, reference: engines.Reference
) -> None:
    expected = engines.raw_ping_lines(reference.raw_path)
    with postgres_build.connect() as connection, connection.cursor() as cursor:
        cursor.execute("select source_file, line_number, payload from raw.usage_pings")
        assert sorted(cursor.fetchall()) == expected


def test_the_database_collation_is_language_aware(
    postgres_build: engines.PostgresCluster, reference: engines.Reference
) -> None:
    """Without it the tie-break comparison below proves nothing: the database's own order of
    the tied uuids must differ from their order by code point."""
    lower, upper = reference.ties.uuids
    with postgres_build.connect() as connection, connection.cursor() as cursor:
        cursor.execute("select %s < %s", [lower, upper])
        assert cursor.fetchone()[0] is not (lower < upper)


def test_text_tie_breaks_compare_by_code_point(
    postgres_build: engines.PostgresCluster, reference: engines.Reference
) -> None:
    ties = reference.ties
    with postgres_build.connect() as connection, connection.cursor() as cursor:
        assert engines.chosen_by_tie_breaks(cursor, ties, "%s") == (ties.primary_uuid, ties.latest_ping_id)


def test_seed_tables_keep_the_csv_order(postgres_build: engines.PostgresCluster, reference: engines.Reference) -> None:
    """The seed checks name a row's CSV line by its place in the table (seed_line_number:
    `ctid` on PostgreSQL), which holds while dbt's seed load inserts the rows in CSV order."""
    with postgres_build.connect() as connection, connection.cursor() as cursor:
        for path in sorted((reference.project / "seeds").glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as handle:
                header, *rows = list(csv.reader(handle))
            cursor.execute(f'select "{header[0]}" from methodology."{path.stem}" order by ctid')
            assert [value for (value,) in cursor.fetchall()] == [row[0] or None for row in rows], path.name


def test_loader_writes_a_csv_nul_as_substitute(postgres_build: engines.PostgresCluster, tmp_path: Path) -> None:
    """PostgreSQL text cannot hold U+0000: a NUL in a CSV cell is loaded as U+001A
    (SUBSTITUTE), itself a control character, so the cell is listed as on DuckDB (the
    PostgreSQL pattern of has_control_character), and the load does not fail. Loaded into
    a database of its own, beside the reference build."""
    zone = tmp_path / "zone"
    shutil.copytree(Path(__file__).resolve().parent / "scenarios" / "landing_zone", zone)
    accounts = zone / "accounts.csv"
    lines = accounts.read_text(encoding="utf-8").splitlines()
    account_id, name, *rest = lines[1].split(",")
    lines[1] = ",".join([account_id, name.replace(" ", "\x00", 1), *rest])
    accounts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with postgres_build.connect("postgres") as connection:
        connection.autocommit = True
        connection.cursor().execute("create database nul_check")
    env = engines.engine_env("postgres", tmp_path, {**postgres_build.env, "DBT_POSTGRES_DBNAME": "nul_check"})
    loader = [sys.executable, str(engines.LOADER), "--target", "postgres", "--raw-path", str(zone)]
    engines.run(loader, env, "postgres load with a NUL")
    with postgres_build.connect("nul_check") as connection, connection.cursor() as cursor:
        cursor.execute(
            "select account_name, account_name ~ '[\\x01-\\x1F\\x7F]' from raw.accounts where account_id = %s",
            [account_id],
        )
        assert cursor.fetchall() == [(name.replace(" ", "\x1a", 1), True)]


def test_marts_match_duckdb_row_for_row(postgres_build: engines.PostgresCluster, reference: engines.Reference) -> None:
    problems = engines.mart_differences(reference.marts, postgres_build.marts())
    assert not problems, "\n".join(problems)


@pytest.fixture
def as_bi_reader(postgres_build: engines.PostgresCluster) -> Iterator:
    """A cursor of a session that has switched to the BI role (autocommit: a denied
    statement does not poison the next one)."""
    with postgres_build.connect() as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"set role {BI_ROLE}")
            yield cursor


def relations(cluster: engines.PostgresCluster, schemas: tuple[str, ...]) -> list[tuple[str, str]]:
    with cluster.connect() as connection, connection.cursor() as cursor:
        cursor.execute(
            "select table_schema, table_name from information_schema.tables where table_schema = any(%s) order by 1, 2",
            [list(schemas)],
        )
        return cursor.fetchall()


def test_bi_reader_is_a_group_role_without_login_or_powers(postgres_build: engines.PostgresCluster) -> None:
    with postgres_build.connect() as connection, connection.cursor() as cursor:
        cursor.execute(
            "select rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolinherit from pg_roles where rolname = %s",
            [BI_ROLE],
        )
        assert cursor.fetchall() == [(False, False, False, False, True)]


def test_bi_reader_can_read_every_mart(postgres_build: engines.PostgresCluster, as_bi_reader) -> None:
    marts = relations(postgres_build, (engines.MART_SCHEMA,))
    assert {table for _, table in marts} == {*postgres_build.marts(), "publication_log"}
    for schema, table in marts:
        as_bi_reader.execute(f'select count(*) from "{schema}"."{table}"')
        assert as_bi_reader.fetchone()[0] >= 0


def test_bi_reader_cannot_read_raw_staging_intermediate_or_seeds(
    postgres_build: engines.PostgresCluster, as_bi_reader
) -> None:
    private = relations(postgres_build, PRIVATE_SCHEMAS)
    assert {schema for schema, _ in private} == set(PRIVATE_SCHEMAS)
    for schema, table in private:
        with pytest.raises(errors.InsufficientPrivilege, match="permission denied"):
            as_bi_reader.execute(f'select * from "{schema}"."{table}" limit 1')


@pytest.mark.parametrize("schema", [engines.MART_SCHEMA, *PRIVATE_SCHEMAS, "public"])
def test_bi_reader_cannot_create_tables(postgres_build: engines.PostgresCluster, as_bi_reader, schema: str) -> None:
    with pytest.raises(errors.InsufficientPrivilege, match="permission denied"):
        as_bi_reader.execute(f'create table "{schema}".bi_reader_was_here (id integer)')


def test_bi_reader_cannot_change_or_drop_a_mart(postgres_build: engines.PostgresCluster, as_bi_reader) -> None:
    with pytest.raises(errors.InsufficientPrivilege):
        as_bi_reader.execute(f"delete from {engines.MART_SCHEMA}.dim_accounts")
    with pytest.raises(errors.InsufficientPrivilege):
        as_bi_reader.execute(f"drop table {engines.MART_SCHEMA}.dim_accounts")


def test_metrics_read_the_published_schema(
    postgres_build: engines.PostgresCluster, reference: engines.Reference, tmp_path: Path
) -> None:
    """The semantic layer on PostgreSQL (docs/metrics.md): `mf` through the `serving_postgres`
    target reads the published schema `marts`, and gives the figures SQL gives there: ARR and
    accounts by month and band, and per use case and month, overrides included (the reference
    project overrides a use case of one account for two months)."""
    env = engines.engine_env(
        "serving_postgres",
        tmp_path,
        {**postgres_build.env, **WITH_ARTIFACTS, "DBT_TARGET_PATH": str(reference.project / "target")},
        reference.project,
    )
    layer = SemanticLayer(reference.project, env)
    relations = {model["node_relation"]["relation_name"] for model in layer.parse()["semantic_models"]}
    assert relations and all(name.startswith(f'"adoption"."{engines.MART_SCHEMA}".') for name in relations), relations

    def sql(statement: str, groups: int) -> dict[tuple, tuple]:
        with postgres_build.connect() as connection, connection.cursor() as cursor:
            cursor.execute(statement)
            return from_sql(cursor.fetchall(), groups)

    band_metrics = ["arr", "accounts", "pct_arr_platform_success"]
    use_case_metrics = ["use_case_arr_adoption_rate", "use_case_adoption_rate", "overrides_in_force"]
    # Both queries in one process (semantic_layer.mf_batch): one start-up of mf, not two.
    out = tmp_path / "mf"
    answers = layer.mf_batch(
        {
            "by_band": [
                *("query", "--metrics", ",".join(band_metrics), "--group-by", "metric_time__month,adoption_band"),
                *("--csv", str(out / "by_band.csv")),
            ],
            "by_use_case": [
                *("query", "--metrics", ",".join(use_case_metrics), "--group-by", "metric_time__month,use_case"),
                *("--csv", str(out / "by_use_case.csv")),
            ],
        },
        out,
    )
    for name, answer in answers.items():
        assert answer.returncode == 0, (name, answer.stdout[-3000:])
    by_band = read_query_csv(out / "by_band.csv", band_metrics, ["metric_time__month", "adoption_band"])
    assert_same(
        by_band,
        sql(
            """
            select
                reporting_month, adoption_band, sum(total_arr), count(*),
                sum(case when adoption_band = '3+' then total_arr end) / sum(total_arr)
            from marts.fct_account_platform_adoption
            group by 1, 2
            """,
            2,
        ),
    )
    by_use_case = read_query_csv(out / "by_use_case.csv", use_case_metrics, ["metric_time__month", "use_case"])
    expected = sql(
        """
        select
            health.reporting_month,
            health.use_case,
            sum(case when health.is_adopted then accounts.total_arr else 0 end) / nullif(sum(accounts.total_arr), 0),
            avg(case when health.is_adopted then 1.0 else 0.0 end),
            sum(case when health.is_overridden then 1 else 0 end)
        from marts.fct_account_use_case_health as health
        inner join marts.fct_account_platform_adoption as accounts using (account_id, reporting_month)
        group by 1, 2
        """,
        2,
    )
    assert_same(by_use_case, expected)
    # The override counts in some month, or the comparison proves nothing for it.
    assert any(overrides for _, _, overrides in expected.values()), expected


def test_published_marts_describe_themselves(postgres_build: engines.PostgresCluster, postgres_work_dir: Path) -> None:
    """After the swap, every table of `marts` carries its model's description, its columns'
    descriptions, NOT NULL on its contract's not_null columns and its key as PRIMARY KEY
    (docs/publishing.md): made in marts_build, they moved with the tables."""
    expected = published_metadata(postgres_work_dir / "target_postgres" / "manifest.json")
    with postgres_build.connect() as connection, connection.cursor() as cursor:
        cursor.execute(
            "select c.relname, a.attname, col_description(c.oid, a.attnum), a.attnotnull"
            " from pg_class as c join pg_namespace as n on n.oid = c.relnamespace"
            " join pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped"
            " where n.nspname = 'marts' and c.relkind = 'r' order by c.relname, a.attnum"
        )
        columns: dict[str, dict[str, str | None]] = {}
        not_null: dict[str, list[str]] = {}
        for table, column, comment, is_not_null in cursor.fetchall():
            columns.setdefault(table, {})[column] = comment
            if is_not_null:
                not_null.setdefault(table, []).append(column)
        cursor.execute(
            "select c.relname, obj_description(c.oid, 'pg_class') from pg_class as c"
            " join pg_namespace as n on n.oid = c.relnamespace where n.nspname = 'marts' and c.relkind = 'r'"
        )
        tables = dict(cursor.fetchall())
        cursor.execute(
            "select c.relname, array_agg(cast(a.attname as text) order by k.ordinality)"
            " from pg_constraint as p join pg_class as c on c.oid = p.conrelid"
            " join pg_namespace as n on n.oid = c.relnamespace"
            " cross join unnest(p.conkey) with ordinality as k(attnum, ordinality)"
            " join pg_attribute as a on a.attrelid = c.oid and a.attnum = k.attnum"
            " where n.nspname = 'marts' and p.contype = 'p' group by c.relname"
        )
        primary_keys = dict(cursor.fetchall())
    assert set(expected) <= set(tables)
    for mart, want in sorted(expected.items()):
        assert tables[mart] == want["description"], mart
        assert "schema marts" in want["published_as"] and "bi_reader" in want["published_as"], mart
        assert columns[mart] == want["columns"], mart
        assert sorted(not_null.get(mart, [])) == sorted(want["not_null"]), mart
        if want["key"] and set(want["key"]) <= set(want["not_null"]):
            assert primary_keys.get(mart) == want["key"], mart
        else:
            assert mart not in primary_keys, mart
    assert len(primary_keys) >= len(expected) - 2
