"""Benchmark the project on local Spark (dbt-spark `session`): the full build and what each model costs per row.

Usage::

    python scripts/benchmark_spark.py [--accounts 2500] [--months 24] [--out BENCHMARKS.md]

The script generates one landing zone (scripts/generate_landing_zone.py, the seed and start month of
scripts/benchmark.py), then runs, each as its own command and each measured for wall time, CPU time
(user + system of the command and its children: the JVM is a child) and peak RSS of the process tree:

1. the loader, ``scripts/load_landing_zone.py --target spark --raw-uri file://...`` (the cluster's
   code path: Spark reads every file itself);
2. ``dbt parse`` (not part of the build: the scheduled job keeps its parsed manifest);
3. the scheduled job, ``dbt build --target spark --exclude-resource-type unit_test``, on an empty
   warehouse: the full build; per-node seconds from run_results.json.

Then one more Spark session counts the rows of every raw table, seed and model. A model's rows out
are its own rows; its rows in are the rows of its direct parents (models, seeds, raw tables). A
view (staging) costs nothing when it is created: its rows are computed by the tables that read it,
whose rows in count the view's rows. Per-row costs are seconds per million rows in and out.

The section "Spark, local, <N> accounts" of ``--out`` is written (replaced when present, else
appended at the end, after the sections scripts/benchmark.py keeps), and docs/performance.md reads
its figures. ``--json`` also writes the measurements as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
from benchmark import (
    DBT,
    PROJECT_ROOT,
    SCHEDULED_JOB,
    TICKS,
    Run,
    generate,
    machine,
    ping_lines,
    process_tree,
    say,
    tree_peak_rss,
)
from dbt_environment import dbt_environment

LOADER = PROJECT_ROOT / "scripts" / "load_landing_zone.py"
BUILD_SCHEMA, PUBLISHED_SCHEMA = "marts_build", "marts"
# A model reading fewer rows than this costs its query's fixed cost only (the report's estimate of it).
TINY_ROWS = 1_000
# Runs in its own process after the build (the Derby metastore admits one process at a time):
# the rows of every relation the manifest names, as JSON on stdout.
COUNT_ROWS = """
import json, sys
sys.path.insert(0, {scripts!r})
import load_landing_zone as loader

spark = loader.spark_session(loader.profile_output("spark"))
relations = json.loads({relations!r})
print(json.dumps({{name: spark.table(relation).count() for name, relation in relations.items()}}))
"""


@dataclass
class ModelCost:
    name: str
    materialized: str
    seconds: float
    rows_in: int
    rows_out: int

    @property
    def per_million_in(self) -> float | None:
        return self.seconds / self.rows_in * 1e6 if self.rows_in else None

    @property
    def per_million_out(self) -> float | None:
        return self.seconds / self.rows_out * 1e6 if self.rows_out else None


@dataclass
class SparkResult:
    accounts: int
    months: int
    raw_ping_lines: int
    load: Run
    parse: Run
    build: Run
    nodes: int
    seconds_by_kind: dict[str, float]
    models: list[ModelCost] = field(default_factory=list)


def tree_cpu_seconds(root: int, seen: dict[int, float]) -> None:
    """Record the CPU seconds (user + system) each process of `root`'s tree has used so far."""
    for pid in process_tree(root):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seen[pid] = (int(fields[11]) + int(fields[12])) / TICKS


def measure(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> Run:
    """benchmark.measure, with CPU time polled from /proc for the whole process tree: the JVM that
    pyspark starts is never waited for (it is killed at exit), so wait4's rusage misses it."""
    peak, cpu = 0, {}
    began = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        done = threading.Event()

        def poll() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_peak_rss(proc.pid))
                tree_cpu_seconds(proc.pid, cpu)
                done.wait(0.05)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        returncode = proc.wait()
        done.set()
        poller.join()
    wall = time.perf_counter() - began
    if returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise SystemExit(f"command failed ({returncode}): {' '.join(args)}\n{tail}")
    return Run(wall, sum(cpu.values()), peak)


def spark_env(work: Path) -> dict[str, str]:
    return dbt_environment(
        "spark",
        PROJECT_ROOT,
        work / "target",
        work / "logs",
        extra={"DBT_SPARK_DIR": str(work / "spark"), "TZ": "UTC"},
    )


def relations(manifest: dict) -> dict[str, str]:
    """Every model, seed and source the build made or read: unique_id -> Spark relation."""
    found = {}
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] in ("model", "seed") and node["config"].get("enabled", True):
            found[unique_id] = f"{node['schema']}.{node['alias']}"
            if node["schema"] == BUILD_SCHEMA:
                # Spark builds a mart under a per-build name and publishes a view of it (publishing.md).
                found[unique_id] = f"{PUBLISHED_SCHEMA}.{node['name']}"
    for unique_id, source in manifest["sources"].items():
        found[unique_id] = f"{source['schema']}.{source['identifier']}"
    return found


def model_costs(manifest: dict, run_results: dict, rows: dict[str, int]) -> list[ModelCost]:
    seconds = {r["unique_id"]: r["execution_time"] for r in run_results["results"]}
    costs = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model" or unique_id not in seconds:
            continue
        parents = [parent for parent in node["depends_on"]["nodes"] if parent in rows]
        costs.append(
            ModelCost(
                name=node["name"],
                materialized=node["config"]["materialized"],
                seconds=seconds[unique_id],
                rows_in=sum(rows[parent] for parent in parents),
                rows_out=rows[unique_id],
            )
        )
    return sorted(costs, key=lambda cost: -cost.seconds)


def benchmark(args: argparse.Namespace, work: Path) -> SparkResult:
    raw = work / "raw"
    env, logs = spark_env(work), work / "run_logs"
    measured = work / "measured.json"
    if args.resume and measured.exists():
        # The commands ran (--keep): count and report again without building again.
        load, parse, build = (Run(**run) for run in json.loads(measured.read_text(encoding="utf-8")))
    else:
        say(f"{args.accounts:,} accounts x {args.months} months: generating")
        generate(raw, args.accounts, args.months, args.seed, args.start_month)
        logs.mkdir(parents=True, exist_ok=True)
        say("  loading")
        load = measure(
            [sys.executable, str(LOADER), "--target", "spark", "--raw-uri", f"file://{raw.resolve()}"],
            env,
            PROJECT_ROOT,
            logs / "load.log",
        )
        say(f"  loaded in {load.wall_s:.1f} s; dbt parse")
        parse = measure([str(DBT), "parse", "--target", "spark"], env, PROJECT_ROOT, logs / "parse.log")
        say("  full build")
        build = measure([str(DBT), *SCHEDULED_JOB, "--target", "spark"], env, PROJECT_ROOT, logs / "build.log")
        measured.write_text(json.dumps([asdict(run) for run in (load, parse, build)]), encoding="utf-8")
    say(f"  built in {build.wall_s:.1f} s; counting rows")
    target = work / "target"
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    run_results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    build.elapsed_in_dbt_s = run_results["elapsed_time"]
    found = relations(manifest)
    code = COUNT_ROWS.format(scripts=str(PROJECT_ROOT / "scripts"), relations=json.dumps(found))
    counted = subprocess.run([sys.executable, "-c", code], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True)
    if counted.returncode != 0:
        raise SystemExit(f"counting rows failed:\n{counted.stderr[-4000:]}")
    rows = json.loads(counted.stdout.strip().splitlines()[-1])
    by_kind: dict[str, float] = {}
    for result in run_results["results"]:
        kind = result["unique_id"].split(".")[0]
        by_kind[kind] = by_kind.get(kind, 0.0) + result["execution_time"]
    return SparkResult(
        accounts=args.accounts,
        months=args.months,
        raw_ping_lines=ping_lines(raw),
        load=load,
        parse=parse,
        build=build,
        nodes=len(run_results["results"]),
        seconds_by_kind=by_kind,
        models=model_costs(manifest, run_results, rows),
    )


def number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def heading(accounts: int) -> str:
    return f"## Spark, local, {accounts:,} accounts"


def report(result: SparkResult, args: argparse.Namespace) -> str:
    info = dict(machine())
    tables = [cost for cost in result.models if cost.materialized != "view"]
    table_seconds = sum(cost.seconds for cost in tables)
    lines = [
        heading(result.accounts),
        "",
        f"Written by `scripts/benchmark_spark.py` ({info['Date (UTC)']} UTC; {info['CPU']}; load average when "
        f"written {info['Load average at start (1/5/15 min)']}; dbt-spark {metadata.version('dbt-spark')}, pyspark "
        f"{metadata.version('pyspark')}). {result.accounts:,} accounts x {result.months} months (seed {args.seed}, "
        f"start month {args.start_month}), {result.raw_ping_lines:,} raw ping lines. dbt-spark's `session` "
        "method, `local[*]`, the `spark` target of profiles.yml as it is (2 shuffle partitions, driver "
        "memory 2g, 4 dbt threads). Wall and CPU seconds of each command (CPU: user + system of the command "
        "and every process it started, the JVM included, polled from /proc); peak RSS of the process tree.",
        "",
        "| step | wall (s) | CPU (s) | peak (GiB) |",
        "|---|---:|---:|---:|",
    ]
    for label, run in (
        ("load (`load_landing_zone.py --target spark --raw-uri file://...`)", result.load),
        ("`dbt parse` (not in the build)", result.parse),
        (f"full build (`dbt {' '.join(SCHEDULED_JOB)} --target spark`)", result.build),
    ):
        lines.append(f"| {label} | {run.wall_s:.1f} | {run.cpu_s:.1f} | {run.peak_rss_bytes / 2**30:.2f} |")
    kinds = ", ".join(f"{kind}s {seconds:.1f}" for kind, seconds in sorted(result.seconds_by_kind.items()))
    tiny = sorted(cost.seconds for cost in tables if cost.rows_in < TINY_ROWS)
    fixed = statistics.median(tiny) if tiny else 0.0
    lines += [
        "",
        f"The build ran {result.nodes} nodes in {result.build.elapsed_in_dbt_s:.1f} s (run_results.json); "
        f"seconds in nodes by kind, summed over 4 threads: {kinds}. The {len(tables)} table models took "
        f"{table_seconds:.1f} s in all.",
        "",
        "Per model (tables and incremental models, slowest first; views cost nothing when created and are "
        "paid by the tables reading them). Rows in: the rows of the model's direct parents (models, seeds, "
        "raw tables); s/M: seconds per million rows. Every query also pays a fixed cost (planning, "
        f"scheduling, the metastore): the median of the {len(tiny)} table models reading fewer than "
        f"{TINY_ROWS:,} rows is {fixed:.1f} s; the last column is the cost per million rows in net of it, "
        "the part that grows with the data.",
        "",
        "| model | materialized | seconds | rows in | rows out | s/M rows in | s/M rows out | net s/M rows in |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for cost in tables:
        net = max(cost.seconds - fixed, 0.0) / cost.rows_in * 1e6 if cost.rows_in >= TINY_ROWS else None
        lines.append(
            f"| {cost.name} | {cost.materialized} | {cost.seconds:.2f} | {cost.rows_in:,} | {cost.rows_out:,} "
            f"| {number(cost.per_million_in)} | {number(cost.per_million_out)} | {number(net)} |"
        )
    views = [cost for cost in result.models if cost.materialized == "view"]
    lines += [
        "",
        "Views (rows they give; created in "
        f"{sum(cost.seconds for cost in views):.1f} s in all): "
        + ", ".join(f"{cost.name} {cost.rows_out:,}" for cost in views)
        + ".",
        "",
    ]
    return "\n".join(lines)


def write_section(out: Path, section: str, accounts: int) -> None:
    """Replace this size's section in `out`, or append it at the end."""
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    start = text.find(heading(accounts) + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    out.write_text(text, encoding="utf-8")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--accounts", type=int, default=2500)
    p.add_argument("--months", type=int, default=24)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--start-month", default="2024-01")
    p.add_argument("--workdir", type=Path, help="scratch directory (default: a new temporary one)")
    p.add_argument("--out", type=Path, default=PROJECT_ROOT / "BENCHMARKS.md", help="report file")
    p.add_argument("--json", type=Path, help="also write the measurements here")
    p.add_argument("--keep", action="store_true", help="keep the landing zone and the warehouse")
    p.add_argument("--resume", action="store_true", help="with --workdir: count and report a kept run again")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="adoption_benchmark_spark_"))
    work.mkdir(parents=True, exist_ok=True)
    result = benchmark(args, work)
    section = report(result, args)
    print(section)
    write_section(args.out, section, args.accounts)
    if args.json:
        data = asdict(result)
        data["models"] = [
            {**asdict(cost), "per_million_in": cost.per_million_in, "per_million_out": cost.per_million_out}
            for cost in result.models
        ]
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
