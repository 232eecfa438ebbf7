"""The scheduled job, `python -m adoption.daily` (docs/daily.md): it builds only when something the
build reads changed since the published build, and otherwise says "nothing changed since build X"
and leaves the published set as it is.

One real run builds and records (module fixture); the checks after it use `--check`, which
decides and names what changed without running dbt. A change is made, checked, and put back.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import (
    PROJECT_ROOT,
    Build,
    Workplace,
    copy_project,
    dbt_env,
    published_digest,
    query,
    serving_path,
)

EXIT_WOULD_BUILD = 3
# The generated zone's ping stamps are read as dbt reads them: a ping this far ahead of the
# job's start is rejected as future_recorded_at (future_ping_tolerance_hours is 24).
FUTURE_PING_HOURS_AHEAD = 60
TOLERANCE_HOURS = 24


@dataclass(frozen=True)
class Job:
    zone: Path
    database: Path
    project: Path
    first_run: str  # what the first run printed
    future_ping_at: datetime  # the stamp of the ping the build rejected as future

    @property
    def record(self) -> Path:
        return self.database.with_name(self.database.name + ".daily.json")

    def run(self, *args: str, project: Path | None = None) -> subprocess.CompletedProcess:
        env = dbt_env(self.zone, self.database, PROJECT_ROOT, None)
        command = [sys.executable, "-m", "adoption.daily", "--project-dir", str(project or self.project), *args]
        return subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)

    def published_build(self) -> str:
        sql = "select build_id from marts.publication_log order by published_at desc limit 1"
        return query(serving_path(self.database), sql)[0][0]


def add_future_ping(zone: Path, hours_ahead: float) -> datetime:
    """A copy of the zone's last ping, with a new id, stamped `hours_ahead` hours from now."""
    latest = sorted((zone / "usage_pings").glob("*.ndjson"))[-1]
    ping = json.loads(latest.read_text(encoding="utf-8").splitlines()[-1])
    stamp = (datetime.now(UTC) + timedelta(hours=hours_ahead)).replace(microsecond=0, tzinfo=None)
    ping["id"] = f"{ping['id']}-from-the-future"
    ping["recorded_at"] = stamp.isoformat() + "Z"
    with latest.open("a", encoding="utf-8") as out:
        out.write(json.dumps(ping) + "\n")
    return stamp


@pytest.fixture(scope="module")
def job(generated_build: Build, workplace: Workplace, tmp_path_factory: pytest.TempPathFactory) -> Job:
    """The generated build's zone and database, one ping stamped in the future added, and a first
    run of the job: it has no record yet, so it builds, publishes and records."""
    zone, database = workplace.restore(generated_build.raw_path, generated_build.database)
    future_ping_at = add_future_ping(zone, FUTURE_PING_HOURS_AHEAD)
    project = copy_project(tmp_path_factory.mktemp("daily_project"))
    first = Job(zone, database, project, "", future_ping_at)
    result = first.run()
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    return Job(zone, database, project, result.stdout, future_ping_at)


def test_the_first_run_builds_publishes_and_records(job: Job) -> None:
    build = job.published_build()
    assert "this job has no record of what the published build read" in job.first_run
    assert "running dbt build --exclude-resource-type unit_test" in job.first_run
    assert f"recorded what build {build} read" in job.first_run
    record = json.loads(job.record.read_text(encoding="utf-8"))
    assert record["build_id"] == build
    assert "usage_pings/" + sorted(p.name for p in (job.zone / "usage_pings").iterdir())[-1] in record["landing"]
    # The build rejected the pings stamped too far ahead of its start (ours and the generator's);
    # the record says when the earliest of them falls due, computed here from the zone's lines.
    sql = "select build_started_at from marts.publication_log where build_id = ?"
    [(started,)] = query(serving_path(job.database), sql, [build])
    ahead = [stamp for stamp in zone_stamps(job.zone) if stamp > started + timedelta(hours=TOLERANCE_HOURS)]
    assert job.future_ping_at in ahead
    due = datetime.fromisoformat(record["future_pings_due_at"])
    assert due == min(ahead) - timedelta(hours=TOLERANCE_HOURS)


def zone_stamps(zone: Path) -> list[datetime]:
    """recorded_at of every ping line of the zone that is JSON with a readable stamp (UTC)."""
    stamps = []
    for path in (zone / "usage_pings").glob("*.ndjson"):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                text = json.loads(line)["recorded_at"]
                stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
            stamps.append(stamp.astimezone(UTC).replace(tzinfo=None) if stamp.tzinfo else stamp)
    return stamps


def test_a_rerun_with_nothing_new_says_so_and_publishes_nothing(job: Job) -> None:
    build, digest = job.published_build(), published_digest(job.database)
    log_rows = query(serving_path(job.database), "select count(*) from marts.publication_log")
    result = job.run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"nothing changed since build {build}" in result.stdout
    assert "not republished" in result.stdout
    assert "running dbt" not in result.stdout
    assert published_digest(job.database) == digest
    assert query(serving_path(job.database), "select count(*) from marts.publication_log") == log_rows


@contextmanager
def changed(path: Path, how: str, keep: Path) -> Iterator[None]:
    """`path` edited (a line appended), added or removed; put back byte for byte afterwards from a
    copy kept in `keep` (outside the zone and the project, where it would be a change itself)."""
    kept = keep / path.name
    if how == "added":
        path.write_text(path.with_suffix(".ndjson").name + "\n", encoding="utf-8")
    else:
        shutil.copy2(path, kept)
        if how == "removed":
            path.unlink()
        else:
            with path.open("a", encoding="utf-8") as out:
                out.write("\n")
    try:
        yield
    finally:
        if how == "added":
            path.unlink()
        else:
            shutil.copyfile(kept, path)
            kept.unlink()


def ping_file(zone: Path, index: int) -> str:
    return "usage_pings/" + sorted(p.name for p in (zone / "usage_pings").glob("*.ndjson"))[index]


# (where: zone or project, the file, how it changes, the line the job prints); every input kind
# issue 26 names: pings (a day more, a new month, a file gone), the landing CSVs (past ARR too),
# methodology seeds, overrides, exclusions, and the project's code.
CHANGES = [
    ("zone", lambda zone: ping_file(zone, -1), "edited", "landing: {} changed"),
    ("zone", lambda zone: "usage_pings/2099-01.ndjson", "added", "landing: {} added"),
    ("zone", lambda zone: ping_file(zone, 0), "removed", "landing: {} removed"),
    ("zone", lambda zone: "arr_monthly.csv", "edited", "landing: {} changed"),
    ("zone", lambda zone: "accounts.csv", "edited", "landing: {} changed"),
    ("zone", lambda zone: "subscriptions.csv", "edited", "landing: {} changed"),
    ("zone", lambda zone: "instances.csv", "edited", "landing: {} changed"),
    ("zone", lambda zone: "adoption_reasons.csv", "edited", "landing: {} changed"),
    ("project", lambda zone: "seeds/measure_thresholds.csv", "edited", "project: {} changed"),
    ("project", lambda zone: "seeds/score_overrides.csv", "edited", "project: {} changed"),
    ("project", lambda zone: "seeds/instance_exclusions.csv", "edited", "project: {} changed"),
    ("project", lambda zone: "models/marts/accounts/dim_accounts.sql", "edited", "project: {} changed"),
]


def test_every_changed_input_is_named_and_put_back_ones_are_not(job: Job, tmp_path: Path) -> None:
    expected = []
    with ExitStack() as changes:
        for where, name_of, how, line in CHANGES:
            name = name_of(job.zone)
            changes.enter_context(changed((job.zone if where == "zone" else job.project) / name, how, tmp_path))
            expected.append(f"  - {line.format(name)}")
        result = job.run("--check")
        assert result.returncode == EXIT_WOULD_BUILD, result.stdout + result.stderr
        listed = [line for line in result.stdout.splitlines() if line.startswith("  - ")]
        assert sorted(listed) == sorted(expected)
    # Put back: the same bytes, though written anew (another modification time), are no change.
    result = job.run("--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nothing changed since build" in result.stdout


def test_the_clock_makes_it_build_when_a_month_closes_or_a_future_ping_falls_due(job: Job) -> None:
    record = json.loads(job.record.read_text(encoding="utf-8"))
    first_open = datetime.fromisoformat(record["first_open_month"])
    due = datetime.fromisoformat(record["future_pings_due_at"])
    grace = timedelta(days=3)  # month_complete_grace_days
    next_month = (first_open + timedelta(days=32)).replace(day=1)

    def check(now: datetime) -> list[str]:
        result = job.run("--check", "--now", now.isoformat())
        return [line for line in result.stdout.splitlines() if line.startswith("  - ")]

    # The month stays open until the grace days after its end have passed.
    assert not any("month boundary" in line for line in check(next_month + grace - timedelta(minutes=1)))
    closed = check(next_month + grace)
    assert f"  - the month boundary moved: months before {next_month:%Y-%m} are complete now" in " ".join(closed)
    # The ping rejected as future is accepted by a build that starts once its stamp minus the
    # tolerance has passed: from then on the job builds.
    assert not any("future_recorded_at" in line for line in check(due - timedelta(minutes=1)))
    assert any("future_recorded_at is due now" in line for line in check(due))


def test_a_failed_build_records_nothing(job: Job) -> None:
    record = job.record.read_bytes()
    digest = published_digest(job.database)
    accounts = job.zone / "accounts.csv"
    kept = accounts.read_bytes()
    # A landing CSV without its header fails the landing checks before anything is built.
    accounts.write_bytes(kept.split(b"\n", 1)[1])
    try:
        result = job.run()
        assert result.returncode not in (0, EXIT_WOULD_BUILD), result.stdout
        assert "landing: accounts.csv changed" in result.stdout
        assert "recorded what build" not in result.stdout
    finally:
        accounts.write_bytes(kept)
    assert job.record.read_bytes() == record
    assert published_digest(job.database) == digest
    assert job.run("--check").returncode == 0


def test_arguments_for_dbt_always_build_and_another_publication_is_noticed(job: Job) -> None:
    result = job.run("--check", "--", "--vars", "{accept_publication_changes: [empty_mart]}")
    assert result.returncode == EXIT_WOULD_BUILD
    assert "arguments for dbt were given (--vars {accept_publication_changes: [empty_mart]})" in result.stdout
    # A record of another build than the published one: something else published since.
    original = job.record.read_text(encoding="utf-8")
    record = json.loads(original)
    record["build_id"] = "an-earlier-build"
    job.record.write_text(json.dumps(record), encoding="utf-8")
    try:
        result = job.run("--check")
        assert result.returncode == EXIT_WOULD_BUILD
        assert f"the published set is build {job.published_build()}, not build an-earlier-build" in result.stdout
    finally:
        job.record.write_text(original, encoding="utf-8")
