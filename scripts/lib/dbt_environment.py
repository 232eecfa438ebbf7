"""The environment of a dbt process of this project, built in one place for the scripts and the
tests (scripts/benchmark.py, python_tests/conftest.py and engines.py): this project's profiles,
a target and a log directory of the caller's choosing (dbt's saved parse lives in the target
directory) and, on DuckDB, the landing zone, the build database and its published file."""

from __future__ import annotations

import os
from pathlib import Path


def serving_path(database: Path) -> Path:
    """The published file of a build database: `<name>_serving.duckdb` beside it."""
    return database.with_name(f"{database.stem}_serving.duckdb")


def dbt_environment(
    target: str,
    project_dir: Path,
    target_path: Path,
    log_path: Path,
    *,
    raw_path: Path | None = None,
    database: Path | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """os.environ with the dbt settings; `extra` last, so a caller can override any of them."""
    env = os.environ.copy()
    env.update(
        DBT_TARGET=target,
        DBT_PROFILES_DIR=str(project_dir),
        DBT_TARGET_PATH=str(target_path),
        DBT_LOG_PATH=str(log_path),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    if raw_path is not None:
        env["ADOPTION_RAW_PATH"] = str(raw_path)
    if database is not None:
        env.update(DBT_DUCKDB_PATH=str(database), ADOPTION_SERVING_PATH=str(serving_path(database)))
    env.update(extra or {})
    return env
