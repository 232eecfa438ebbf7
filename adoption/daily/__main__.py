"""`python -m adoption.daily [-- DBT_ARGS]`: the scheduled job (docs/performance.md "The daily job").

Builds (`dbt build --exclude-resource-type unit_test`) only when something the build reads has
changed since the build that published the set BI tools read; otherwise prints "nothing changed
since build <build_id>" and leaves the published set untouched (not republished).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from adoption import published as published_set
from adoption.daily import inputs, state
from adoption.daily.inputs import PROJECT_DIRS, PROJECT_FILES, PROJECT_ROOT

SCHEDULED_BUILD = ["build", "--exclude-resource-type", "unit_test"]
FUTURE_REJECTION = "future_recorded_at"  # the ping parse's rejection_reason (macros/landing/)
EXIT_WOULD_BUILD = 3  # --check: something changed
SHOWN_CHANGES = 12


def env_path(name: str, default: str) -> Path:
    return Path(os.environ.get(name) or default)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def dbt_executable() -> str:
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else "dbt"


@contextmanager
def job_lock(record_path: Path) -> Iterator[None]:
    """One job at a time per build database (dbt's own build lock guards the build itself)."""
    record_path.parent.mkdir(parents=True, exist_ok=True)
    with record_path.with_name(record_path.name + ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def read_publication(path: Path, tolerance_hours: float) -> tuple[published_set.Publication, datetime | None] | None:
    """The published build, and when the earliest ping it rejected as future falls due."""
    if not path.is_file():
        return None
    con = published_set.connect(path)
    try:
        con.execute("set TimeZone = 'UTC'")
        publication = published_set.publication(con)
        stamps = con.execute(
            f"""
            select try_cast(recorded_at_text as timestamptz) at time zone 'UTC'
            from {published_set.MARTS}.dq_rejected_pings
            where rejection_reason = ?
            """,
            [FUTURE_REJECTION],
        ).fetchall()
    except (duckdb.Error, LookupError):
        return None
    finally:
        con.close()
    return publication, inputs.future_pings_due_at([value for (value,) in stamps], tolerance_hours)


def reasons_to_build(
    record: state.Record | None,
    publication: published_set.Publication | None,
    current: state.Record,
    now: datetime,
    dbt_args: list[str],
) -> list[str]:
    """Why the job must build, one line each; empty when nothing changed."""
    if dbt_args:
        return [f"arguments for dbt were given ({' '.join(dbt_args)}): the job builds and records nothing"]
    if publication is None:
        return [f"nothing is published at {current.published_path} yet"]
    if record is None:
        return ["this job has no record of what the published build read (its first run here)"]
    if record.build_id != publication.build_id:
        return [
            f"the published set is build {publication.build_id}, not build {record.build_id} this job "
            "recorded (something else published)"
        ]
    reasons = []
    for name, before, after in (
        ("target", record.target, current.target),
        ("landing zone", record.raw_path, current.raw_path),
        ("published file", record.published_path, current.published_path),
    ):
        if before != after:
            reasons.append(f"the {name} is {after} (was {before})")
    reasons += [f"landing: {line}" for line in inputs.changed_files(record.landing, current.landing)]
    reasons += [f"project: {line}" for line in inputs.changed_files(record.project, current.project)]
    if current.first_open_month != record.first_open_month:
        reasons.append(
            f"the month boundary moved: months before {current.first_open_month:%Y-%m} are complete now "
            f"(before {record.first_open_month:%Y-%m})"
        )
    due = record.future_pings_due_at
    if due is not None and now >= due:
        reasons.append(f"a ping rejected as {FUTURE_REJECTION} is due now (since {due:%Y-%m-%d %H:%M} UTC)")
    return reasons


def summary(reasons: list[str], every: bool) -> str:
    shown = reasons if every else reasons[:SHOWN_CHANGES]
    more = len(reasons) - len(shown)
    return "\n".join([*(f"  - {line}" for line in shown), *([f"  - and {more} more"] if more > 0 else [])])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m adoption.daily",
        description="The scheduled job: dbt build, only when an input changed since the published build.",
    )
    parser.add_argument("--raw-path", type=Path, default=env_path("ADOPTION_RAW_PATH", "data/raw"))
    parser.add_argument("--database", type=Path, default=env_path("DBT_DUCKDB_PATH", "data/adoption.duckdb"))
    parser.add_argument("--published", type=Path, default=published_set.default_path())
    parser.add_argument("--project-dir", type=Path, default=PROJECT_ROOT, help="the dbt project (default: this one)")
    parser.add_argument("--record", type=Path, help="the job's record (default: <database>.daily.json)")
    decide_only = f"decide and list every change only: exit 0 if nothing changed, {EXIT_WOULD_BUILD} if it would build"
    parser.add_argument("--check", action="store_true", help=decide_only)
    parser.add_argument("--now", type=datetime.fromisoformat, help="with --check: decide as of this UTC time")
    parser.add_argument("dbt_args", nargs="*", help="after --: more arguments for dbt build")
    args = parser.parse_args(argv)
    if args.now is not None and not args.check:
        parser.error("--now only goes with --check (dbt reads its own clock)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    target = os.environ.get("DBT_TARGET", "duckdb")
    command = [dbt_executable(), *SCHEDULED_BUILD, *args.dbt_args]
    if target != "duckdb":
        print(f"adoption.daily: on target {target} the job always builds (its record reads the DuckDB published file)")
        return EXIT_WOULD_BUILD if args.check else subprocess.run(command, cwd=args.project_dir).returncode
    record_path = args.record or state.state_path(args.database)
    with job_lock(record_path):
        record = state.load(record_path)
        now = args.now or utc_now()
        project_vars = inputs.project_vars(args.project_dir)
        grace = float(project_vars["month_complete_grace_days"])
        known = read_publication(args.published, float(project_vars["future_ping_tolerance_hours"]))
        publication = known[0] if known else None
        current = state.Record(
            build_id="",
            published_at=now,
            target=target,
            raw_path=str(args.raw_path.resolve()),
            published_path=str(args.published.resolve()),
            first_open_month=inputs.first_open_month(now, grace),
            future_pings_due_at=None,
            landing=inputs.stamps(args.raw_path, record.landing if record else {}),
            project=inputs.stamps(args.project_dir, record.project if record else {}, [*PROJECT_FILES, *PROJECT_DIRS]),
        )
        reasons = reasons_to_build(record, publication, current, now, args.dbt_args)
        if not reasons:
            print(
                f"adoption.daily: nothing changed since build {publication.build_id} "
                f"(published {publication.published_at:%Y-%m-%d %H:%M:%S} UTC): its {len(current.landing)} landing "
                f"files, the project's {len(current.project)} files and the complete months are as they were, and no "
                f"ping rejected as future is due. The published set is left as it is (not republished)."
            )
            return 0
        since = f"since build {publication.build_id}" if publication else "to build"
        print(f"adoption.daily: {len(reasons)} change(s) {since}:\n{summary(reasons, every=args.check)}", flush=True)
        if args.check:
            return EXIT_WOULD_BUILD
        print(f"adoption.daily: running dbt {' '.join(command[1:])}", flush=True)
        paths = {
            "ADOPTION_RAW_PATH": str(args.raw_path),
            "DBT_DUCKDB_PATH": str(args.database),
            "ADOPTION_SERVING_PATH": str(args.published),
        }
        returncode = subprocess.run(command, cwd=args.project_dir, env={**os.environ, **paths}).returncode
        if returncode != 0:
            return returncode
        after = read_publication(args.published, float(project_vars["future_ping_tolerance_hours"]))
        if after is None or (publication is not None and after[0].build_id == publication.build_id):
            print("adoption.daily: the build published nothing new; no record written")
            return returncode
        if args.dbt_args:
            return returncode
        current.build_id, current.published_at = after[0].build_id, after[0].published_at
        current.future_pings_due_at = after[1]
        state.save(record_path, current)
        print(f"adoption.daily: recorded what build {current.build_id} read ({record_path})")
        return returncode


if __name__ == "__main__":
    sys.exit(main())
