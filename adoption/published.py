"""The published set of marts, opened the way a long-lived reader must (docs/publishing.md).

An in-memory DuckDB connection ATTACHes the published file READ_ONLY: the connection is a
database of its own, reads the file as it is when it attaches (never an older publication the
process may still hold open), takes no write lock, and so never waits for, nor slows, a build
that is running or publishing beside it. Marts are read as `published.marts.<mart>`; the build
database is never opened.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

CATALOG = "published"
MARTS = f"{CATALOG}.marts"
DEFAULT_PATH = Path("data/adoption_serving.duckdb")


def default_path() -> Path:
    """ADOPTION_SERVING_PATH when set, else the project's default published file."""
    return Path(os.environ.get("ADOPTION_SERVING_PATH") or DEFAULT_PATH)


def connect(path: Path | str) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the published file attached read-only as `published`."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no published set at {path} (run `dbt build` or ./scripts/demo.sh first)")
    con = duckdb.connect(":memory:")
    quoted = str(path).replace("'", "''")
    con.execute(f"attach '{quoted}' as {CATALOG} (read_only)")
    return con


@dataclass(frozen=True)
class Publication:
    """Which publication a connection reads: the newest row of marts.publication_log."""

    build_id: str
    published_at: datetime
    latest_complete_month: date | None


def publication(con: duckdb.DuckDBPyConnection) -> Publication:
    rows = con.execute(
        f"select build_id, published_at from {MARTS}.publication_log order by published_at desc limit 1"
    ).fetchall()
    if not rows:
        raise LookupError("the published set has no publication_log row")
    [(build_id, published_at)] = rows
    [(latest_complete_month,)] = con.execute(
        f"select max(reporting_month) from {MARTS}.fct_account_platform_adoption where is_month_complete"
    ).fetchall()
    return Publication(build_id, published_at, latest_complete_month)
