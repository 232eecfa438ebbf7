"""Helpers of the engine tests (test_engines_*.py): one landing zone built on DuckDB as
the reference, a throwaway PostgreSQL cluster, a Spark build in one process, and a
row-by-row comparison of every mart.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import gzip
import json
import math
import os
import pickle
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import HISTORY_MARTS, PROJECT_ROOT, QUIET_DBT, built_once, copy_project, generate_landing_zone, run_dbt
from dbt_environment import dbt_environment

MART_SCHEMA = "marts"  # published, on every engine
BUILD_SCHEMA = "marts_build"  # where the DuckDB reference's marts are built
# Not compared between engines: each build has its own id and its own log row.
PER_BUILD_COLUMNS = {"build_id"}
PER_BUILD_TABLES = {"publication_log"}
LOADER = PROJECT_ROOT / "scripts" / "load_landing_zone.py"
# Small on purpose (engine start-up dominates); months in the past, because pings
# stamped after the build start are rejected.
ZONE = {"accounts": 25, "months": 4, "seed": 7, "start_month": "2025-01"}
FLOAT_TOLERANCE = 1e-9

# Snapshot: table -> (column names, rows sorted); rows hold Python values.
Snapshot = dict[str, tuple[list[str], list[tuple]]]

_cache: dict[str, Any] = {}


@contextmanager
def timed(label: str) -> Iterator[None]:
    """Print how long a step took (shown with pytest -s, and in failure output)."""
    began = time.monotonic()
    try:
        yield
    finally:
        print(f"[engines] {label}: {time.monotonic() - began:.1f}s", file=sys.stderr)


# --- the reference: the landing zone built on DuckDB ------------------------------------


@dataclass
class Reference:
    raw_path: Path
    database: Path
    marts: Snapshot
    # The project every engine builds: a copy whose CSM seeds name the zone's accounts.
    project: Path
    # The text tie-breaks the zone holds (add_text_ties), and the rows DuckDB chose.
    ties: TextTies


@dataclass(frozen=True)
class TextTies:
    subscription_id: str
    reporting_month: date
    # Two instances tied on every key but their uuids, which differ only in case.
    uuids: tuple[str, str]
    # Two pings of uuids[0] tied on recorded_at, ids differing only in case.
    ping_ids: tuple[str, str]

    @property
    def primary_uuid(self) -> str:
        """The smallest uuid, compared by code point (Python's order, DuckDB's and Spark's)."""
        return min(self.uuids)

    @property
    def latest_ping_id(self) -> str:
        """The greatest ping id, compared by code point."""
        return max(self.ping_ids)


def add_text_ties(raw_path: Path) -> TextTies:
    """Land ties that only a text tie-break settles, where a language-aware collation (ICU
    en-US: `u-` before `U-`) and code-point order (`U-` before `u-`) disagree: two new
    Production instances of one subscription with the same billable users (more than any
    other) and the same ping time, uuids differing only in case, and a second ping of the
    first one at the same time with an id differing only in case. Their CI builds differ,
    so another choice changes the instance and account marts. Their labels are appended
    to instances.csv with CRLF line endings, so that the file mixes CRLF and LF as well."""
    with (raw_path / "arr_monthly.csv").open(encoding="utf-8") as handle:
        base_arr = {
            (row["arr_month"][:7], row["subscription_id"])
            for row in csv.DictReader(handle)
            if row["product_category"] == "Base Products" and float(row["arr"]) > 0
        }
    path = sorted((raw_path / "usage_pings").glob("*.ndjson"))[-1]
    month = path.name[:7]
    pings = []  # the well-formed ones: the generator lands bad lines too
    for line in path.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError):
            ping = json.loads(line)
            if isinstance(ping, dict) and isinstance(ping.get("recorded_at"), str):
                pings.append(ping)
    model = next(
        ping
        for ping in pings
        if (month, ping.get("license_subscription_id")) in base_arr and ping["recorded_at"].startswith(month)
    )
    subscription_id = model["license_subscription_id"]
    most_users = max(
        max(int(ping.get(key) or 0) for key in ("license_billable_users", "active_user_count"))
        for ping in pings
        if ping.get("license_subscription_id") == subscription_id
    )
    ties = TextTies(subscription_id, date.fromisoformat(f"{month}-01"), ("u-tie-1", "U-TIE-1"), ("p-tie-1", "P-TIE-1"))
    new_pings = [
        (ties.uuids[0], ties.ping_ids[0], 1000),
        (ties.uuids[0], ties.ping_ids[1], 10),
        (ties.uuids[1], "q-tie-1", 100_000),
    ]
    with path.open("a", encoding="utf-8") as handle:
        for uuid, ping_id, ci_builds in new_pings:
            ping = json.loads(json.dumps(model))
            ping.update(id=ping_id, uuid=uuid, hostname=f"{uuid}.example", license_billable_users=most_users + 10)
            ping.setdefault("counts_monthly", {})["ci_builds"] = ci_builds
            handle.write(json.dumps(ping) + "\n")
    with (raw_path / "instances.csv").open("ab") as handle:
        for uuid in ties.uuids:
            handle.write(f"{uuid},{uuid}.example,Production,{month}-01T00:00:00Z\r\n".encode())
    return ties


def csm_seeded_project(destination: Path, raw_path: Path) -> Path:
    """A copy of the project whose CSM seeds (shipped empty) override a use case of the
    zone's first account for two middle months, exclude one instance for one month and list
    the first account's use cases as reference accounts, so the engines compare overrides,
    exclusions, dq_excluded_instances and the reference-account checks too."""
    project = copy_project(destination)
    with (raw_path / "accounts.csv").open(encoding="utf-8") as handle:
        account_id = next(csv.DictReader(handle))["account_id"]
    ping_files = sorted((raw_path / "usage_pings").glob("*.ndjson"))
    month = ping_files[1].name[:7]
    with ping_files[1].open(encoding="utf-8") as handle:
        uuid = json.loads(handle.readline())["uuid"]
    next_month = ping_files[2].name[:7]
    rows = {
        "score_overrides": [f"{account_id},CI,{month}-01,{next_month}-01,Green,engines compare overrides"],
        "instance_exclusions": [f"{uuid},engines compare exclusions,{month}-01,{month}-01"],
        # One expectation per use case and color, so the engines compare agreement and score_miss.
        "reference_accounts": [
            f"{account_id},{use_case},{color},engines,{month}-15,engines compare reference checks"
            for use_case, color in (("SCM", "Yellow"), ("CI", "Green"), ("CD", "Red"), ("Security", "Yellow"))
        ],
    }
    for seed, lines in rows.items():
        with (project / "seeds" / f"{seed}.csv").open("a", encoding="utf-8") as handle:
            handle.writelines(line + "\n" for line in lines)
    return project


def add_implausible_inputs(raw_path: Path) -> None:
    """Implausible values every engine must treat alike (README "Bad input"): control
    characters in CSV text, negative seats, an account with ARR months before it became a
    customer; pings from a reset clock, with metrics sent as JSON strings, and with more
    billable than active users."""

    def rewrite(name: str, edit) -> None:
        path = raw_path / name
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        edit(rows[0], rows[1:])
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)

    def accounts(header: list[str], rows: list[list[str]]) -> None:
        rows[0][header.index("account_name")] += "\x01"
        rows[1][header.index("csm_name")] = "\x7f" + rows[1][header.index("csm_name")]
        rows[2][header.index("customer_since_date")] = "2025-03-15"  # after its first ARR months

    def arr(header: list[str], rows: list[list[str]]) -> None:
        row = next(row for row in rows if int(row[header.index("seats")]) > 0)
        row[header.index("seats")] = "-" + row[header.index("seats")]

    rewrite("accounts.csv", accounts)
    rewrite("arr_monthly.csv", arr)
    pings = [
        {"id": "engines-epoch", "uuid": "engines-clock-reset", "recorded_at": "1970-01-01T00:00:00Z"},
        {
            "id": "engines-strings",
            "uuid": "engines-strings",
            "recorded_at": "2025-01-15T00:00:00Z",
            "license_user_count": 10,
            "license_billable_users": "8",
            "active_user_count": 9,
            "counts_monthly": {"ci_builds": "12"},
        },
        {
            "id": "engines-billable",
            "uuid": "engines-billable",
            "recorded_at": "2025-01-15T00:00:00Z",
            "license_user_count": 10,
            "license_billable_users": 12,
            "active_user_count": 11,
        },
    ]
    first_file = sorted((raw_path / "usage_pings").glob("*.ndjson"))[0]
    with first_file.open("a", encoding="utf-8") as handle:
        handle.writelines(json.dumps(ping) + "\n" for ping in pings)


def make_reference(root: Path) -> None:
    """The engine tests' landing zone in `root/raw`, the project they build in `root/project`, its
    DuckDB build `root/reference.duckdb`, and the zone's text ties in `root/ties.json`."""
    raw_path = generate_landing_zone(
        root / "raw", ZONE["accounts"], ZONE["months"], seed=ZONE["seed"], start_month=ZONE["start_month"]
    )
    add_implausible_inputs(raw_path)
    # A stray file beside the pings: every engine lists it (dq_ignored_landing_files) and reads none of it.
    first_file = sorted((raw_path / "usage_pings").glob("*.ndjson"))[0]
    shutil.copy(first_file, first_file.with_name(first_file.name + ".bak"))
    ties = add_text_ties(raw_path)
    (root / "ties.json").write_text(json.dumps(asdict(ties), default=str), encoding="utf-8")
    project = csm_seeded_project(root / "project", raw_path)
    # Only the marts are compared: seeds, snapshots (the history marts read them) and models
    # (tests run in the engines' builds).
    with timed("duckdb build"):
        result = run_dbt(
            ["build", "--resource-type", "seed", "--resource-type", "snapshot", "--resource-type", "model"],
            raw_path,
            root / "reference.duckdb",
            project_dir=project,
        )
    assert result.ok, result.output[-5000:]


def reference_build(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """The engine tests' landing zone and its DuckDB marts, made once per pytest run: under xdist
    test_engines_spark.py and test_engines_postgres.py may run in two workers, and the second
    waits for the first's build (conftest.built_once) instead of making its own. Each process
    reads the marts back and checks them."""
    if "reference" not in _cache:
        root = built_once(tmp_path_factory, "engines_reference", make_reference)
        raw_path, database, project = root / "raw", root / "reference.duckdb", root / "project"
        saved = json.loads((root / "ties.json").read_text(encoding="utf-8"))
        ties = TextTies(
            saved["subscription_id"],
            date.fromisoformat(saved["reporting_month"]),
            tuple(saved["uuids"]),
            tuple(saved["ping_ids"]),
        )
        with duckdb.connect(str(database), read_only=True) as connection:
            tables = [
                name
                for (name,) in connection.execute(
                    "select table_name from information_schema.tables "
                    "where table_schema = ? and table_type = 'BASE TABLE' order by 1",
                    [BUILD_SCHEMA],
                ).fetchall()
            ]
            marts = {table: read_table(connection.cursor(), f'"{BUILD_SCHEMA}"."{table}"') for table in tables}
            # The ties are ties, and DuckDB settles them by code point.
            assert chosen_by_tie_breaks(connection.cursor(), ties, "?") == (ties.primary_uuid, ties.latest_ping_id)
        # An empty mart would make the engines' comparison vacuous.
        # The history marts of a first build hold no earlier publication (test_history*.py test them).
        compared = {table: rows for table, (_, rows) in marts.items() if table not in HISTORY_MARTS}
        assert compared and all(compared.values()), {t: len(rows) for t, rows in compared.items()}
        # The implausible inputs must reach the compared marts, or their comparison is vacuous.
        columns, rows = marts["dq_unrecognized_values"]
        flagged = {row[columns.index("column_name")] for row in rows}
        assert {"account_name", "csm_name", "seats", "customer_since_date", "license_billable_users"} <= flagged
        columns, rows = marts["dq_rejected_pings"]
        assert "early_recorded_at" in {row[columns.index("rejection_reason")] for row in rows}
        _cache["reference"] = Reference(raw_path, database, marts, project, ties)
    return _cache["reference"]


def chosen_by_tie_breaks(cursor, ties: TextTies, placeholder: str) -> tuple[str, str]:
    """(primary uuid, ping id kept for uuids[0]) that a build chose, through a DB-API cursor,
    after checking that nothing but the text tie-breaks separated the candidates."""
    cursor.execute(
        "select uuid, ping_id, billable_user_count, recorded_at, instance_type"
        " from intermediate.int_instance_monthly_pings"
        f" where license_subscription_id = {placeholder} and reporting_month = {placeholder}",
        [ties.subscription_id, ties.reporting_month],
    )
    candidates = {row[0]: row[1:] for row in cursor.fetchall()}
    tied = [candidates.get(uuid) for uuid in ties.uuids]
    assert tied[0] is not None and tied[1] is not None, f"tied instances missing: {candidates}"
    assert tied[0][1:] == tied[1][1:], f"the instances are not tied: {tied}"
    most_users = max(row[1] for row in candidates.values() if row[1] is not None)
    assert most_users == tied[0][1], f"another instance has as many users: {candidates}"
    assert [row[1] for row in candidates.values()].count(most_users) == 2, f"a third instance ties: {candidates}"
    cursor.execute(
        "select uuid from intermediate.int_subscription_primary_instances"
        f" where subscription_id = {placeholder} and reporting_month = {placeholder}",
        [ties.subscription_id, ties.reporting_month],
    )
    (primary,) = cursor.fetchall()
    return primary[0], tied[0][0]


def raw_ping_lines(raw_path: Path) -> list[tuple[str, int, str | None]]:
    """(file name, 1-based line number, line or None when empty) of every ping file line."""
    lines = []
    for path in sorted((raw_path / "usage_pings").glob("*.ndjson*")):
        if not path.name.endswith((".ndjson", ".ndjson.gz")):
            continue
        data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
        text = data.decode("utf-8").removesuffix("\n")
        for number, line in enumerate(text.split("\n") if text else [], start=1):
            line = line.removesuffix("\r")
            lines.append((path.name, number, line or None))
    return sorted(lines)


def read_table(cursor, relation: str) -> tuple[list[str], list[tuple]]:
    """Column names and sorted rows of a relation, through any DB-API cursor, without the
    columns that differ between builds by design."""
    cursor.execute(f"select * from {relation}")
    columns = [column[0] for column in cursor.description]
    kept = [index for index, name in enumerate(columns) if name not in PER_BUILD_COLUMNS]
    rows = [tuple(row[index] for index in kept) for row in cursor.fetchall()]
    return [columns[index] for index in kept], sort_rows(rows)


def sort_key(value: Any) -> tuple:
    if value is None:
        return (0, "")
    if isinstance(value, bool):
        return (1, str(value))
    if isinstance(value, int | float | Decimal):
        # Rounded, so that engines whose floats differ in the last bits sort alike.
        return (2, f"{float(value):.6f}")
    if isinstance(value, date | datetime):
        return (3, value.isoformat())
    return (4, str(value))


def sort_rows(rows: list) -> list[tuple]:
    return sorted((tuple(row) for row in rows), key=lambda row: tuple(sort_key(value) for value in row))


def values_match(expected: Any, actual: Any) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, float) or isinstance(actual, float):
        return isinstance(actual, int | float | Decimal) and math.isclose(
            float(expected), float(actual), rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE
        )
    if isinstance(expected, Decimal) or isinstance(actual, Decimal):
        return Decimal(expected) == Decimal(actual)  # exact, whatever the scale
    return type(expected) is type(actual) and expected == actual


def mart_differences(expected: Snapshot, actual: Snapshot, limit: int = 20) -> list[str]:
    """Every way `actual` differs from `expected` (tables, columns, rows), at most `limit`."""
    problems: list[str] = []
    if set(expected) != set(actual):
        missing, extra = set(expected) - set(actual), set(actual) - set(expected)
        problems.append(f"mart tables differ: missing {sorted(missing)}, extra {sorted(extra)}")
    for table in sorted(set(expected) & set(actual)):
        (expected_columns, expected_rows), (actual_columns, actual_rows) = expected[table], actual[table]
        if expected_columns != actual_columns:
            problems.append(f"{table}: columns {actual_columns} instead of {expected_columns}")
            continue
        if len(expected_rows) != len(actual_rows):
            problems.append(f"{table}: {len(actual_rows)} rows instead of {len(expected_rows)}")
            continue
        for index, (expected_row, actual_row) in enumerate(zip(expected_rows, actual_rows, strict=True)):
            mismatched = [
                f"{column}={actual_value!r} (expected {expected_value!r})"
                for column, expected_value, actual_value in zip(expected_columns, expected_row, actual_row, strict=True)
                if not values_match(expected_value, actual_value)
            ]
            if mismatched:
                problems.append(f"{table} sorted row {index}: " + ", ".join(mismatched))
                if len(problems) >= limit:
                    return problems
    return problems


# --- the Spark loader's URI path ---------------------------------------------------------

# Tables of the raw schema, as the loader writes them.
RAW_TABLES_EXTRA = ("usage_pings", "usage_ping_files")
# Small enough that Spark splits each ping file of the zone into several blocks.
URI_SPLIT_BYTES = 8192


def make_uri_zone(raw_path: Path, destination: Path) -> Path:
    """A copy of `raw_path` with what a reader can get wrong: a gzipped ping file with an empty
    line, a line that is not UTF-8, a CRLF line, a line ending in two CRs and no final newline;
    instances.csv with a byte-order mark and a quoted line break in a field (its row then starts
    two lines before the next one); no adoption_reasons.csv (optional: loaded empty)."""
    shutil.copytree(raw_path, destination)
    lines = [b'{"id": "uri-1", "uuid": "uri-a"}', b"", b"latin \xe9t\xe9 \xff", b'{"id": "uri-2"}\r', b"cr cr\r\r"]
    (destination / "usage_pings" / "2031-01.ndjson.gz").write_bytes(gzip.compress(b"\n".join(lines)))
    instances = destination / "instances.csv"
    data = instances.read_bytes()
    header, _, rest = data.partition(b"\n")
    quoted = b'uri-quoted,"host\nwith a break",Production,2025-01-01T00:00:00Z\n'
    instances.write_bytes(b"\xef\xbb\xbf" + header + b"\n" + quoted + rest)
    (destination / "adoption_reasons.csv").unlink()
    return destination


def local_raw_tables(raw_path: Path) -> Snapshot:
    """The raw tables of a landing zone as the driver reads a local path (read_landing_csv,
    ping_lines, landing_files: what the PostgreSQL loader copies), rows sorted."""
    sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
    import load_landing_zone as loader

    tables: Snapshot = {}
    for landing in loader.landing_csvs():
        columns = [*landing.columns, "line_number"]
        tables[landing.table] = (columns, sort_rows(loader.read_landing_csv(raw_path, landing)))
    pings = [
        (path.name, number, line or None, is_utf8)
        for path in loader.ping_files(raw_path)
        for number, (line, is_utf8) in enumerate(loader.ping_lines(path), start=1)
    ]
    tables["usage_pings"] = (["source_file", "line_number", "payload", "is_valid_utf8"], sort_rows(pings))
    files = [(path.name, path.name.endswith(loader.PING_SUFFIXES)) for path in loader.landing_files(raw_path)]
    tables["usage_ping_files"] = (["source_file", "is_ping_file"], sort_rows(files))
    return tables


# --- dbt on a server engine -------------------------------------------------------------


def engine_env(target: str, work_dir: Path, extra: dict[str, str], project: Path = PROJECT_ROOT) -> dict[str, str]:
    """Environment of a dbt / loader process on `target`, with its own target and log dirs."""
    logs = work_dir / f"logs_{target}"
    extra = {"TZ": "UTC", **QUIET_DBT, **extra}
    return dbt_environment(target, project, work_dir / f"target_{target}", logs, extra=extra)


def run(
    args: list[str], env: dict[str, str], label: str, timeout: float = 1800, project: Path = PROJECT_ROOT
) -> subprocess.CompletedProcess:
    with timed(label):
        proc = subprocess.run(args, cwd=project, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{label} failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-8000:]}"
    return proc


# --- PostgreSQL -------------------------------------------------------------------------

PG_BIN = Path(os.environ.get("ADOPTION_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def apt_get_install(package: str, *more: str) -> str | None:
    """`apt-get update` then `apt-get install package [more]` (`more`: further packages and apt-get
    options); None when it worked, else why not.
    pytest's two workers may both install at once (PostgreSQL, Java): apt admits one at a
    time, so they take turns on a file lock."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with open(Path(tempfile.gettempdir()) / "adoption_scoring_apt.lock", "w") as lock, timed(f"apt-get {package}"):
        fcntl.flock(lock, fcntl.LOCK_EX)
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", package, *more]):
            proc = subprocess.run(command, env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                return f"{' '.join(command)} failed: {(proc.stdout + proc.stderr)[-2000:]}"
    return None


def ensure_postgres_binaries() -> str | None:
    """None when initdb/pg_ctl are there (installed with apt-get if needed), else why not."""
    if (PG_BIN / "initdb").exists():
        return None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return f"PostgreSQL 15 is not installed ({PG_BIN}) and this user cannot apt-get install it"
    failure = apt_get_install("postgresql")
    if failure:
        return failure
    if not (PG_BIN / "initdb").exists():
        return f"apt-get installed postgresql, but there is no {PG_BIN / 'initdb'}"
    return None


@dataclass
class PostgresCluster:
    """A throwaway cluster on 127.0.0.1 (trust authentication, superuser `postgres`)."""

    directory: Path
    port: int
    database: str = "adoption"
    user: str = "postgres"
    # The database's collation: language-aware (ICU en-US sorts `u-1` before `U-1` and
    # ignores punctuation at first), as many production databases are, so that every
    # PostgreSQL build checks that the project's text tie-breaks do not depend on it.
    icu_locale: str = "en-US"

    def as_owner(self, args: list[str]) -> list[str]:
        # initdb and the server refuse to run as root: run them as the `postgres` user.
        return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args

    def start(self) -> PostgresCluster:
        data, sockets = self.directory / "data", self.directory / "sockets"
        sockets.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
            shutil.chown(sockets, "postgres")
        subprocess.run(
            self.as_owner([str(PG_BIN / "initdb"), "-D", str(data), "-U", self.user, "--auth=trust", "-E", "UTF8"]),
            check=True,
            capture_output=True,
        )
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {sockets} -c fsync=off"
        log = str(self.directory / "log")
        subprocess.run(
            self.as_owner([str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", log, "-w", "start"]),
            check=True,
            capture_output=True,
        )
        with self.connect("postgres") as connection:
            connection.autocommit = True
            connection.cursor().execute(
                f"create database {self.database} template template0 encoding 'UTF8'"
                f" locale_provider icu icu_locale '{self.icu_locale}'"
            )
        return self

    def stop(self) -> None:
        subprocess.run(
            self.as_owner([str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(self.directory, ignore_errors=True)

    def connect(self, database: str | None = None):
        import psycopg2

        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname=database or self.database
        )
        return _Closing(connection)

    @property
    def env(self) -> dict[str, str]:
        """What profiles.yml's postgres target reads."""
        return {
            "DBT_POSTGRES_HOST": "127.0.0.1",
            "DBT_POSTGRES_PORT": str(self.port),
            "DBT_POSTGRES_USER": self.user,
            "DBT_POSTGRES_DBNAME": self.database,
        }

    def marts(self) -> Snapshot:
        with self.connect() as connection, connection.cursor() as cursor:
            cursor.execute(
                "select table_name from information_schema.tables "
                "where table_schema = %s and table_type = 'BASE TABLE' order by 1",
                [MART_SCHEMA],
            )
            tables = [name for (name,) in cursor.fetchall() if name not in PER_BUILD_TABLES]
            return {table: read_table(cursor, f'"{MART_SCHEMA}"."{table}"') for table in tables}


class _Closing:
    """A psycopg2 connection as a context manager that closes it (psycopg2's only commits)."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        return self.connection

    def __exit__(self, *_):
        self.connection.close()


def start_postgres() -> PostgresCluster:
    # The cluster directory must be reachable by the `postgres` user: not under pytest's
    # private (0700) temporary root.
    directory = Path(tempfile.mkdtemp(prefix="adoption_pg_"))
    os.chmod(directory, 0o755)
    return PostgresCluster(directory, free_port()).start()


# --- Spark ------------------------------------------------------------------------------


def ensure_java() -> str | None:
    """None when a Java runtime is there (installed with apt-get if needed), else why not."""
    if shutil.which("java") or os.environ.get("JAVA_HOME"):
        return None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return "Spark needs Java (17) and this user cannot apt-get install it"
    failure = apt_get_install("openjdk-17-jre-headless")
    if failure:
        return failure
    return None if shutil.which("java") else "apt-get installed openjdk-17-jre-headless, but there is no java"


# Runs in a child process: load the landing zone, `dbt build --target spark` and read
# every mart, all in one JVM (the in-process metastore admits one process at a time, and
# starting Spark dominates the cost). The dbt unit tests (SQL on mocked rows) run on DuckDB
# and PostgreSQL; on Spark each one is a plan of its own, and they would add a third to
# this build: only those of the sentences' number formatting (dispatched per engine) run.
# Every data test runs, and the marts are compared row for row.
SPARK_UNIT_TESTS = ("next_steps_read_well_counts_and_units", "next_steps_read_well_values_apart_from_bounds")
SPARK_PIPELINE = """
import pickle, sys
from pathlib import Path
sys.path.insert(0, {scripts!r})
sys.path.insert(0, {tests!r})
import load_landing_zone as loader
from engines import MART_SCHEMA, PER_BUILD_TABLES, read_table
from dbt.cli.main import dbtRunner

spark = loader.spark_session(loader.profile_output("spark"))
print(loader.load_spark(Path({raw_path!r}), spark), flush=True)
result = dbtRunner().invoke(["build", "--target", "spark", "--exclude-resource-type", "unit_test"])
if not result.success:
    sys.exit("dbt build --target spark failed")
result = dbtRunner().invoke(["test", "--target", "spark", "--select", *{unit_tests!r}])
ran = [r for r in result.result.results if r.node.unique_id.startswith("unit_test.")]
if not result.success or len(ran) != len({unit_tests!r}):
    sys.exit("the next-step wording unit tests failed or did not all run on spark")
tables = [
    row.tableName
    for row in spark.sql("show tables in " + MART_SCHEMA).collect()
    if not row.isTemporary and row.tableName not in PER_BUILD_TABLES
]


class Cursor:
    def execute(self, sql):
        self.frame = spark.sql(sql)
        self.description = [(name,) for name in self.frame.columns]

    def fetchall(self):
        return [tuple(row) for row in self.frame.collect()]


marts = {{table: read_table(Cursor(), MART_SCHEMA + "." + table) for table in sorted(tables)}}
raw_lines = spark.table("raw.usage_pings").select("source_file", "line_number", "payload")
raw_pings = sorted(tuple(row) for row in raw_lines.collect())
publication = {{
    "table_types": {{t: spark.catalog.getTable(MART_SCHEMA + "." + t).tableType for t in tables}},
    "build_ids": sorted({{
        row.build_id
        for t in tables
        for row in spark.sql(f"select distinct build_id from {{MART_SCHEMA}}.{{t}}").collect()
    }}),
    "log": [row.build_id for row in spark.sql(f"select build_id from {{MART_SCHEMA}}.publication_log").collect()],
}}
# The loader's URI path on another zone, its ping files read in several splits each, into its own
# database: no build reads it.
spark.conf.set("spark.sql.files.maxPartitionBytes", {split_bytes!r})
loader.load_spark({uri!r}, spark, database="raw_uri")
uri_tables = {{
    row.tableName: read_table(Cursor(), "raw_uri." + row.tableName)
    for row in spark.sql("show tables in raw_uri").collect()
}}
Path({out!r}).write_bytes(
    pickle.dumps({{"marts": marts, "raw_pings": raw_pings, "publication": publication, "uri_tables": uri_tables}})
)
"""


@dataclass
class SparkBuild:
    marts: Snapshot
    raw_pings: list[tuple]
    # table_types: mart -> VIEW/MANAGED; build_ids: found in the marts' rows; log: publication_log's ids
    publication: dict[str, Any]
    # The raw tables the loader wrote from a file:// URI of `uri_zone` (make_uri_zone).
    uri_tables: Snapshot
    uri_zone: Path | None = None


def spark_build(raw_path: Path, work_dir: Path, uri_zone: Path, project: Path = PROJECT_ROOT) -> SparkBuild:
    """Load `raw_path`, build `project` on Spark; its marts and raw.usage_pings rows; then load
    `uri_zone` through its file:// URI into database raw_uri."""
    out = work_dir / "spark_marts.pickle"
    env = engine_env("spark", work_dir, {"DBT_SPARK_DIR": str(work_dir / "spark")}, project)
    code = SPARK_PIPELINE.format(
        scripts=str(PROJECT_ROOT / "scripts"),
        tests=str(Path(__file__).parent),
        raw_path=str(raw_path),
        out=str(out),
        unit_tests=SPARK_UNIT_TESTS,
        uri="file://" + str(uri_zone.resolve()),
        split_bytes=str(URI_SPLIT_BYTES),
    )
    run([sys.executable, "-c", code], env, "spark load + dbt build + read marts", project=project)
    return SparkBuild(**pickle.loads(out.read_bytes()), uri_zone=uri_zone)
