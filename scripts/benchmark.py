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
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(args)}\n{tail}")
    return Run(wall, usage.ru_utime + usage.ru_stime, peak)


def disk_bytes(database: Path) -> int:
    """A DuckDB file on disk, with its write-ahead log if one is left."""
    return sum(path.stat().st_size for path in (database, Path(f"{database}.wal")) if path.exists())


def dbt_env(raw_path: Path, database: Path, target_path: Path) -> dict[str, str]:
    logs = target_path / "logs"
    return dbt_environment("duckdb", PROJECT_ROOT, target_path, logs, raw_path=raw_path, database=database)


def dbt_build(env: dict[str, str], target_path: Path, log: Path, with_unit_tests: bool) -> Run:
    args = [str(DBT), "build"] if with_unit_tests else [str(DBT), *SCHEDULED_JOB]
    run = measure(args, env, PROJECT_ROOT, log)
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
    args = p.parse_args(argv)
    args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
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
    fixed = None
    if args.fixed_accounts:
        say(f"fixed cost: {args.fixed_accounts} accounts")
        fixed = benchmark_size(args.fixed_accounts, args, workdir).full
    results = [benchmark_size(accounts, args, workdir) for accounts in args.sizes]
    text = report(results, fixed, args, info)
    print(text)
    args.out.write_text(text + kept_sections(args.out), encoding="utf-8")
    if not args.keep and args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
