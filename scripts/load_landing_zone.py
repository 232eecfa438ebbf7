"""Load a landing zone (SPEC section 2) into the `raw` schema of a server engine.

Usage::

    python scripts/load_landing_zone.py --target postgres|spark [--raw-path DIR]

DuckDB reads the landing-zone files directly; PostgreSQL and Spark read tables of the
same names in schema `raw`, which this script (re)creates:

* one table per CSV (``accounts``, ``subscriptions``, ``arr_monthly``, ``instances``,
  ``adoption_reasons``), every column text, named by the CSV header;
* ``usage_pings (source_file, line_number, payload)``: one row per raw line of
  ``usage_pings/*.ndjson`` and ``*.ndjson.gz``, ``source_file`` the bare file name
  (``2026-03.ndjson``), ``line_number`` 1-based, an empty line a NULL payload, exactly
  as the DuckDB source reads the files.

Connection settings come from the target of the same name in profiles.yml (rendered with
the same environment variables dbt uses), so the loader and ``dbt build --target ...``
always meet: the same PostgreSQL database, or the same Spark warehouse and metastore.
PostgreSQL loads with COPY in one transaction. Spark runs in-process like dbt-spark's
``session`` method; its Derby metastore admits one process at a time, so run the loader
and dbt one after the other (``load_spark`` also works inside the process that then runs
dbt programmatically, sharing one JVM).

Defaults: ``--raw-path`` is ``$ADOPTION_RAW_PATH``, else ``data/raw``; profiles.yml is read
from ``$DBT_PROFILES_DIR``, else the project root.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PROFILE = "adoption_scoring"
RAW_SCHEMA = "raw"
CSV_TABLES = ("accounts", "subscriptions", "arr_monthly", "instances", "adoption_reasons")
PINGS_TABLE = "usage_pings"
PING_GLOB = "*.ndjson*"
COPY_BATCH_LINES = 20_000


def profile_output(target: str, profiles_dir: Path | None = None) -> dict[str, Any]:
    """The `target` output of profiles.yml, rendered like dbt does (env_var, as_number)."""
    directory = profiles_dir or Path(os.environ.get("DBT_PROFILES_DIR") or PROJECT_ROOT)
    profiles = yaml.safe_load((directory / "profiles.yml").read_text(encoding="utf-8"))
    try:
        output = profiles[PROFILE]["outputs"][target]
    except KeyError:
        raise SystemExit(f"profiles.yml in {directory} has no target {target!r} in profile {PROFILE!r}") from None

    def env_var(name: str, default: str | None = None) -> str:
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise SystemExit(f"profiles.yml needs the environment variable {name}")
        return default

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.filters["as_number"] = lambda value: float(value) if "." in str(value) else int(value)

    def render(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: render(item) for key, item in value.items()}
        if isinstance(value, str) and "{{" in value:
            return environment.from_string(value).render(env_var=env_var)
        return value

    return render(output)


def csv_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        raise SystemExit(f"{path} has no header row")
    return header


def ping_files(raw_path: Path) -> list[Path]:
    files = sorted((raw_path / "usage_pings").glob(PING_GLOB))
    return [path for path in files if path.name.endswith((".ndjson", ".ndjson.gz"))]


def ping_lines(path: Path) -> Iterator[str]:
    """The raw lines of one ping file: split on LF, a trailing CR dropped, no final empty line."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        for line in handle:
            yield line.rstrip("\n").removesuffix("\r")


def check_landing_zone(raw_path: Path) -> None:
    missing = [f"{name}.csv" for name in CSV_TABLES if not (raw_path / f"{name}.csv").is_file()]
    if missing:
        raise SystemExit(f"{raw_path} is not a landing zone: missing {', '.join(missing)}")
    if not ping_files(raw_path):
        print(f"warning: no usage_pings/{PING_GLOB} under {raw_path}", file=sys.stderr)


# --- PostgreSQL ------------------------------------------------------------------------


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load_postgres(raw_path: Path, output: dict[str, Any]) -> dict[str, int]:
    """(Re)create the raw tables with COPY, in one transaction; returns rows per table."""
    import psycopg2

    connection = psycopg2.connect(
        host=output["host"],
        port=output.get("port", 5432),
        user=output["user"],
        password=output.get("password") or None,
        dbname=output.get("dbname") or output.get("database"),
        connect_timeout=output.get("connect_timeout", 10),
    )
    counts: dict[str, int] = {}
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(f"create schema if not exists {RAW_SCHEMA}")
            for name in CSV_TABLES:
                path = raw_path / f"{name}.csv"
                table = f"{RAW_SCHEMA}.{quote_identifier(name)}"
                columns = ", ".join(f"{quote_identifier(column)} text" for column in csv_header(path))
                # Dependent staging views go too; the `dbt build` after a load recreates them.
                cursor.execute(f"drop table if exists {table} cascade")
                cursor.execute(f"create table {table} ({columns})")
                with path.open(encoding="utf-8", newline="") as handle:
                    cursor.copy_expert(f"copy {table} from stdin with (format csv, header true)", handle)
                counts[name] = cursor.rowcount
            table = f"{RAW_SCHEMA}.{PINGS_TABLE}"
            cursor.execute(f"drop table if exists {table} cascade")
            cursor.execute(f"create table {table} (source_file text, line_number bigint, payload text)")
            counts[PINGS_TABLE] = 0
            for path in ping_files(raw_path):
                for batch in csv_batches(path):
                    cursor.copy_expert(f"copy {table} from stdin with (format csv)", batch)
                    counts[PINGS_TABLE] += cursor.rowcount
    finally:
        connection.close()
    return counts


def csv_batches(path: Path) -> Iterator[io.StringIO]:
    """CSV rows (source_file, line_number, payload) in batches; an empty payload is NULL."""
    buffer, writer, size = io.StringIO(), None, 0
    for number, line in enumerate(ping_lines(path), start=1):
        if writer is None:
            writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        # COPY reads an unquoted empty field (None) as NULL; text is always quoted
        # (so a line such as `\.` is data, not COPY's end-of-data marker).
        writer.writerow([path.name, number, line if line else None])
        size += 1
        if size == COPY_BATCH_LINES:
            buffer.seek(0)
            yield buffer
            buffer, writer, size = io.StringIO(), None, 0
    if size:
        buffer.seek(0)
        yield buffer


# --- Spark -----------------------------------------------------------------------------


def spark_session(output: dict[str, Any]):
    """The in-process SparkSession dbt-spark's `session` method would open (same settings)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("load_landing_zone").enableHiveSupport()
    for key, value in (output.get("server_side_parameters") or {}).items():
        builder = builder.config(key, str(value))
    return builder.getOrCreate()


def load_spark(raw_path: Path, spark) -> dict[str, int]:
    """(Re)create the raw tables with Spark's readers in database `raw`; returns rows per table."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    spark.sql(f"create database if not exists {RAW_SCHEMA}")
    counts: dict[str, int] = {}
    for name in CSV_TABLES:
        path = raw_path / f"{name}.csv"
        frame = spark.read.csv(
            str(path.resolve()),
            header=True,
            inferSchema=False,
            escape='"',  # RFC 4180: a quote inside a quoted field is doubled
            multiLine=True,
            encoding="UTF-8",
        )
        if frame.columns != csv_header(path):
            raise SystemExit(f"{path}: Spark read columns {frame.columns}, header says {csv_header(path)}")
        frame.write.mode("overwrite").saveAsTable(f"{RAW_SCHEMA}.{name}")
        counts[name] = spark.table(f"{RAW_SCHEMA}.{name}").count()

    files = [str(path.resolve()) for path in ping_files(raw_path)]
    if files:
        # One row per line (LF only, like the other loaders); row order within a file
        # follows its splits, so the id of a row orders the lines of its file.
        lines = (
            spark.read.text(files, lineSep="\n")
            .select(
                F.col("_metadata.file_name").alias("source_file"),
                F.monotonically_increasing_id().alias("read_order"),
                F.regexp_replace("value", "\r$", "").alias("line"),
            )
            .select(
                "source_file",
                F.row_number()
                .over(Window.partitionBy("source_file").orderBy("read_order"))
                .cast("bigint")
                .alias("line_number"),
                F.when(F.col("line") != "", F.col("line")).alias("payload"),
            )
        )
    else:
        lines = spark.createDataFrame([], "source_file string, line_number bigint, payload string")
    lines.write.mode("overwrite").saveAsTable(f"{RAW_SCHEMA}.{PINGS_TABLE}")
    counts[PINGS_TABLE] = spark.table(f"{RAW_SCHEMA}.{PINGS_TABLE}").count()
    return counts


# --- CLI -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, choices=("postgres", "spark"), help="profiles.yml target")
    parser.add_argument(
        "--raw-path",
        type=Path,
        default=Path(os.environ.get("ADOPTION_RAW_PATH") or "data/raw"),
        help="landing-zone directory (default: $ADOPTION_RAW_PATH, else data/raw)",
    )
    parser.add_argument("--profiles-dir", type=Path, help="directory of profiles.yml (default: $DBT_PROFILES_DIR)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    check_landing_zone(args.raw_path)
    output = profile_output(args.target, args.profiles_dir)
    if args.target == "postgres":
        counts = load_postgres(args.raw_path, output)
    else:
        spark = spark_session(output)
        try:
            counts = load_spark(args.raw_path, spark)
        finally:
            spark.stop()
    for name, rows in counts.items():
        print(f"{RAW_SCHEMA}.{name}: {rows} rows")
    print(f"loaded {args.raw_path} into {args.target} in {time.monotonic() - began:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
