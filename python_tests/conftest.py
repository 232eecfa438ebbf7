"""Shared fixtures: generated landing zones, dbt runs, throwaway project copies.

Every dbt call runs in a subprocess from a project directory with
ADOPTION_RAW_PATH and DBT_DUCKDB_PATH set, exactly as the scheduled job does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
GENERATOR = PROJECT_ROOT / "scripts" / "generate_landing_zone.py"
BIN = Path(sys.executable).parent
MART_SCHEMA = "marts"
# Copied into throwaway projects; everything else (venv, data, target) is not.
PROJECT_ENTRIES = (
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "seeds",
    "macros",
    "tests",
    "analyses",
    "scripts",
)


@dataclass
class DbtResult:
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def generate_landing_zone(out: Path, accounts: int, months: int, seed: int = 42, **extra: str) -> Path:
    """Write a landing zone with the project's generator; returns `out`."""
    args = [sys.executable, str(GENERATOR), "--out", str(out), "--accounts", str(accounts)]
    args += ["--months", str(months), "--seed", str(seed), "--quiet"]
    for key, value in extra.items():
        args += [f"--{key.replace('_', '-')}", value]
    subprocess.run(args, check=True, capture_output=True, text=True)
    return out


def run_dbt(
    args: list[str],
    raw_path: Path,
    database: Path,
    project_dir: Path = PROJECT_ROOT,
    extra_env: dict[str, str] | None = None,
) -> DbtResult:
    """Run `dbt <args>` from `project_dir` against a landing zone and a DuckDB file."""
    env = os.environ.copy()
    env.update(
        ADOPTION_RAW_PATH=str(raw_path),
        DBT_DUCKDB_PATH=str(database),
        DBT_PROFILES_DIR=str(project_dir),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_TARGET_PATH=str(database.parent / f"target_{database.stem}"),
        DBT_LOG_PATH=str(database.parent / f"logs_{database.stem}"),
        DBT_TARGET="duckdb",
    )
    env.update(extra_env or {})
    proc = subprocess.run(
        [str(BIN / "dbt"), *args],
        cwd=project_dir,
        env=env,
        capture_output=True,
        text=True,
    )
    return DbtResult(proc.returncode, proc.stdout + proc.stderr)


def copy_project(destination: Path) -> Path:
    """A throwaway copy of the project (for tests that edit seeds or models)."""
    destination.mkdir(parents=True, exist_ok=True)
    for entry in PROJECT_ENTRIES:
        source = PROJECT_ROOT / entry
        if source.is_dir():
            shutil.copytree(source, destination / entry, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, destination / entry)
    return destination


def query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a query on a built DuckDB database (read-only)."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def mart_snapshot(database: Path) -> dict[str, list[tuple]]:
    """Every mart table's full content, rows sorted: equal snapshots = identical marts."""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE' order by 1",
                [MART_SCHEMA],
            ).fetchall()
        ]
        snapshot = {}
        for table in tables:
            rows = con.execute(f'select * from "{MART_SCHEMA}"."{table}"').fetchall()
            snapshot[table] = sorted(rows, key=repr)
        return snapshot


@dataclass
class Build:
    """A landing zone and the DuckDB database built from it."""

    raw_path: Path
    database: Path

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return query(self.database, sql, params)

    def scalar(self, sql: str, params: list | None = None):
        return self.query(sql, params)[0][0]


@pytest.fixture(scope="session")
def generated_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """One `dbt build` over a small generated landing zone, shared by read-only tests."""
    root = tmp_path_factory.mktemp("generated")
    raw_path = generate_landing_zone(root / "raw", accounts=80, months=8, seed=11)
    database = root / "adoption.duckdb"
    result = run_dbt(["build"], raw_path, database)
    assert result.ok, result.output[-5000:]
    return Build(raw_path, database)
