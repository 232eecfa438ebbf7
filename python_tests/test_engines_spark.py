"""The project runs unchanged on Apache Spark (dbt-spark, `method: session`): the same
marts as on DuckDB, row for row.

One child process loads the landing zone with scripts/load_landing_zone.py, runs
`dbt build --target spark` (every data test; the dbt unit tests run on DuckDB and
PostgreSQL) through dbtRunner and reads every mart, all on one in-process Spark (the Derby
metastore under a temporary DBT_SPARK_DIR admits one process at a time, and starting Spark
is most of the cost).
"""

from __future__ import annotations

import engines
import pytest
from conftest import HISTORY_MARTS

pytest.importorskip("pyspark", reason="pyspark is in requirements-engines.txt")


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> engines.Reference:
    return engines.reference_build(tmp_path_factory)


@pytest.fixture(scope="session")
def spark(reference: engines.Reference, tmp_path_factory: pytest.TempPathFactory) -> engines.SparkBuild:
    reason = engines.ensure_java()
    if reason:
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("spark")
    uri_zone = engines.make_uri_zone(reference.raw_path, work / "uri_zone")
    return engines.spark_build(reference.raw_path, work, uri_zone, reference.project)


def test_loader_keeps_every_ping_line_with_its_file_and_number(
    spark: engines.SparkBuild, reference: engines.Reference
) -> None:
    assert spark.raw_pings == engines.raw_ping_lines(reference.raw_path)


def test_uri_loader_reads_what_the_local_reader_reads(spark: engines.SparkBuild) -> None:
    """`load_spark` from a file:// URI (Spark reads every byte; each ping file in several splits)
    writes the raw tables the driver reads from the local path: CSV rows and line numbers (a
    byte-order mark, a quoted line break, CRLF, an optional file missing), every ping line with
    its number (gzip, empty, CRLF, not UTF-8 read as Latin-1) and every file listed."""
    expected = engines.local_raw_tables(spark.uri_zone)
    assert expected["usage_pings"][1] and expected["instances"][1] and not expected["adoption_reasons"][1]
    assert (False,) in {row[3:] for row in expected["usage_pings"][1]}, "no line that is not UTF-8"
    problems = engines.mart_differences(expected, spark.uri_tables)
    assert not problems, "\n".join(problems)


def test_marts_match_duckdb_row_for_row(spark: engines.SparkBuild, reference: engines.Reference) -> None:
    # Spark keeps no history as published (dbt_project.yml): its history marts are disabled.
    expected = {table: mart for table, mart in reference.marts.items() if table not in HISTORY_MARTS}
    problems = engines.mart_differences(expected, spark.marts)
    assert not problems, "\n".join(problems)


def test_published_marts_are_views_of_one_build(spark: engines.SparkBuild) -> None:
    """Spark's publication (macros/publication/spark.sql): `marts` holds a view per mart, all
    over the tables of the one build recorded in publication_log."""
    publication = spark.publication
    assert set(publication["table_types"]) == set(spark.marts)
    assert set(publication["table_types"].values()) == {"VIEW"}
    assert len(publication["log"]) == 1
    assert publication["build_ids"] == publication["log"]
