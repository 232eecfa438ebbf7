"""Load a landing zone (SPEC section 2) into the `raw` schema of a server engine.

Usage::

    python scripts/load_landing_zone.py --target postgres|spark [--raw-path DIR]
    python scripts/load_landing_zone.py --target spark|spark_thrift --raw-uri URI

On DuckDB the on-run-start hook prepare_landing_zone (macros/landing/) makes the
``raw`` relations views over the files; PostgreSQL and Spark read tables of the same
names in schema `raw`, which this script (re)creates with the same rules:

* one table per CSV of the ``landing`` source (models/staging/landing/_landing__sources.yml,
  read here: its ``meta.landing_file``, ``meta.optional`` and declared columns), every
  column text, plus ``line_number`` (the line the row starts on; the header is line 1).
  A required file missing or 0 bytes, or a declared column missing from a header
  (matched case-insensitively, blanks trimmed), stops the load naming the file; an
  optional one missing or 0 bytes loads empty; extra columns are ignored; on PostgreSQL,
  whose text cannot hold it, a NUL in a cell is loaded as U+001A (both are control
  characters, listed in dq_unrecognized_values);
* ``usage_pings (source_file, line_number, payload, is_valid_utf8)``: one row per raw
  line of ``usage_pings/*.ndjson`` and ``*.ndjson.gz``, ``source_file`` the bare file
  name (``2026-03.ndjson``), ``line_number`` 1-based, an empty line a NULL payload, a
  line that is not UTF-8 read as Latin-1 with ``is_valid_utf8`` false;
* ``usage_ping_files (source_file, is_ping_file)``: every file in ``usage_pings/``.

Connection settings come from the target of the same name in profiles.yml (rendered with
the same environment variables dbt uses), so the loader and ``dbt build --target ...``
always meet: the same PostgreSQL database, or the same Spark warehouse and metastore.
PostgreSQL loads with COPY in one transaction. Spark runs in-process like dbt-spark's
``session`` method; its Derby metastore admits one process at a time, so run the loader
and dbt one after the other (``load_spark`` also works inside the process that then runs
dbt programmatically, sharing one JVM).

On Spark, Spark reads the files itself: ``--raw-uri`` names the landing zone as a URI the
cluster reads (``file:///...``, ``s3a://``, ``gs://``, ``abfss://``), and a local ``--raw-path``
is read as its ``file://`` URI (load_spark). ``--target spark_thrift`` runs as an application of
the cluster whose Thrift server dbt's ``spark_thrift`` target uses (launched with spark-submit).

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PROFILE = "adoption_scoring"
RAW_SCHEMA = "raw"
SOURCES_YML = PROJECT_ROOT / "models" / "staging" / "landing" / "_landing__sources.yml"
PINGS_TABLE = "usage_pings"
PING_FILES_TABLE = "usage_ping_files"
PING_SUFFIXES = (".ndjson", ".ndjson.gz")  # as is_ping_file_name in macros/landing/
COPY_BATCH_LINES = 20_000
PINGS_SCHEMA = "source_file string, line_number bigint, payload string, is_valid_utf8 boolean"


@dataclass(frozen=True)
class LandingCsv:
    table: str
    file_name: str
    columns: tuple[str, ...]
    optional: bool


def landing_csvs(sources_yml: Path = SOURCES_YML) -> list[LandingCsv]:
    """The CSV tables of the `landing` source, as dbt declares them."""
    document = yaml.safe_load(sources_yml.read_text(encoding="utf-8"))
    (landing,) = (source for source in document["sources"] if source["name"] == "landing")
    return [
        LandingCsv(
            table=table["name"],
            file_name=table["meta"]["landing_file"],
            columns=tuple(column["name"] for column in table.get("columns", [])),
            optional=bool(table["meta"].get("optional", False)),
        )
        for table in landing["tables"]
        if (table.get("meta") or {}).get("landing_file")
    ]


def read_landing_csv(raw_path: Path, landing: LandingCsv) -> list[list[str | None]]:
    """The rows of one landing CSV: its declared columns, then the line the row starts on."""
    path = raw_path / landing.file_name
    if not path.is_file() or path.stat().st_size == 0:
        if landing.optional:
            return []
        raise SystemExit(missing_file_message(landing, raw_path, "missing" if not path.is_file() else "empty"))
    return parse_landing_csv(path.read_bytes(), landing, str(path))


def missing_file_message(landing: LandingCsv, location: Path | str, state: str) -> str:
    state = "empty (0 bytes)" if state == "empty" else state
    return (
        f"Landing file {landing.file_name} is {state} in {location}: it is required "
        f"(columns {', '.join(landing.columns)}); nothing was loaded."
    )


class LandingFileError(SystemExit):
    """A landing CSV without a declared column: the load stops, naming the file."""


def parse_landing_csv(data: bytes, landing: LandingCsv, where: str) -> list[list[str | None]]:
    """The rows of a landing CSV's bytes: its declared columns, then the line the row starts on.

    The one parse of both loaders: the driver's, of a local path, and Spark's executors', of the
    bytes they read from a URI (load_spark)."""
    # utf-8-sig: a byte-order mark (spreadsheet exports) is not part of the first column's name,
    # as DuckDB reads it. newline="": the csv module sees CR, LF and quoted line breaks as they are.
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    header = next(reader, [])
    by_name = {name.strip().lower(): index for index, name in enumerate(header)}
    missing = [column for column in landing.columns if column not in by_name]
    if missing:
        raise LandingFileError(
            f"Landing file {landing.file_name} ({where}) has no column {', '.join(missing)}; "
            f"its header is: {', '.join(header)}. Nothing was loaded."
        )
    indexes = [by_name[column] for column in landing.columns]
    rows, line = [], reader.line_num + 1
    for record in reader:
        values = [record[index] if index < len(record) else None for index in indexes]
        rows.append([*values, line])
        line = reader.line_num + 1
    return rows


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


def landing_files(raw_path: Path) -> list[Path]:
    """Every file in usage_pings/, read or not."""
    directory = raw_path / "usage_pings"
    return sorted(path for path in directory.iterdir() if path.is_file()) if directory.is_dir() else []


def ping_files(raw_path: Path) -> list[Path]:
    return [path for path in landing_files(raw_path) if path.name.endswith(PING_SUFFIXES)]


def ping_lines(path: Path) -> Iterator[tuple[str, bool]]:
    """The raw lines of one ping file and whether each is UTF-8: split on LF, a trailing CR
    dropped, no final empty line; a line that is not UTF-8 is read as Latin-1."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as handle:
        for raw in handle:
            raw = raw.rstrip(b"\n").removesuffix(b"\r")
            try:
                yield raw.decode("utf-8"), True
            except UnicodeDecodeError:
                yield raw.decode("latin-1"), False


def check_landing_zone(raw_path: Path) -> None:
    if not raw_path.is_dir():
        raise SystemExit(f"{raw_path} is not a landing zone: no such directory")
    if not ping_files(raw_path):
        print(f"warning: no usage_pings/*.ndjson or *.ndjson.gz under {raw_path}", file=sys.stderr)


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
            for landing in landing_csvs():
                rows = read_landing_csv(raw_path, landing)
                table = f"{RAW_SCHEMA}.{quote_identifier(landing.table)}"
                columns = ", ".join(f"{quote_identifier(column)} text" for column in landing.columns)
                # Dependent staging views go too; the `dbt build` after a load recreates them.
                cursor.execute(f"drop table if exists {table} cascade")
                cursor.execute(f"create table {table} ({columns}, line_number bigint)")
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC).writerows(
                    [[without_nul(value) for value in row] for row in rows]
                )
                buffer.seek(0)
                cursor.copy_expert(f"copy {table} from stdin with (format csv)", buffer)
                counts[landing.table] = len(rows)
            table = f"{RAW_SCHEMA}.{PING_FILES_TABLE}"
            cursor.execute(f"drop table if exists {table} cascade")
            cursor.execute(f"create table {table} (source_file text, is_ping_file boolean)")
            files = [(path.name, path.name.endswith(PING_SUFFIXES)) for path in landing_files(raw_path)]
            cursor.executemany(f"insert into {table} values (%s, %s)", files)
            counts[PING_FILES_TABLE] = len(files)
            table = f"{RAW_SCHEMA}.{PINGS_TABLE}"
            cursor.execute(f"drop table if exists {table} cascade")
            cursor.execute(
                f"create table {table} (source_file text, line_number bigint, payload text, is_valid_utf8 boolean)"
            )
            counts[PINGS_TABLE] = 0
            for path in ping_files(raw_path):
                for batch in csv_batches(path):
                    cursor.copy_expert(f"copy {table} from stdin with (format csv)", batch)
                    counts[PINGS_TABLE] += cursor.rowcount
    finally:
        connection.close()
    return counts


def without_nul(value: str | int | None) -> str | int | None:
    """PostgreSQL text cannot hold U+0000: a CSV cell's NUL is loaded as U+001A (SUBSTITUTE).

    Both are control characters, so the cell is still listed in dq_unrecognized_values
    (stg_landing__csv_control_characters), as on DuckDB and Spark, which keep the NUL.
    """
    return value.replace("\x00", "\x1a") if isinstance(value, str) else value


def csv_batches(path: Path) -> Iterator[io.StringIO]:
    """CSV rows (source_file, line_number, payload, is_valid_utf8) in batches; an empty payload is NULL."""
    buffer, writer, size = io.StringIO(), None, 0
    for number, (line, is_utf8) in enumerate(ping_lines(path), start=1):
        if writer is None:
            writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        # COPY reads an unquoted empty field (None) as NULL; text is always quoted
        # (so a line such as `\.` is data, not COPY's end-of-data marker). NUL bytes
        # cannot be PostgreSQL text: such a line is rejected as not UTF-8.
        if "\x00" in line:
            line, is_utf8 = line.replace("\x00", ""), False
        writer.writerow([path.name, number, line if line else None, "true" if is_utf8 else "false"])
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

    # Local mode: Spark's Python workers (the CSV parse, below) run this interpreter, not the
    # first `python3` on PATH. A cluster's executors use the cluster's own setting.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("load_landing_zone").enableHiveSupport()
    for key, value in (output.get("server_side_parameters") or {}).items():
        builder = builder.config(key, str(value))
    return builder.getOrCreate()


def cluster_session():
    """The SparkSession of a cluster, as its launcher (spark-submit, spark-defaults.conf) configures
    it: the metastore the `spark_thrift` target's Thrift server reads. Nothing of profiles.yml."""
    from pyspark.sql import SparkSession

    return SparkSession.builder.appName("load_landing_zone").enableHiveSupport().getOrCreate()


def landing_uri(location: Path | str) -> str:
    """A landing zone as a URI Spark (Hadoop's FileSystem) reads: a local path becomes file://.

    Not Path.as_uri(): Hadoop takes the path part as it is written, unescaped."""
    if isinstance(location, Path):
        return "file://" + str(location.resolve())
    return location.rstrip("/")


def spark_files(spark, directory: str) -> dict[str, tuple[str, int]]:
    """The files in `directory` (a URI), not below it: name -> (URI, bytes). Empty when it is missing.

    Listed by Hadoop's FileSystem on the driver (metadata only), so s3a://, gs:// and abfss://
    work wherever their connector is on Spark's classpath."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(directory)
    filesystem = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if not filesystem.exists(path):
        return {}
    return {
        status.getPath().getName(): (status.getPath().toString(), status.getLen())
        for status in filesystem.listStatus(path)
        if status.isFile()
    }


def load_spark(location: Path | str, spark, database: str = RAW_SCHEMA) -> dict[str, int]:
    """(Re)create the raw tables in `database` from a landing zone that Spark reads itself.

    `location` is a local directory or a URI the cluster reads (file://, s3a://, gs://,
    abfss://...): the driver lists the files and checks the CSVs' presence; the executors read
    every byte. A CSV is parsed whole by one Python task (parse_landing_csv, as the PostgreSQL
    loader parses it); ping files are read by Spark's text reader, split like any large file,
    and numbered without gathering a file's lines in one place. Returns rows per table."""
    from pyspark import cloudpickle
    from pyspark.sql import functions as F

    root = landing_uri(location)
    top = spark_files(spark, root)
    if not top and not spark_files(spark, f"{root}/usage_pings"):
        raise SystemExit(f"{root} is not a landing zone: no such directory, or nothing in it")
    # Executors get this module's functions by value: it need not be installed there.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    csvs = landing_csvs()
    present = {}
    for landing in csvs:
        uri, size = top.get(landing.file_name, (None, 0))
        if size:
            present[landing.file_name] = uri
        elif not landing.optional:
            raise SystemExit(missing_file_message(landing, root, "empty" if uri else "missing"))
    # Every CSV parsed (and its header checked) before any table is replaced.
    parsed = csv_frame(spark, [landing for landing in csvs if landing.file_name in present], list(present.values()))
    spark.sql(f"create database if not exists {database}")
    counts = dict.fromkeys((landing.table for landing in csvs), 0)
    counts.update({row.table: row["count"] for row in parsed.groupBy("table").count().collect()})
    for landing in csvs:
        frame = parsed.where(F.col("table") == landing.table).select(
            *(F.col("csv_values")[index].alias(column) for index, column in enumerate(landing.columns)),
            "line_number",
        )
        frame.write.mode("overwrite").saveAsTable(f"{database}.{landing.table}")
    parsed.unpersist()
    files = spark_files(spark, f"{root}/usage_pings")
    listed = [(name, name.endswith(PING_SUFFIXES)) for name in sorted(files)]
    spark.createDataFrame(listed, "source_file string, is_ping_file boolean").write.mode("overwrite").saveAsTable(
        f"{database}.{PING_FILES_TABLE}"
    )
    counts[PING_FILES_TABLE] = len(listed)
    uris = [files[name][0] for name, is_ping_file in listed if is_ping_file]
    if uris:
        lines = ping_frame(spark, uris)
    else:
        print(f"warning: no usage_pings/*.ndjson or *.ndjson.gz under {root}", file=sys.stderr)
        lines = spark.createDataFrame([], PINGS_SCHEMA)
    lines.write.mode("overwrite").saveAsTable(f"{database}.{PINGS_TABLE}")
    counts[PINGS_TABLE] = spark.table(f"{database}.{PINGS_TABLE}").count()
    return counts


def csv_frame(spark, landings: list[LandingCsv], uris: list[str]):
    """The rows of the landing CSVs at `uris` (table, csv_values, line_number), parsed on executors
    with parse_landing_csv, one task per file, in one job; persisted (the caller writes a table
    per CSV from it and unpersists it).

    A missing column stops the load with the loader's own message: the executor returns it as a
    row of its own (an exception there would reach the driver as a Java stack trace)."""
    from pyspark.sql import functions as F

    by_name = {landing.file_name: landing for landing in landings}
    schema = "table string, csv_values array<string>, line_number bigint, load_error string"
    if not uris:
        return spark.createDataFrame([], schema)

    def parse(file_name: str, content: bytearray) -> list[tuple]:
        landing = by_name[file_name]
        try:
            rows = parse_landing_csv(bytes(content), landing, uris[landings.index(landing)])
        except LandingFileError as error:
            return [(landing.table, None, None, str(error))]
        return [(landing.table, row[:-1], row[-1], None) for row in rows]

    content = spark.read.format("binaryFile").load(uris).select(F.col("_metadata.file_name").alias("name"), "content")
    parsed = spark.createDataFrame(content.rdd.flatMap(lambda row: parse(row.name, row.content)), schema)
    parsed = parsed.persist()
    errors = parsed.where("load_error is not null").limit(1).collect()
    if errors:
        parsed.unpersist()
        raise SystemExit(errors[0].load_error)
    return parsed


def ping_frame(spark, uris: list[str]):
    """(source_file, line_number, payload, is_valid_utf8): one row per line of the ping files.

    Lines are split on LF only, a trailing CR dropped, an empty line a NULL payload; a line that
    is not UTF-8 is read as Latin-1 with is_valid_utf8 false (ping_lines, the driver's reader).
    Line numbers: Spark reads a file in splits (blocks), each a run of whole lines, and a row's
    monotonically_increasing_id counts rows within its task, where a split's lines are
    consecutive. A line's number is the lines of the file's earlier splits (a small aggregate,
    broadcast) plus its place in its split: no window over a whole file, which would gather a
    file's lines on one executor."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    lines = spark.read.text(uris, lineSep="\n").select(
        F.col("_metadata.file_name").alias("source_file"),
        F.col("_metadata.file_block_start").alias("block_start"),
        F.monotonically_increasing_id().alias("read_order"),
        F.expr("is_valid_utf8(value)").alias("is_valid_utf8"),
        "value",
    )
    earlier = Window.partitionBy("source_file").orderBy("block_start").rowsBetween(Window.unboundedPreceding, -1)
    splits = (
        lines.groupBy("source_file", "block_start")
        .agg(F.min("read_order").alias("first_read_order"), F.count(F.lit(1)).alias("split_lines"))
        .select(
            "source_file",
            "block_start",
            "first_read_order",
            F.coalesce(F.sum("split_lines").over(earlier), F.lit(0)).alias("lines_before"),
        )
    )
    # Latin-1 from the line's own bytes (a string cast to binary keeps them).
    text = F.when(F.col("is_valid_utf8"), F.col("value")).otherwise(
        F.decode(F.col("value").cast("binary"), "ISO-8859-1")
    )
    line = F.regexp_replace(text, "\\r\\z", "")
    return lines.join(F.broadcast(splits), ["source_file", "block_start"]).select(
        "source_file",
        (F.col("lines_before") + F.col("read_order") - F.col("first_read_order") + 1)
        .cast("bigint")
        .alias("line_number"),
        F.when(line != "", line).alias("payload"),
        "is_valid_utf8",
    )


# --- CLI -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--target",
        required=True,
        choices=("postgres", "spark", "spark_thrift"),
        help="profiles.yml target; spark_thrift: the SparkSession spark-submit configures (the cluster's)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--raw-path",
        type=Path,
        help="landing-zone directory (default: $ADOPTION_RAW_PATH, else data/raw)",
    )
    where.add_argument(
        "--raw-uri",
        help="Spark only: the landing zone as a URI the cluster reads (file:///..., s3a://bucket/landing, "
        "gs://..., abfss://...); Spark reads the files, the driver only lists them",
    )
    parser.add_argument("--profiles-dir", type=Path, help="directory of profiles.yml (default: $DBT_PROFILES_DIR)")
    args = parser.parse_args(argv)
    if args.raw_uri and args.target == "postgres":
        parser.error("--raw-uri is for --target spark (PostgreSQL loads from a local --raw-path)")
    if args.raw_uri is None and args.raw_path is None:
        args.raw_path = Path(os.environ.get("ADOPTION_RAW_PATH") or "data/raw")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    if args.raw_path is not None:
        check_landing_zone(args.raw_path)
    location = args.raw_uri or args.raw_path
    if args.target == "postgres":
        counts = load_postgres(args.raw_path, profile_output(args.target, args.profiles_dir))
    else:
        spark = spark_session(profile_output(args.target, args.profiles_dir)) if args.target == "spark" else None
        spark = spark or cluster_session()
        try:
            counts = load_spark(location, spark)
        finally:
            spark.stop()
    for name, rows in counts.items():
        print(f"{RAW_SCHEMA}.{name}: {rows} rows")
    print(f"loaded {location} into {args.target} in {time.monotonic() - began:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
