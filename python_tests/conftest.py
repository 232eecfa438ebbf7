"""Shared fixtures: generated landing zones, dbt runs, throwaway project copies.

Every dbt call runs in a subprocess from a project directory with
ADOPTION_RAW_PATH, DBT_DUCKDB_PATH and ADOPTION_SERVING_PATH set, exactly as the
scheduled job does. A build database `X.duckdb` publishes to `X_serving.duckdb`
beside it (`serving_path`): tests read what they compute from the build database
(schema `marts_build`) and what BI tools see from the published file (`marts`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT / "scripts" / "lib"))
from dbt_environment import dbt_environment, serving_path  # noqa: E402  (serving_path: the tests' too)

GENERATOR = PROJECT_ROOT / "scripts" / "generate_landing_zone.py"
# The hand-written landing zone of the scenario tests (test_scenarios.py and its two neighbours).
SCENARIO_ZONE = PROJECT_ROOT / "python_tests" / "scenarios" / "landing_zone"
# A DuckDB 1.x client, the kind BI tools bundle (the duckdb1_client fixture).
DUCKDB1_CLIENT_REQUIREMENTS = PROJECT_ROOT / "requirements-duckdb1-client.txt"
BIN = Path(sys.executable).parent
MART_SCHEMA = "marts"  # in the published file
BUILD_SCHEMA = "marts_build"  # in the build database
# Copied into throwaway projects; everything else (venv, data, target) is not.
PROJECT_ENTRIES = (
    "dbt_project.yml",
    "selectors.yml",
    "profiles.yml",
    "models",
    "seeds",
    "macros",
    "tests",
    "analyses",
    "snapshots",
    "scripts",
    "plugins",
    "adoption",
)


# Seconds of work of each test file, one file at a time on the 2-core machine (pytest
# --durations, 2026-12-04, loaded; the files issue 22 lightened are estimated from their
# dbt invocations and full parses saved, and the four issue 25 lightened from the `mf` start-ups and
# full parses they no longer pay): only their order is used. The README's command
# hands whole files to two workers (--dist loadfile); xdist's own order is by number of
# tests, which hands out last the longest files (a few tests each), and one worker then runs
# alone at the end. Handed out longest first, the last files are short and the workers end
# together. A file not listed comes after these, in xdist's order.
FILE_SECONDS = {
    "test_publication_postgres.py": 444,
    # Issue 26: 19 builds, 14 of them one per change kind, each checked against the anchor (a few
    # seconds) rather than a --full-refresh; 949 s at a load average of 9-13 (2026-12-05), an
    # estimated ~420 s alone.
    "test_incremental.py": 420,
    "test_publication_guards.py": 324,
    "test_seed_validation.py": 305,
    "test_publication.py": 259,
    # + the loader's URI path on a second zone in the same session: 15.6 s measured at a load
    # average of 27 on the 2 cores (2026-12-05), taken as it is.
    "test_engines_spark.py": 263,
    "test_extensibility.py": 106,
    "test_pipeline.py": 105,
    "test_recipes.py": 82,
    "test_hostile_landing_zone.py": 78,
    "test_semantic_layer.py": 90,
    "test_complete_months.py": 40,
    "test_engines_postgres.py": 35,
    "test_scenarios.py": 20,
    "test_scenario_explanations.py": 4,
    "test_scenario_docs_example.py": 2,
    "test_data_gaps.py": 2,
    "test_structure.py": 10,
    "test_quiet_commands.py": 70,
    "test_landing_line_endings.py": 7,
    "test_benchmark_anchor.py": 3,
    "test_benchmark_daily.py": 2,
    "test_published_metadata.py": 80,
    "test_report.py": 40,
    "test_report_browser.py": 45,
    # A build of a project copy with reference accounts (incremental over generated_build's
    # database), then the command twice (each a dbt compile with a full parse): 107 s measured
    # at a load average of 9 on the 2 cores, about 45 s alone (2026-12-05).
    "test_calibrate.py": 45,
    "test_preview.py": 150,
    "test_reference_accounts.py": 48,
    "test_history.py": 90,
    "test_history_postgres.py": 90,
    # One run of the job that builds (incremental over generated_build's database), then about
    # 30 `--check` runs (a Python start and the landing zone's stamps each).
    "test_daily.py": 60,
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """--dist loadfile, the longest files first (FILE_SECONDS)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class LongestFileFirst(LoadFileScheduling):
        def _assign_work_unit(self, node) -> None:
            longest = max(self.workqueue, key=lambda scope: FILE_SECONDS.get(Path(scope).name, 0))
            self.workqueue.move_to_end(longest, last=False)
            super()._assign_work_unit(node)

    return LongestFileFirst(config, log)


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


def copy_database(source: Path, destination: Path) -> Path:
    """A copy of a build database and of its published file, when there is one."""
    shutil.copy(source, destination)
    if serving_path(source).exists():
        shutil.copy(serving_path(source), serving_path(destination))
    return destination


def published_digest(database: Path) -> str | None:
    """sha256 of the published file's bytes (None when nothing was ever published)."""
    path = serving_path(database)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


# What a test's dbt process leaves out: the debug log file and the JSON artifacts (manifest.json,
# run_results.json) cost a tiny build about 15% of its time, and tests read dbt's output instead.
# A test that reads an artifact asks for it with WITH_ARTIFACTS. dbt's saved parse
# (partial_parse.msgpack) is written either way.
QUIET_DBT = {"DBT_LOG_LEVEL_FILE": "none", "DBT_WRITE_JSON": "false"}
WITH_ARTIFACTS = {"DBT_WRITE_JSON": "true"}


def dbt_env(raw_path: Path, database: Path, project_dir: Path, extra_env: dict[str, str] | None) -> dict[str, str]:
    """The environment of a dbt process on a landing zone and a DuckDB build database."""
    return dbt_environment(
        "duckdb",
        project_dir,
        database.parent / f"target_{database.stem}",
        database.parent / f"logs_{database.stem}",
        raw_path=raw_path,
        database=database,
        extra={**QUIET_DBT, **(extra_env or {})},
    )


def run_dbt(
    args: list[str],
    raw_path: Path,
    database: Path,
    project_dir: Path = PROJECT_ROOT,
    extra_env: dict[str, str] | None = None,
) -> DbtResult:
    """Run `dbt <args>` from `project_dir` against a landing zone and a DuckDB file."""
    proc = subprocess.run(
        [str(BIN / "dbt"), *args],
        cwd=project_dir,
        env=dbt_env(raw_path, database, project_dir, extra_env),
        capture_output=True,
        text=True,
    )
    return DbtResult(proc.returncode, proc.stdout + proc.stderr)


def start_dbt(args: list[str], env: dict[str, str], cwd: Path = PROJECT_ROOT, **popen) -> subprocess.Popen:
    """`dbt <args>` started in the background, its output (stdout and stderr) unbuffered on `.stdout`."""
    return subprocess.Popen(
        [str(BIN / "dbt"), *args],
        cwd=cwd,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **popen,
    )


def run_until_killed(args: list[str], env: dict[str, str], marker: str, delay: float, cwd: Path = PROJECT_ROOT) -> bool:
    """Run `dbt <args>` and kill -9 it (its whole process group) `delay` seconds after a line
    of its output contains `marker`. True once the marker was seen (killed then, or ended by
    itself within `delay`), False when it ended without printing the marker."""
    proc = start_dbt(args, env, cwd, start_new_session=True)
    try:
        for line in proc.stdout:
            if marker in line:
                time.sleep(delay)
                # It may have just ended by itself: then there is nothing left to kill.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                return True
        return False
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stdout.close()


@dataclass
class RunningDbt:
    """A dbt process started by `running_dbt`; `output` is complete once the block has ended."""

    proc: subprocess.Popen
    output: list[str]

    @property
    def returncode(self) -> int | None:
        return self.proc.poll()


@contextlib.contextmanager
def running_dbt(args: list[str], env: dict[str, str], until: str = "START sql") -> Iterator[RunningDbt]:
    """Start `dbt <args>` and enter once a line of its output contains `until` (the first model
    started, by default); its output is drained meanwhile. On leaving, wait for it to end."""
    proc = start_dbt(args, env)
    running = RunningDbt(proc, [])
    for line in proc.stdout:
        running.output.append(line)
        if until in line:
            break
    drain = threading.Thread(target=lambda: running.output.extend(proc.stdout), daemon=True)
    drain.start()
    try:
        yield running
    finally:
        proc.wait(timeout=900)
        drain.join(timeout=60)
        proc.stdout.close()


def env_with_saved_parse(env: dict[str, str], target: Path) -> dict[str, str]:
    """`env` with its own dbt target directory `target`, holding a copy of the saved parse of
    `env`'s: a second dbt process then parses in a second or two instead of a full parse."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(env["DBT_TARGET_PATH"]) / "partial_parse.msgpack", target)
    return {**env, "DBT_TARGET_PATH": str(target)}


@dataclass(frozen=True)
class Workplace:
    """A directory where a module's tests build one after another, each from a state put back
    first (`restore`). dbt's saved parse (`partial_parse.msgpack` in the target directory) holds
    only for the same connection, whose DuckDB path is part of it: every build at one path then
    parses in a second or two, where a new path parses the whole project again (about ten
    seconds). Builds given `--vars` keep a target directory of their own (`with_vars`): the saved
    parse holds one set of vars, and the builds without them keep theirs."""

    root: Path
    name: str = "build"

    @property
    def zone(self) -> Path:
        return self.root / "zone"

    @property
    def database(self) -> Path:
        return self.root / f"{self.name}.duckdb"

    def restore(self, zone: Path | None = None, database: Path | None = None) -> tuple[Path, Path]:
        """Empty the workplace (all but dbt's target and log directories), then copy `zone` into
        `self.zone` and the build database `database` (with its published file) to `self.database`;
        without `database` the next build starts from nothing. Returns (zone, database)."""
        self.root.mkdir(parents=True, exist_ok=True)
        for entry in self.root.iterdir():
            if entry.is_dir() and entry.name.startswith(("target_", "logs_")):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        if zone is not None:
            shutil.copytree(zone, self.zone)
        if database is not None:
            copy_database(database, self.database)
        return self.zone, self.database

    def with_vars(self, name: str) -> dict[str, str]:
        """The environment of a build given `--vars` (named `name`): a target directory of its own."""
        return {"DBT_TARGET_PATH": str(self.root / f"target_{self.name}_{name}")}


def copy_project(destination: Path, runs_scripts: bool = False) -> Path:
    """A throwaway copy of the project (for tests that edit seeds or models). With `runs_scripts`,
    also the dependency lock and a link to the project's .venv, so that scripts/*.sh run in the
    copy: their bootstrap checks the venv against the lock (an unlinked copy would build one)."""
    destination.mkdir(parents=True, exist_ok=True)
    for entry in PROJECT_ENTRIES:
        source = PROJECT_ROOT / entry
        if source.is_dir():
            shutil.copytree(source, destination / entry, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, destination / entry)
    if runs_scripts:
        shutil.copy2(PROJECT_ROOT / "requirements.lock", destination)
        (destination / ".venv").symlink_to(PROJECT_ROOT / ".venv")
    return destination


def query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a query on a built DuckDB database (read-only)."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


# The published history marts (models/marts/history/): what EARLIER publications published,
# so they differ between two builds of the same data by design (test_history.py tests them).
HISTORY_MARTS = (
    "fct_published_account_platform_adoption",
    "fct_published_account_use_case_colors",
    "fct_published_arr_by_adoption_band",
    "rpt_arr_by_adoption_band_restatements",
)


def mart_snapshot(database: Path) -> dict[str, list[tuple]]:
    """Every published mart's full content, rows sorted, without `build_id` (which differs
    between builds by design), without `publication_log` and without the history marts
    (HISTORY_MARTS): equal snapshots = the same marts."""
    with duckdb.connect(str(serving_path(database)), read_only=True) as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE' and table_name <> 'publication_log' order by 1",
                [MART_SCHEMA],
            ).fetchall()
        ]
        snapshot = {}
        for table in tables:
            rows = con.execute(f'select * exclude (build_id) from "{MART_SCHEMA}"."{table}"').fetchall()
            if table not in HISTORY_MARTS:
                snapshot[table] = sorted(rows, key=repr)
        return snapshot


def published_metadata(manifest_path: Path) -> dict[str, dict]:
    """What each published mart must say about itself (docs/publishing.md), from a dbt manifest:
    its description and its columns' (as dbt resolved them, trimmed), the columns its contract
    declares not_null, its key (the columns of its unique/unique_combination test), and the
    `published_as` line `dbt docs` shows."""
    nodes = json.loads(manifest_path.read_text())["nodes"].values()
    keys = {}
    for test in nodes:
        metadata = test.get("test_metadata") or {}
        if test["resource_type"] == "test" and metadata.get("name") in ("unique", "unique_combination"):
            keys[test["attached_node"]] = metadata["kwargs"].get("columns") or [metadata["kwargs"]["column_name"]]
    expected = {}
    for node in nodes:
        if node["resource_type"] != "model" or node["fqn"][1] != "marts":
            continue
        columns = node["columns"].values()
        expected[node["alias"]] = {
            "description": node["description"].strip(),
            "columns": {column["name"]: column["description"].strip() for column in columns},
            "not_null": [c["name"] for c in columns if any(x["type"] == "not_null" for x in c["constraints"])],
            "key": keys.get(node["unique_id"], []),
            "published_as": node["meta"].get("published_as", ""),
        }
    return expected


@dataclass
class Build:
    """A landing zone and the DuckDB database built from it."""

    raw_path: Path
    database: Path

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return query(self.database, sql, params)

    def scalar(self, sql: str, params: list | None = None):
        return self.query(sql, params)[0][0]

    def published(self, sql: str, params: list | None = None) -> list[tuple]:
        """Sorted rows of `sql` on the published file (schema `marts`), as BI tools read it."""
        return sorted(query(serving_path(self.database), sql, params))


@pytest.fixture(scope="session")
def workplace(tmp_path_factory: pytest.TempPathFactory) -> Workplace:
    """The session's workplace (one per xdist worker): the test files that build the project as
    shipped do so here, one test after another, and dbt's saved parse carries over from file to
    file. A fixture that keeps a build copies it out (`copy_database`)."""
    return Workplace(tmp_path_factory.mktemp("workplace"))


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The directory `make(directory)` fills, made once per pytest run: under xdist the first
    worker that asks makes it in the run's base directory, and the other waits for it (a lock
    file) instead of making it again. For builds that the tests only read."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's directory, above each worker's own
    directory = base / name
    with (base / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (directory / ".made").exists():
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir()
            make(directory)
            (directory / ".made").touch()
    return directory


@pytest.fixture(scope="session")
def generated_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """One `dbt build` over a small generated landing zone, shared by read-only tests."""

    def make(directory: Path) -> None:
        generate_landing_zone(directory / "raw", accounts=80, months=8, seed=11)
        # test_pipeline.py reads its manifest.json.
        result = run_dbt(["build"], directory / "raw", directory / "adoption.duckdb", extra_env=WITH_ARTIFACTS)
        assert result.ok, result.output[-5000:]

    directory = built_once(tmp_path_factory, "generated", make)
    return Build(directory / "raw", directory / "adoption.duckdb")


@pytest.fixture(scope="session")
def scenario_build(tmp_path_factory: pytest.TempPathFactory, workplace: Workplace) -> Build:
    """One `dbt build` of the hand-written scenario landing zone (SCENARIO_ZONE), read by the
    scenario test files. Built in the worker's workplace (dbt's saved parse), then copied out.
    The dbt unit tests read mocked rows, not this zone: they run in generated_build."""

    def make(directory: Path) -> None:
        _, database = workplace.restore()
        result = run_dbt(["build", "--exclude-resource-type", "unit_test"], SCENARIO_ZONE, database)
        assert result.ok, result.output[-5000:]
        copy_database(database, directory / "scenarios.duckdb")

    return Build(SCENARIO_ZONE, built_once(tmp_path_factory, "scenarios", make) / "scenarios.duckdb")


@pytest.fixture(scope="session")
def duckdb1_client(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the pinned DuckDB 1.x package, for PYTHONPATH (never in .venv)."""

    def make(directory: Path) -> None:
        install = subprocess.run(
            [
                *(sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps"),
                *("--require-hashes", "--target", str(directory / "site"), "-r", str(DUCKDB1_CLIENT_REQUIREMENTS)),
            ],
            capture_output=True,
            text=True,
        )
        assert install.returncode == 0, f"cannot install {DUCKDB1_CLIENT_REQUIREMENTS.name}: {install.stderr[-2000:]}"

    return built_once(tmp_path_factory, "duckdb1_client", make) / "site"


@pytest.fixture(scope="session")
def postgres() -> Iterator:
    """A throwaway PostgreSQL cluster for the session (engines.PostgresCluster)."""
    import engines

    reason = engines.ensure_postgres_binaries()
    if reason:
        pytest.skip(reason)
    with engines.timed("postgres cluster start"):
        cluster = engines.start_postgres()
    yield cluster
    cluster.stop()
