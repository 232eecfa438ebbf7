"""Benchmark the scheduled job: a full `dbt build`, then the incremental build after a month lands.

Usage::

    python scripts/benchmark.py [--sizes 2500,10000,40000] [--months 24] [--out BENCHMARKS.md]
    python scripts/benchmark.py --sizes 200,800          # a quick run, a few minutes

For each size (accounts x months) the script:

1. generates the landing zone twice with the same seed and start month: ``months`` months into
   ``live/`` and ``months + 1`` months into ``next/`` (the generator reproduces shared months
   byte for byte);
2. runs the *anchor* on ``live/``: scripts/benchmark_anchor.py, the published marts written by
   hand in plain DuckDB SQL (no dbt, no tests), into its own build database and published file,
   measured as the job is;
3. runs ``dbt parse`` (not timed in the builds: the scheduled job keeps its parsed manifest),
   then the scheduled job, ``dbt build --exclude-resource-type unit_test``, into a fresh DuckDB
   file: the full build (unit tests check code against mocked inputs, not data: CI runs them,
   the schedule need not; ``--with-unit-tests`` puts them back), and checks that the anchor
   published the same marts with the same row counts (``--compare-anchor``: the same rows,
   by scripts/compare_marts.py);
4. lands the next month in ``live/`` (copies its ping file, replaces the CSVs) and runs the
   scheduled job again on the same database: the incremental run;
5. moves that database aside and builds the same ``months + 1`` months from nothing, at the same
   path (dbt's saved parse holds): the full build the rerun stands in for, on the same data. A
   rerun is compared with it (the first full build has one month less to score);
6. deletes the generated data and the databases.

Each build, the anchor's too, is measured for wall time, CPU time (user + system of the command
and its children) and peak memory: the peak RSS (VmHWM) of the whole process tree, polled from
/proc every 50 ms. Rows in are raw ping lines; rows out are the rows of every mart. Per-model times come from
dbt's run_results.json, the anchor's per-statement times from its output. The build database and
the published file are measured (bytes on disk) after each build. The targets reported are
those of docs/performance.md (issue #22). A tiny landing zone (``--fixed-accounts``) is built
the same way first: its build time is the fixed cost of dbt (start-up, some 330 nodes), which no
data-size optimisation removes.

The Markdown report is printed and written to ``--out`` with the machine described.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
from daily_landing import CHANGE_KINDS, keep_arr_through, land_days, month_days
from dbt_environment import dbt_environment, serving_path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
GENERATOR = PROJECT_ROOT / "scripts" / "generate_landing_zone.py"
ANCHOR = PROJECT_ROOT / "scripts" / "benchmark_anchor.py"
COMPARE = PROJECT_ROOT / "scripts" / "compare_marts.py"
DBT = Path(sys.executable).parent / "dbt"
MART_SCHEMA = "marts_build"  # the marts as built, in the build database
# The publish step says what it took (macros/publication/publish.sql).
PUBLISHED_LINE = re.compile(r"^Published \d+ marts .* in ([0-9.]+) s\.$", re.MULTILINE)
# The scheduled job (README, "Run the main job").
SCHEDULED_JOB = ("build", "--exclude-resource-type", "unit_test")
CSV_FILES = ("accounts.csv", "subscriptions.csv", "arr_monthly.csv", "instances.csv", "adoption_reasons.csv")
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    """One measured command."""

    wall_s: float
    cpu_s: float
    peak_rss_bytes: int
    model_seconds: dict[str, float] = field(default_factory=dict)
    elapsed_in_dbt_s: float = 0.0
    nodes: int = 0
    publish_s: float = 0.0
    database_bytes: int = 0
    published_bytes: int = 0


@dataclass
class SizeResult:
    accounts: int
    months: int
    rows_in_full: int
    rows_in_incremental: int
    new_month_lines: int
    anchor: Run
    parse_s: float
    full: Run
    incremental: Run
    full_same_months: Run  # a full build of the incremental run's landing zone, from nothing
    mart_rows_full: dict[str, int]
    mart_rows_incremental: dict[str, int]
    mart_rows_anchor: dict[str, int]
    anchor_same: bool | None  # compare_marts.py's verdict (--compare-anchor), else None


class CommandFailed(SystemExit):
    """A measured command failed (a daily case records it and the sequence goes on)."""


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    tree, stack = [], [root]
    while stack:
        pid = stack.pop()
        tree.append(pid)
        stack.extend(children.get(pid, []))
    return tree


def tree_peak_rss(root: int) -> int:
    """The sum of the peak RSS (VmHWM) of `root` and its descendants so far. A process's VmHWM
    belongs to its own memory map, made new by exec, so it counts only what the command itself
    held, and it keeps a spike that falls between two polls. Not `ru_maxrss` from wait4: Linux
    folds the RSS of the process that forked into it across the exec, so a benchmark grown large
    (say, after comparing 40,000 accounts' marts) would be read as the command's peak."""
    total = 0
    for pid in process_tree(root):
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


def measure(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> Run:
    """Run a command, polling the peak RSS of its process tree every 50 ms."""
    peak = 0
    began = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        done = threading.Event()

        def poll() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_peak_rss(proc.pid))
                done.wait(0.05)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        poller.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - began
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise CommandFailed(f"command failed ({proc.returncode}): {' '.join(args)}\n{tail}")
    return Run(wall, usage.ru_utime + usage.ru_stime, peak)


def disk_bytes(database: Path) -> int:
    """A DuckDB file on disk, with its write-ahead log if one is left."""
    return sum(path.stat().st_size for path in (database, Path(f"{database}.wal")) if path.exists())


def dbt_env(raw_path: Path, database: Path, target_path: Path) -> dict[str, str]:
    logs = target_path / "logs"
    return dbt_environment("duckdb", PROJECT_ROOT, target_path, logs, raw_path=raw_path, database=database)


def dbt_build(
    env: dict[str, str], target_path: Path, log: Path, with_unit_tests: bool, *extra: str, cwd: Path = PROJECT_ROOT
) -> Run:
    args = [str(DBT), "build"] if with_unit_tests else [str(DBT), *SCHEDULED_JOB]
    return read_results(measure([*args, *extra], env, cwd, log), env, target_path, log)


def read_results(run: Run, env: dict[str, str], target_path: Path, log: Path) -> Run:
    """What dbt says of the build `run` measured: per-node seconds, publication, files on disk."""
    results = json.loads((target_path / "run_results.json").read_text(encoding="utf-8"))
    run.elapsed_in_dbt_s = results["elapsed_time"]
    published = PUBLISHED_LINE.search(log.read_text(encoding="utf-8", errors="replace"))
    if published is None:
        raise SystemExit(f"the build published nothing; see {log}")
    run.publish_s = float(published.group(1))
    run.nodes = len(results["results"])
    run.database_bytes = disk_bytes(Path(env["DBT_DUCKDB_PATH"]))
    run.published_bytes = disk_bytes(Path(env["ADOPTION_SERVING_PATH"]))
    for result in results["results"]:
        unique_id = result["unique_id"]
        if unique_id.startswith("model."):
            run.model_seconds[unique_id.split(".")[-1]] = result["execution_time"]
        else:
            kind = unique_id.split(".")[0]
            run.model_seconds[f"({kind}s)"] = run.model_seconds.get(f"({kind}s)", 0.0) + result["execution_time"]
    return run


def generate(out: Path, accounts: int, months: int, seed: int, start_month: str) -> None:
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out), "--accounts", str(accounts), "--months", str(months),
         "--seed", str(seed), "--start-month", start_month, "--quiet"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip


def ping_lines(raw_path: Path) -> int:
    manifest = json.loads((raw_path / "_manifest.json").read_text(encoding="utf-8"))
    return int(manifest["totals"]["lines"])


def anchor_build(raw_path: Path, database: Path, log: Path) -> Run:
    """The hand-written pipeline, measured as the job is; its per-statement seconds from its output."""
    run = measure([sys.executable, str(ANCHOR), str(raw_path), str(database), str(serving_path(database))],
                  os.environ.copy(), PROJECT_ROOT, log)  # fmt: skip
    for line in log.read_text(encoding="utf-8").splitlines():
        label, _, seconds = line.partition("\t")
        run.model_seconds[label] = float(seconds)
    run.publish_s = run.model_seconds.get("(publish)", 0.0)
    run.database_bytes = disk_bytes(database)
    run.published_bytes = disk_bytes(serving_path(database))
    return run


def mart_rows(database: Path, schema: str = MART_SCHEMA) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = ? and table_type = 'BASE TABLE' order by 1",
            [schema],
        ).fetchall()
        return {name: con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0] for (name,) in tables}


def land_next_month(live: Path, following: Path) -> int:
    """Copy the ping file(s) `live` lacks and replace the CSVs; returns the new ping lines."""
    new_lines = 0
    for path in sorted((following / "usage_pings").iterdir()):
        if not (live / "usage_pings" / path.name).exists():
            shutil.copy2(path, live / "usage_pings" / path.name)
            with path.open("rb") as handle:
                new_lines += sum(1 for _ in handle)
    for name in (*CSV_FILES, "_manifest.json"):
        shutil.copy2(following / name, live / name)
    return new_lines


def benchmark_size(accounts: int, args: argparse.Namespace, workdir: Path) -> SizeResult:
    root = workdir / f"a{accounts}"
    live, following = root / "live", root / "next"
    log = root / "logs"
    log.mkdir(parents=True, exist_ok=True)
    say(f"{accounts:,} accounts: generating {args.months} and {args.months + 1} months")
    generate(live, accounts, args.months, args.seed, args.start_month)
    generate(following, accounts, args.months + 1, args.seed, args.start_month)
    rows_in = ping_lines(live)
    anchor_database = root / "anchor.duckdb"
    anchor = anchor_build(live, anchor_database, log / "anchor.log")
    rows_anchor = mart_rows(anchor_database, "marts")
    say(f"  anchor ({len(rows_anchor)} marts from {rows_in:,} pings): {anchor.wall_s:.1f} s")

    database, target_path = root / "adoption.duckdb", root / "target"
    env = dbt_env(live, database, target_path)
    parse = measure([str(DBT), "parse"], env, PROJECT_ROOT, log / "parse.log")
    full = dbt_build(env, target_path, log / "full.log", args.with_unit_tests)
    rows_full = mart_rows(database)
    say(f"  full build: {full.wall_s:.1f} s, peak {full.peak_rss_bytes / 2**30:.2f} GiB")
    anchor_same = None
    if args.compare_anchor:
        # In its own process: DuckDB keeps what a comparison of 40,000 accounts' marts used, and
        # this process stays small (it forks every measured command).
        compared = subprocess.run(
            [sys.executable, str(COMPARE), str(serving_path(database)), str(serving_path(anchor_database))],
            stdout=sys.stderr, check=False,
        )  # fmt: skip
        anchor_same = compared.returncode == 0
        say(f"  anchor's marts the same as the job's: {anchor_same}")

    new_lines = land_next_month(live, following)
    incremental = dbt_build(env, target_path, log / "incremental.log", args.with_unit_tests)
    rows_incremental = mart_rows(database)
    say(f"  incremental build (+{new_lines:,} lines): {incremental.wall_s:.1f} s")
    for path in (database, serving_path(database)):
        path.rename(path.with_name(f"incremental_{path.name}"))
    full_same_months = dbt_build(env, target_path, log / "full_same_months.log", args.with_unit_tests)
    say(f"  full build of the same {args.months + 1} months: {full_same_months.wall_s:.1f} s")
    result = SizeResult(
        accounts=accounts,
        months=args.months,
        rows_in_full=rows_in,
        rows_in_incremental=ping_lines(live),
        new_month_lines=new_lines,
        anchor=anchor,
        parse_s=parse.wall_s,
        full=full,
        incremental=incremental,
        full_same_months=full_same_months,
        mart_rows_full=rows_full,
        mart_rows_incremental=rows_incremental,
        mart_rows_anchor=rows_anchor,
        anchor_same=anchor_same,
    )
    if not args.keep:
        shutil.rmtree(root)
    return result


# --- The daily job (issue 26) ---------------------------------------------------------------

# The scheduled daily job (docs/daily.md), in one place: it runs `dbt build --exclude-resource-type
# unit_test` when anything the build reads changed since the published build.
DAILY_JOB = (sys.executable, "-m", "adoption.daily")
# What the daily job prints when it runs nothing, and each change it found otherwise.
NOTHING_CHANGED = re.compile(r"^.*nothing changed since build .*$", re.MULTILINE | re.IGNORECASE)
CHANGE_LINE = re.compile(r"^  - (.*)$", re.MULTILINE)
# Published marts that hold earlier publications (models/marts/history/): a sequence of runs and one
# full refresh publish different histories by design, so the equality check leaves them out.
HISTORY_MARTS = (
    "fct_published_account_platform_adoption",
    "fct_published_account_use_case_colors",
    "fct_published_arr_by_adoption_band",
    "rpt_arr_by_adoption_band_restatements",
)
# Copied into the scratch project a sequence edits (its seeds), as python_tests/conftest.py does.
PROJECT_ENTRIES = ("dbt_project.yml", "selectors.yml", "profiles.yml", "models", "seeds", "macros", "tests",
                   "analyses", "snapshots", "scripts", "plugins", "adoption")  # fmt: skip


@dataclass
class DailyCase:
    name: str
    landed: str  # what changed in the landing zone or the project
    run: Run
    said: str  # the daily job's "nothing changed" line, or the build's lines on what it recomputed
    skipped: bool  # the daily job ran no build
    same_as_full_refresh: bool | None = None  # compared after this case (--compare-each), else None


@dataclass
class DailySequence:
    kind: str  # "days" (cases 1-3) or "changes" (case 4)
    accounts: int
    months: int
    rows_in: int
    full: Run  # the full build from nothing the cases are divided by
    cases: list[DailyCase]
    reference: Run | None = None  # `--full-refresh` of the final inputs, into a fresh database
    same_as_full_refresh: bool | None = None  # after the last case
    differences: str = ""
    started: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"))
    load_at_start: str = field(default_factory=lambda: " / ".join(f"{x:.2f}" for x in os.getloadavg()))


def copy_project(destination: Path) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    for entry in PROJECT_ENTRIES:
        source = PROJECT_ROOT / entry
        if source.is_dir():
            shutil.copytree(source, destination / entry, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, destination / entry)
    return destination


def daily_job(env: dict[str, str], project: Path, target_path: Path, log: Path) -> tuple[Run, str, bool]:
    """Run the daily job once; returns what it cost, what it said, and whether it skipped dbt."""
    began = time.time()
    run = measure(list(DAILY_JOB), env, project, log)
    text = log.read_text(encoding="utf-8", errors="replace")
    nothing = NOTHING_CHANGED.search(text)
    if nothing:
        return run, nothing.group(0).strip(), True
    if (target_path / "run_results.json").stat().st_mtime < began:
        raise SystemExit(f"the daily job neither said 'nothing changed' nor ran dbt; see {log}")
    changes = CHANGE_LINE.findall(text)
    said = "; ".join(changes[:3]) + (f" (+{len(changes) - 3} more)" if len(changes) > 3 else "")
    window = recompute_window(Path(env["DBT_DUCKDB_PATH"]))
    return read_results(run, env, target_path, log), f"{said} → {window}" if said else window, False


def recompute_window(database: Path) -> str:
    """The months the build recomputed and why (int_recompute_window, the model the build wrote)."""
    with duckdb.connect(str(database), read_only=True) as con:
        found = con.execute(
            "select table_schema from information_schema.tables where table_name = 'int_recompute_window'"
        ).fetchall()
        if not found:
            return "(no int_recompute_window)"
        month, every, reason = con.execute(
            f'select recompute_from_month, is_full_recompute, reason from "{found[0][0]}".int_recompute_window'
        ).fetchall()[0]
    return f"every month recomputed ({reason})" if every else f"months from {month:%Y-%m} recomputed ({reason})"


def full_refresh_check(sequence: DailySequence, zone: Path, project: Path, root: Path, env: dict[str, str]) -> bool:
    """Build the sequence's final inputs with `--full-refresh` into a fresh database and compare the
    published marts with the sequence's (scripts/compare_marts.py, history marts left out)."""
    database, target_path = root / "full_refresh.duckdb", root / "target_full_refresh"
    for path in (database, serving_path(database)):
        path.unlink(missing_ok=True)
    ref_env = dbt_env(zone, database, target_path)
    measure([str(DBT), "parse"], ref_env, project, root / "logs" / "parse_full_refresh.log")
    sequence.reference = dbt_build(ref_env, target_path, root / "logs" / "full_refresh.log", False, "--full-refresh",
                                   cwd=project)  # fmt: skip
    skipped = [argument for mart in HISTORY_MARTS for argument in ("--skip", mart)]
    compared = subprocess.run(
        [sys.executable, str(COMPARE), str(serving_path(database)), env["ADOPTION_SERVING_PATH"], *skipped],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    sequence.differences = "\n".join(line for line in compared.stdout.splitlines() if not line.endswith("rows)"))
    return compared.returncode == 0


def daily_case(sequence: DailySequence, name: str, landed: str, context: tuple, args: argparse.Namespace) -> None:
    zone, project, root, env, target_path = context
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    try:
        run, said, skipped = daily_job(env, project, target_path, root / "logs" / f"{slug}.log")
    except CommandFailed as failed:
        say(str(failed))
        run, said, skipped = Run(0.0, 0.0, 0), f"**failed**: {str(failed).splitlines()[-1]}", True
    case = DailyCase(name, landed, run, said, skipped)
    sequence.cases.append(case)
    say(f"  {name}: {run.wall_s:.1f} s ({run.wall_s / sequence.full.wall_s:.0%} of the full build); {said or '-'}")
    if args.compare_each:
        case.same_as_full_refresh = full_refresh_check(sequence, zone, project, root, env)
        say(f"    the same marts as a full refresh: {case.same_as_full_refresh}")


def daily_start(kind: str, accounts: int, args: argparse.Namespace, workdir: Path) -> tuple:
    root = workdir / f"daily_{kind}_{accounts}"
    (root / "logs").mkdir(parents=True, exist_ok=True)
    zone, project = root / "live", copy_project(root / "project")
    database, target_path = root / "adoption.duckdb", root / "target"
    env = dbt_env(zone, database, target_path)
    return zone, project, root, env, target_path


def daily_full_build(kind: str, accounts: int, context: tuple, args: argparse.Namespace) -> DailySequence:
    zone, project, root, env, target_path = context
    rows_in = sum(1 for path in (zone / "usage_pings").iterdir() for _ in path.open("rb"))
    measure([str(DBT), "parse"], env, project, root / "logs" / "parse.log")
    sequence = DailySequence(kind, accounts, args.months, rows_in, Run(0.0, 0.0, 0), [])
    sequence.full, _, _ = daily_job(env, project, target_path, root / "logs" / "full.log")
    say(f"  full build: {sequence.full.wall_s:.1f} s, peak {sequence.full.peak_rss_bytes / 2**30:.2f} GiB")
    return sequence


def daily_finish(sequence: DailySequence, context: tuple, args: argparse.Namespace) -> DailySequence:
    zone, project, root, env, _ = context
    write_daily_section(args.out, daily_report([sequence], args))  # the cases, before the long check
    if not args.compare_each:
        try:
            sequence.same_as_full_refresh = full_refresh_check(sequence, zone, project, root, env)
        except CommandFailed as failed:
            sequence.differences = f"the full refresh failed: {str(failed).splitlines()[-1]}"
    else:
        sequence.same_as_full_refresh = all(case.same_as_full_refresh for case in sequence.cases)
    say(f"  the same marts as a full refresh of the same inputs: {sequence.same_as_full_refresh}")
    if sequence.differences and not sequence.same_as_full_refresh:
        say(sequence.differences)
    if not args.keep:
        shutil.rmtree(root)
    return sequence


def daily_days(accounts: int, args: argparse.Namespace, workdir: Path) -> DailySequence:
    """Cases 1-3: a zone whose month `months` has landed through day `--day`, built in full; then
    one more day of pings, a rerun with nothing new, and a new month (the rest of the month, the
    next month's first `--day` days and its ARR rows)."""
    context = daily_start("days", accounts, args, workdir)
    zone, root, day = context[0], context[2], args.day
    source = root / "source"
    say(f"{accounts:,} accounts, the daily job: generating {args.months + 1} months")
    generate(source, accounts, args.months + 1, args.seed, args.start_month)
    shutil.copytree(source, zone, ignore=shutil.ignore_patterns("usage_pings"))
    (zone / "usage_pings").mkdir()
    month_files = sorted((source / "usage_pings").glob("*.ndjson"))
    current, following = month_files[-2], month_files[-1]
    for path in month_files[:-2]:
        os.link(path, zone / "usage_pings" / path.name)  # never written: the days land in the last two
    land_days(current, zone / "usage_pings", 1, day)
    keep_arr_through(source / "arr_monthly.csv", zone / "arr_monthly.csv", current.name[:7])
    sequence = daily_full_build("days", accounts, context, args)
    lines = land_days(current, zone / "usage_pings", day + 1, day + 1)
    daily_case(sequence, "one more day", f"{lines:,} ping lines of {current.name[:7]}-{day + 1:02d}", context, args)
    daily_case(sequence, "rerun, nothing new", "nothing", context, args)
    rest = land_days(current, zone / "usage_pings", day + 2, month_days(current))
    new = land_days(following, zone / "usage_pings", 1, day)
    shutil.copy2(source / "arr_monthly.csv", zone / "arr_monthly.csv")
    landed = (f"{rest:,} lines of the rest of {current.name[:7]}, {new:,} of {following.name[:7]} through day {day}, "
              f"its ARR rows")  # fmt: skip
    daily_case(sequence, "new month", landed, context, args)
    return daily_finish(sequence, context, args)


def daily_changes(accounts: int, args: argparse.Namespace, workdir: Path) -> DailySequence:
    """Case 4: a full build of `months` months, then each change kind of CHANGE_KINDS in turn, the
    daily job after each."""
    context = daily_start("changes", accounts, args, workdir)
    zone, project = context[0], context[1]
    say(f"{accounts:,} accounts, the change kinds: generating {args.months} months")
    generate(zone, accounts, args.months, args.seed, args.start_month)
    sequence = daily_full_build("changes", accounts, context, args)
    for name, change in CHANGE_KINDS.items():
        daily_case(sequence, name, change(zone, project), context, args)
    return daily_finish(sequence, context, args)


def daily_report(sequences: list[DailySequence], args: argparse.Namespace) -> dict[str, str]:
    """The subsections of "The daily job (issue 26)" that this run measured, by sequence kind."""
    loads = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    parts = {}
    for kind, title in DAILY_KINDS.items():
        measured = [seq for seq in sequences if seq.kind == kind]
        if not measured:
            continue
        lines = [
            f"### {title}",
            "",
            f"Measured from {measured[0].started} UTC (load average at start {measured[0].load_at_start}, "
            f"at end {loads}). Seed {args.seed}, "
            f"start month {args.start_month}, {args.months} months"
            + (f", the current month landed through day {args.day}" if kind == "days" else "")
            + "; marts compared with a full refresh "
            + ("after every case." if args.compare_each else "after the sequence."),
            "",
        ]
        if kind == "days":
            lines += daily_targets(measured)
        lines += [
            "| accounts | case | what landed | wall (s) | ÷ full build: wall / CPU | CPU (s) | peak (GiB) "
            "| what the job said | node seconds: models / tests / publication and hooks | slowest nodes (s) |",
            "|---:|---|---|---:|---:|---:|---:|---|---|---|",
        ]
        for seq in measured:
            rows = [("full build from nothing", f"{seq.rows_in:,} ping lines", seq.full, "(the denominator)", False)]
            rows += [(c.name, c.landed, c.run, c.said, c.skipped) for c in seq.cases]
            if seq.reference is not None:
                rows.append(("`--full-refresh` of the final inputs", "(the reference)", seq.reference, "", False))
            for name, landed, run, said, skipped in rows:
                nodes = "no dbt run" if skipped else node_split(run)
                lines.append(
                    f"| {seq.accounts:,} | {name} | {landed.replace('|', '/')} | {run.wall_s:.1f} "
                    f"| {run.wall_s / seq.full.wall_s:.0%} / {run.cpu_s / seq.full.cpu_s:.0%} | {run.cpu_s:.1f} "
                    f"| {gib(run.peak_rss_bytes)} "
                    f"| {said.replace('|', '/') or '-'} | {nodes} | {'' if skipped else top_models(run, 5)} |"
                )
        lines += [""]
        for seq in measured:
            verdict = {None: "not checked", True: "yes, every mart", False: "**no**"}[seq.same_as_full_refresh]
            detail = f" ({seq.differences.replace(chr(10), '; ')})" if seq.differences else ""
            lines.append(
                f"Equal to a `--full-refresh` of the same inputs ({seq.accounts:,} accounts): {verdict}{detail}"
            )
        parts[title] = "\n".join([*lines, ""])
    return parts


DAILY_HEADING = "\n## The daily job (issue 26)\n"
DAILY_INTRO = (
    'Written by `scripts/benchmark.py --daily-only` (docs/performance.md, "The daily cases"): the daily job, '
    "`python -m adoption.daily` (docs/daily.md), on the database each previous case left. A case's ratio is to "
    "the full build from nothing that starts its sequence, in the same run: the job's first run, on the "
    "sequence's first inputs. Wall, CPU and peak memory are measured as in the sections above; node seconds "
    'are summed over dbt\'s 2 threads (run_results.json); "what the job said" is the changes it found and '
    "what `int_recompute_window` decided. The marts are compared with a `dbt build --full-refresh` of the "
    "same inputs into a fresh database (scripts/compare_marts.py, the history marts left out: they hold "
    "earlier publications). A run replaces only the subsections it measured.\n"
)
DAILY_KINDS = {"days": "One more day, a rerun, a new month", "changes": "Each change kind"}


def node_split(run: Run) -> str:
    tests = run.model_seconds.get("(tests)", 0.0)
    operations = run.model_seconds.get("(operations)", 0.0)
    models = sum(seconds for name, seconds in run.model_seconds.items() if not name.startswith("("))
    return f"{models:.0f} / {tests:.0f} / {operations:.0f}"


def daily_targets(sequences: list[DailySequence]) -> list[str]:
    """Issue 26's targets, for the cases run; a missed one says by how much and where the time went."""
    limits = {"one more day": 0.15, "new month": 0.25, "rerun, nothing new": 0.10}
    rows = []
    for seq in (s for s in sequences if s.kind == "days"):
        for case in seq.cases:
            share, cpu = case.run.wall_s / seq.full.wall_s, case.run.cpu_s / seq.full.cpu_s
            limit = limits[case.name]
            if share <= limit:
                verdict = "yes" + (f" (CPU {cpu:.0%}: **no**)" if cpu > limit else "")
            else:
                verdict = f"**no**, by {(share - limit) * 100:.0f} points: {where_time_went(case.run)}"
                verdict += f" (in CPU, {cpu:.0%}: met)" if cpu <= limit else ""
            said = f" (it said: {case.said})" if case.skipped else ""
            rows.append(f"| {case.name} <= {limit:.0%} of a full build ({seq.accounts:,}) | {share:.0%} "
                        f"(CPU {cpu:.0%}){said} | {verdict} |")  # fmt: skip
    if not rows:
        return []
    return ["| target (issue 26) | measured | met |", "|---|---:|---|", *rows, ""]


def where_time_went(run: Run) -> str:
    """What dominates a run: dbt's start-up, data tests, publication, models (node seconds)."""
    if not run.model_seconds:
        return f"{run.wall_s:.1f} s without dbt"
    outside = run.wall_s - run.elapsed_in_dbt_s
    tests = run.model_seconds.get("(tests)", 0.0)
    models = sorted(((s, n) for n, s in run.model_seconds.items() if not n.startswith("(")), reverse=True)
    return (
        f"{outside:.0f} s outside dbt's nodes (start-up, parse), {tests:.0f} node-s of data tests, "
        f"{run.publish_s:.0f} s publication, {sum(s for s, _ in models):.0f} node-s of models "
        f"(most: {', '.join(f'{n} {s:.0f}' for s, n in models[:3])})"
    )


def daily_section_of(out: Path) -> dict[str, str]:
    """The subsections of the report file's daily section, by title ({} when it has none)."""
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    if DAILY_HEADING not in old:
        return {}
    tail = old.partition(DAILY_HEADING)[2]
    section = tail[: tail.index("\n## ") + 1] if "\n## " in tail else tail
    parts = ("\n" + section).split("\n### ")[1:]
    return {part.split("\n", 1)[0]: "### " + part.rstrip("\n") + "\n" for part in parts}


def write_daily_section(out: Path, parts: dict[str, str]) -> None:
    """Put the daily section into the report file, in place of the old one or before the kept ones;
    subsections this run did not measure stay as they were."""
    parts = daily_section_of(out) | parts
    section = DAILY_INTRO + "".join("\n" + parts[title] for title in DAILY_KINDS.values() if title in parts)
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    head, _, tail = old.partition(DAILY_HEADING)
    if tail:
        rest = tail[tail.index("\n## ") :] if "\n## " in tail else ""
    else:
        head, rest = (old[: old.index(KEPT_FROM)], old[old.index(KEPT_FROM) :]) if KEPT_FROM in old else (old, "")
    out.write_text(head.rstrip("\n") + "\n" + DAILY_HEADING + "\n" + section + rest, encoding="utf-8")


def machine() -> list[tuple[str, str]]:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as handle:
        mem_kib = int(handle.readline().split()[1])
    return [
        ("Date (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")),
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("RAM", f"{mem_kib / 2**20:.1f} GiB"),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("duckdb", duckdb.__version__),
        ("dbt-core / dbt-duckdb", f"{metadata.version('dbt-core')} / {metadata.version('dbt-duckdb')}"),
        ("Load average at start (1/5/15 min)", " / ".join(f"{x:.2f}" for x in os.getloadavg())),
    ]


def gib(n: int) -> str:
    return f"{n / 2**30:.2f}"


def top_models(run: Run, count: int) -> str:
    ranked = sorted(run.model_seconds.items(), key=lambda item: -item[1])[:count]
    return ", ".join(f"{name} {seconds:.1f}" for name, seconds in ranked)


def size(n: int) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 1e6 else f"{n / 1e3:,.0f} kB"


def report(results: list[SizeResult], fixed: Run | None, args: argparse.Namespace, info: list) -> str:
    lines = ["# Benchmarks", "", "Written by `scripts/benchmark.py` (see docs/performance.md for how to read it).", ""]
    lines += ["## Machine", "", "| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in info]
    lines += [f"| Load average at end | {' / '.join(f'{x:.2f}' for x in os.getloadavg())} |", ""]
    lines += [
        "## Scheduled job",
        "",
        f"Command: `dbt {' '.join(['build'] if args.with_unit_tests else SCHEDULED_JOB)}`. "
        f"Seed {args.seed}, start month {args.start_month}; full build over {args.months} months, then the "
        f"incremental build after month {args.months + 1} lands. The anchor is `scripts/benchmark_anchor.py` "
        "on the same months as the full build: the published marts written by hand in plain DuckDB SQL, no "
        "dbt, no tests. Times are wall-clock seconds; CPU is user + system seconds of the command and its "
        "children; peak memory is the peak RSS (VmHWM) of the whole process tree.",
        "",
        "| accounts | raw ping lines | anchor (s) | full build (s) | full ÷ anchor | full CPU (s) | full peak (GiB) "
        "| new lines | incremental (s) | incremental ÷ full | incremental CPU (s) | incremental peak (GiB) "
        "| mart rows |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.accounts:,} | {r.rows_in_full:,} | {r.anchor.wall_s:.1f} | {r.full.wall_s:.1f} "
            f"| {r.full.wall_s / r.anchor.wall_s:.1f} | {r.full.cpu_s:.1f} | {gib(r.full.peak_rss_bytes)} "
            f"| {r.new_month_lines:,} | {r.incremental.wall_s:.1f} | {r.incremental.wall_s / r.full.wall_s:.0%} "
            f"| {r.incremental.cpu_s:.1f} | {gib(r.incremental.peak_rss_bytes)} "
            f"| {sum(r.mart_rows_incremental.values()):,} |"
        )
    parse = "stg_landing__usage_pings_parsed"
    lines += [
        "",
        f"The rerun against what it stands in for, a full build of the same {args.months + 1} months from nothing "
        "(the first full build scores one month less), and the ping parse in each (node seconds):",
        "",
        f"| accounts | incremental (s) | full build of the same months (s) | incremental ÷ that | its peak (GiB) "
        f"| {parse}: incremental / from nothing (s) |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        same = r.full_same_months
        share = r.incremental.wall_s / same.wall_s
        lines.append(
            f"| {r.accounts:,} | {r.incremental.wall_s:.1f} | {same.wall_s:.1f} | {share:.0%} "
            f"| {gib(same.peak_rss_bytes)} | {r.incremental.model_seconds.get(parse, 0):.1f} / "
            f"{same.model_seconds.get(parse, 0):.1f} |"
        )
    lines += ["", "The anchor, measured the same way:", ""]
    lines += [
        "| accounts | wall (s) | CPU (s) | peak (GiB) | marts written (of the job's) "
        "| same row counts as the full build | same rows (compare_marts.py) |",
        "|---:|---:|---:|---:|---|---|---|",
    ]
    for r in results:
        shared = sorted(r.mart_rows_anchor.keys() & r.mart_rows_full.keys())
        same_counts = all(r.mart_rows_anchor[name] == r.mart_rows_full[name] for name in shared)
        missing = sorted(r.mart_rows_full.keys() - r.mart_rows_anchor.keys())
        compared = {None: "not run (`--compare-anchor`)", True: "yes", False: "**no**"}[r.anchor_same]
        lines.append(
            f"| {r.accounts:,} | {r.anchor.wall_s:.1f} | {r.anchor.cpu_s:.1f} | {gib(r.anchor.peak_rss_bytes)} "
            f"| {len(shared)} of {len(r.mart_rows_full)}{' (not: ' + ', '.join(missing) + ')' if missing else ''} "
            f"| {'yes' if same_counts else '**no**'} | {compared} |"
        )
    lines += ["", "On disk (bytes of the DuckDB files, write-ahead log included):", ""]
    lines += [
        "| accounts | build database after full | after incremental | published file after full "
        "| after incremental | anchor's build database | anchor's published file |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.accounts:,} | {size(r.full.database_bytes)} | {size(r.incremental.database_bytes)} "
            f"| {size(r.full.published_bytes)} | {size(r.incremental.published_bytes)} "
            f"| {size(r.anchor.database_bytes)} | {size(r.anchor.published_bytes)} |"
        )
    lines.append("")
    lines += [
        "Publication (the last step of every build: every mart copied into a new published file, "
        "renamed over the old one; docs/publishing.md):",
        "",
    ]
    for r in results:
        lines.append(
            f"* {r.accounts:,} accounts: {r.full.publish_s:.1f} s of the full build "
            f"({r.full.publish_s / r.full.wall_s:.1%}), {r.incremental.publish_s:.1f} s of the incremental one; "
            f"the anchor's {r.anchor.publish_s:.1f} s"
        )
    lines.append("")
    if fixed is not None:
        lines += [
            f"Fixed cost: a full build of a {args.fixed_accounts}-account landing zone takes {fixed.wall_s:.1f} s "
            f"({fixed.cpu_s:.1f} s CPU, peak {gib(fixed.peak_rss_bytes)} GiB): dbt start-up and "
            f"{fixed.nodes} nodes (models, seeds, data tests), "
            "whatever the data size. Net of it:",
            "",
            "| accounts | (full - fixed) ÷ anchor | (incremental - fixed) ÷ (full - fixed) |",
            "|---:|---:|---:|",
        ]
        for r in results:
            net_full = r.full.wall_s - fixed.wall_s
            net_incremental = r.incremental.wall_s - fixed.wall_s
            lines.append(f"| {r.accounts:,} | {net_full / r.anchor.wall_s:.1f} | {net_incremental / net_full:.0%} |")
        lines.append("")
    if len(results) > 1:
        lines += ["Scaling of the full build:", ""]
        for small, large in itertools.pairwise(results):
            lines.append(
                f"* {large.accounts:,} ÷ {small.accounts:,} accounts: {large.full.wall_s / small.full.wall_s:.2f}x "
                f"wall (the anchor: {large.anchor.wall_s / small.anchor.wall_s:.2f}x), "
                f"{large.rows_in_full / small.rows_in_full:.2f}x rows in"
            )
        lines.append("")
    lines += targets(results)
    lines += ["## Mart rows after the incremental build", ""]
    names = sorted({name for r in results for name in r.mart_rows_incremental})
    lines += ["| mart | " + " | ".join(f"{r.accounts:,}" for r in results) + " |"]
    lines += ["|---|" + "---:|" * len(results)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(f"{r.mart_rows_incremental.get(name, 0):,}" for r in results) + " |")
    lines.append("| **total** | " + " | ".join(f"{sum(r.mart_rows_incremental.values()):,}" for r in results) + " |")
    lines += [
        "",
        "## Where the time goes (seconds per node, from run_results.json, 2 dbt threads; the anchor's per statement)",
        "",
    ]
    lines += [
        "| accounts | build | `dbt parse` (s) | time in nodes or statements (s) | slowest |",
        "|---:|---|---:|---:|---|",
    ]
    for r in results:
        for label, run in (("full", r.full), ("incremental", r.incremental)):
            lines.append(
                f"| {r.accounts:,} | {label} | {r.parse_s:.1f} | {run.elapsed_in_dbt_s:.1f} | {top_models(run, 8)} |"
            )
        lines.append(
            f"| {r.accounts:,} | anchor | | {sum(r.anchor.model_seconds.values()):.1f} "
            f"| {top_models(r.anchor, 8)} |"
        )
    lines.append("")
    return "\n".join(lines)


def targets(results: list[SizeResult]) -> list[str]:
    """The targets of docs/performance.md (issue #22), for the sizes that were run."""
    by_size = {r.accounts: r for r in results}
    rows = []
    for accounts, factor in ((10_000, 3), (40_000, 2)):
        if accounts in by_size:
            r = by_size[accounts]
            ratio = r.full.wall_s / r.anchor.wall_s
            rows.append((f"full build <= {factor}x the anchor ({accounts:,})", f"{ratio:.1f}x", ratio <= factor))
    if 40_000 in by_size:
        peak = max(by_size[40_000].full.peak_rss_bytes, by_size[40_000].incremental.peak_rss_bytes)
        rows.append(("peak memory <= 3 GiB (40,000)", f"{gib(peak)} GiB", peak <= 3 * 2**30))
    if 10_000 in by_size and 40_000 in by_size:
        ratio = by_size[40_000].full.wall_s / by_size[10_000].full.wall_s
        rows.append(("40,000 ÷ 10,000 full-build wall <= 4.2", f"{ratio:.2f}", ratio <= 4.2))
    for r in results:
        share = r.incremental.wall_s / r.full_same_months.wall_s
        target = f"rerun after one more month <= a full build of the same months ({r.accounts:,})"
        rows.append((target, f"{share:.0%}", share <= 1))
    if not rows:
        return []
    lines = ["## Targets", "", "| target | measured | met |", "|---|---:|---|"]
    lines += [f"| {name} | {value} | {'yes' if met else '**no**'} |" for name, value, met in rows]
    return [*lines, ""]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="2500,10000,40000", help="comma-separated account counts")
    p.add_argument("--months", type=int, default=24, help="months of the full build (one more lands)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--start-month", default="2024-01", help="fixed, so both landing zones share months")
    p.add_argument("--fixed-accounts", type=int, default=10, help="size of the fixed-cost build (0: skip)")
    p.add_argument("--workdir", type=Path, help="scratch directory (default: a new temporary one)")
    p.add_argument("--out", type=Path, default=PROJECT_ROOT / "BENCHMARKS.md", help="report file")
    p.add_argument("--keep", action="store_true", help="keep generated data and databases")
    p.add_argument("--with-unit-tests", action="store_true", help="time `dbt build` with the dbt unit tests")
    p.add_argument(
        "--compare-anchor", action="store_true", help="compare the anchor's marts with the job's, row by row"
    )
    daily = p.add_argument_group("the daily job (issue 26)")
    daily.add_argument("--daily", action="store_true", help="also run the daily cases after the build benchmark")
    daily.add_argument("--daily-only", action="store_true", help="run only the daily cases (other sections kept)")
    daily.add_argument("--daily-sizes", default="40000", help="accounts of one more day, rerun, new month")
    daily.add_argument("--change-sizes", default="10000", help="accounts of the change kinds")
    daily.add_argument("--day", type=int, default=14, help="the current month has landed through this day")
    daily.add_argument("--compare-each", action="store_true", help="a full refresh after every case, not each sequence")
    args = p.parse_args(argv)
    args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    args.daily_sizes = [int(size) for size in args.daily_sizes.split(",") if size.strip()]
    args.change_sizes = [int(size) for size in args.change_sizes.split(",") if size.strip()]
    return args


# Sections of the report file from this heading on are measured by other commands (the CSM
# report's: docs/report.md) and kept as they are when the build benchmark is written again.
KEPT_FROM = "\n## CSM report"


def kept_sections(out: Path) -> str:
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    return old[old.index(KEPT_FROM) :] if KEPT_FROM in old else ""


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    info = machine()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="adoption_benchmark_"))
    workdir.mkdir(parents=True, exist_ok=True)
    old_daily = daily_section_of(args.out)
    if not args.daily_only:
        fixed = None
        if args.fixed_accounts:
            say(f"fixed cost: {args.fixed_accounts} accounts")
            fixed = benchmark_size(args.fixed_accounts, args, workdir).full
        results = [benchmark_size(accounts, args, workdir) for accounts in args.sizes]
        text = report(results, fixed, args, info)
        print(text)
        args.out.write_text(text + kept_sections(args.out), encoding="utf-8")
        if old_daily:
            write_daily_section(args.out, old_daily)
    if args.daily or args.daily_only:
        for kind, sizes in (("days", args.daily_sizes), ("changes", args.change_sizes)):
            sequences = []
            for accounts in sizes:
                try:
                    sequences.append({"days": daily_days, "changes": daily_changes}[kind](accounts, args, workdir))
                except CommandFailed as failed:
                    say(f"{accounts:,} accounts, {kind}: {failed}")
            parts = daily_report(sequences, args)
            print("\n".join(parts.values()))
            write_daily_section(args.out, parts)  # each kind as soon as it is measured
    if not args.keep and args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
