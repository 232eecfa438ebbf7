"""The scheduled job is incremental (docs/performance.md): a rerun after new pings land must give
the marts a full refresh gives, pick up late pings, reject later deliveries of an id, and keep
every raw line accounted for.

The tests build one after another in one workplace (conftest.Workplace), put back to the
published state before each: dbt then reuses its saved parse instead of parsing the project
again for every new database path."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import (
    PROJECT_ROOT,
    Workplace,
    copy_database,
    copy_project,
    dbt_env,
    generate_landing_zone,
    mart_snapshot,
    query,
    run_dbt,
    run_until_killed,
    serving_path,
)

ACCOUNTS, MONTHS, SEED, START = 40, 5, 7, "2024-01"
# Unit tests do not read data: leaving them out keeps these builds short.
BUILD = ["build", "--exclude-resource-type", "unit_test"]


def land_next_month(live: Path, following: Path) -> None:
    """What the scheduled job sees: the next month's ping file arrives, the CSVs are replaced."""
    for path in (following / "usage_pings").iterdir():
        if not (live / "usage_pings" / path.name).exists():
            shutil.copy2(path, live / "usage_pings" / path.name)
    for path in following.glob("*.csv"):
        shutil.copy2(path, live / path.name)


def raw_lines(raw_path: Path) -> list[tuple[str, int, str]]:
    """(file, line number, line) of every raw ping line."""
    lines = []
    for path in sorted((raw_path / "usage_pings").glob("*.ndjson")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            lines.append((path.name, number, line))
    return lines


def full_refresh_snapshot(
    raw_path: Path, database: Path, tmp_path: Path, args: list[str] = (), extra_env: dict[str, str] | None = None
) -> dict[str, list[tuple]]:
    """Marts of `dbt build --full-refresh` on a copy of `database`. The full refresh runs in
    `database`'s place (its saved parse then holds) once a copy is kept, and the copy is put back:
    the database and its published file are then byte for byte what they were before."""
    kept = copy_database(database, tmp_path / f"{database.stem}_kept.duckdb")
    result = run_dbt([*BUILD, "--full-refresh", *args], raw_path, database, extra_env=extra_env)
    assert result.ok, result.output[-5000:]
    assert recompute_window(database) == (None, True, "--full-refresh")
    snapshot = mart_snapshot(database)
    copy_database(kept, database)
    return snapshot


def assert_lines_reconcile(raw_path: Path, database: Path) -> None:
    accepted = query(database, "select count(*) from staging.stg_landing__usage_pings")[0][0]
    rejected = query(database, "select count(*) from marts_build.dq_rejected_pings")[0][0]
    assert accepted + rejected == len(raw_lines(raw_path))


@dataclass(frozen=True)
class Published:
    live: Path  # a landing zone of MONTHS months
    following: Path  # the same zone one month later
    database: Path  # a copy of the database built from `live` (and of its published file)
    work: Workplace  # where the tests build (`live` was built there)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, workplace: Workplace) -> Published:
    """A landing zone of MONTHS months built once, and the same zone one month later."""
    root = tmp_path_factory.mktemp("incremental")
    live = generate_landing_zone(root / "live", ACCOUNTS, MONTHS, SEED, start_month=START)
    following = generate_landing_zone(root / "next", ACCOUNTS, MONTHS + 1, SEED, start_month=START)
    work = workplace
    zone, database = work.restore(live)
    result = run_dbt(BUILD, zone, database)
    assert result.ok, result.output[-5000:]
    return Published(live, following, copy_database(database, root / "published.duckdb"), work)


@pytest.fixture
def scheduled(published: Published) -> tuple[Path, Path, Path]:
    """Private copies of the published landing zone and database (in the workplace), and the next
    month's zone."""
    zone, database = published.work.restore(published.live, published.database)
    return zone, published.following, database


def recompute_window(database: Path) -> tuple:
    """(recompute_from_month, is_full_recompute, reason) of the last build (int_recompute_window)."""
    return query(
        database, "select recompute_from_month, is_full_recompute, reason from intermediate.int_recompute_window"
    )[0]


def rebuild(
    raw_path: Path,
    database: Path,
    first_month: str | None,
    reason: str,
    args: list[str] = BUILD,
    project_dir: Path = PROJECT_ROOT,
    extra_env: dict[str, str] | None = None,
) -> str:
    """The scheduled build (`args`), which must recompute the reporting months from `first_month`
    (YYYY-MM) on, or every month (None), for `reason`, and say so in its output."""
    result = run_dbt(args, raw_path, database, project_dir=project_dir, extra_env=extra_env)
    assert result.ok, result.output[-5000:]
    window = recompute_window(database)
    if first_month is None:
        assert window == (None, True, reason)
        assert f"Recompute window: every reporting month ({reason})." in result.output
    else:
        assert window == (dt.date.fromisoformat(f"{first_month}-01"), False, reason)
        assert f"Recompute window: reporting months from {first_month} on, earlier months kept ({reason})." in (
            result.output
        )
    return result.output


def anchor_snapshot(raw_path: Path, tmp_path: Path, project: Path = PROJECT_ROOT) -> dict[str, list[tuple]]:
    """The marts a computation from nothing publishes: the anchor's (scripts/benchmark_anchor.py,
    an independent DuckDB implementation of every mart that test_benchmark_anchor.py holds equal
    to the job's), from `project`'s seeds. A few seconds, where a dbt --full-refresh takes tens."""
    database = tmp_path / "anchor.duckdb"
    built = subprocess.run(
        [
            sys.executable,
            str(project / "scripts" / "benchmark_anchor.py"),
            str(raw_path),
            str(database),
            str(serving_path(database)),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-4000:]
    return mart_snapshot(database)


def append_pings(path: Path, recorded_at: str, prefix: str, count: int = 3) -> None:
    """`count` new pings (new ids, stamped `recorded_at`) appended to a ping file, copied from
    its first well-formed lines: what one more day of a month adds."""
    added = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            ping = json.loads(line)
        except ValueError:
            continue
        if isinstance(ping, dict) and ping.get("id") and ping.get("uuid"):
            ping.update(id=f"{prefix}-{len(added)}", recorded_at=recorded_at)
            added.append(json.dumps(ping, separators=(",", ":")))
        if len(added) == count:
            break
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(added) + "\n")


def land_late_pings(raw_path: Path, database: Path, month: str) -> tuple[str, int, tuple[str, int]]:
    """A late ping for `month` (the latest of its instance-month, with fewer users), a resend of a
    stored id and a second copy of the late ping (both duplicates), and a backfill file sorting
    before every stored file with the first delivery of a stored id (the stored line becomes the
    duplicate, exactly as in a full refresh). Returns the late ping's uuid and licensed users, and
    the (file, line) of the backfilled id's stored delivery."""
    stored = {(name, number): line for name, number, line in raw_lines(raw_path)}
    uuid, ping_id, licensed = query(
        database,
        "select uuid, ping_id, license_user_count from intermediate.int_instance_monthly_pings "
        "where reporting_month = ? and delivery_type = 'Self-Managed' and license_user_count >= 4 "
        "and billable_user_count is not null and recorded_at < ? order by uuid limit 1",
        [f"{month}-01", f"{month}-28 22:00:00"],
    )[0]
    late = json.loads(next(line for line in stored.values() if f'"id":"{ping_id}"' in line))
    late.update(
        id="late-ping-1",
        recorded_at=f"{month}-28T23:59:59Z",
        license_billable_users=licensed // 4,
        active_user_count=licensed // 4 + 1,
    )
    late_line = json.dumps(late, separators=(",", ":"))
    (resent_file, resent_line), (backfilled_file, backfilled_line) = query(
        database,
        "select source_file, line_number from staging.stg_landing__usage_pings "
        "where line_number = 5 and source_file in (?, ?) order by source_file",
        [f"{month}.ndjson", f"2024-{int(month[5:]) + 1:02d}.ndjson"],
    )
    (raw_path / "usage_pings" / "late-deliveries.ndjson").write_text(
        "\n".join([late_line, stored[(resent_file, resent_line)], late_line]) + "\n", encoding="utf-8"
    )
    (raw_path / "usage_pings" / "0000-backfill.ndjson").write_text(
        stored[(backfilled_file, backfilled_line)] + "\n", encoding="utf-8"
    )
    return uuid, licensed, (backfilled_file, backfilled_line)


def test_each_landing_change_recomputes_from_the_month_it_changes(
    published: Published, scheduled: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """Issue 26: the scheduled build recomputes only the reporting months whose inputs changed,
    and its marts equal a computation from nothing after each kind of landing change, one after
    another on one database (each step's window is asserted, so a mechanism that silently
    recomputed every month, or too few, fails here)."""
    raw_path, following, database = scheduled
    pings = raw_path / "usage_pings"
    last_month = f"2024-{MONTHS:02d}"

    # A rerun with nothing new: no month recomputed, the marts as published.
    rebuild(raw_path, database, "2027-01", "nothing changed since the recorded build")
    assert mart_snapshot(database) == mart_snapshot(published.database)

    # One more day of pings in the latest month.
    append_pings(pings / f"{last_month}.ndjson", f"{last_month}-28T12:00:00Z", "next-day")
    rebuild(raw_path, database, last_month, f"usage pings of {last_month}")
    assert mart_snapshot(database) == anchor_snapshot(raw_path, tmp_path)

    # A late ping for an old month, with redeliveries: the months from it on.
    uuid, licensed, backfilled = land_late_pings(raw_path, database, "2024-02")
    rebuild(raw_path, database, "2024-02", "usage pings of 2024-02")
    chosen = query(
        database,
        "select ping_id from intermediate.int_instance_monthly_pings where uuid = ? and reporting_month = ?",
        [uuid, "2024-02-01"],
    )
    assert chosen == [("late-ping-1",)]
    utilization = query(
        database,
        "select measure_value from marts_build.fct_instance_measures "
        "where uuid = ? and reporting_month = ? and measure = 'license_utilization'",
        [uuid, "2024-02-01"],
    )
    assert utilization[0][0] == pytest.approx((licensed // 4) / licensed)
    duplicates = set(
        query(
            database,
            "select source_file, line_number from marts_build.dq_rejected_pings "
            "where rejection_reason = 'duplicate_id'",
        )
    )
    assert {("late-deliveries.ndjson", 2), ("late-deliveries.ndjson", 3), backfilled} <= duplicates
    assert ("0000-backfill.ndjson", 1) not in duplicates
    assert_lines_reconcile(raw_path, database)
    assert mart_snapshot(database) == anchor_snapshot(raw_path, tmp_path)

    # Past ARR: one line of an old month corrected.
    arr = (raw_path / "arr_monthly.csv").read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(arr) if line.startswith("2024-03-01,"))
    fields = arr[index].split(",")
    fields[4] = f"{float(fields[4]) * 3 + 1000:.2f}"
    arr[index] = ",".join(fields)
    (raw_path / "arr_monthly.csv").write_text("\n".join(arr) + "\n", encoding="utf-8")
    rebuild(raw_path, database, "2024-03", "arr_monthly of 2024-03")
    assert mart_snapshot(database) == anchor_snapshot(raw_path, tmp_path)

    # A new month: its ping file and its ARR lines of the subscriptions already known (the other
    # CSVs as they were).
    new_month = f"2024-{MONTHS + 1:02d}"
    shutil.copy2(following / "usage_pings" / f"{new_month}.ndjson", pings)
    known = {line.split(",")[0] for line in (raw_path / "subscriptions.csv").read_text(encoding="utf-8").splitlines()}
    new_arr = [
        line
        for line in (following / "arr_monthly.csv").read_text(encoding="utf-8").splitlines()
        if line.startswith(f"{new_month}-") and line.split(",")[1] in known
    ]
    assert new_arr
    with (raw_path / "arr_monthly.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(new_arr) + "\n")
    rebuild(raw_path, database, new_month, f"arr_monthly of {new_month}")
    assert mart_snapshot(database) == anchor_snapshot(raw_path, tmp_path)
    assert_lines_reconcile(raw_path, database)
    # dbt against itself too: after four narrow windows one on another, the tables equal a real
    # `--full-refresh` of the same inputs.
    assert mart_snapshot(database) == full_refresh_snapshot(raw_path, database, tmp_path)

    # The CSVs that hold every month: each recomputes every month.
    for name, reason in (
        ("accounts.csv", "accounts"),
        ("subscriptions.csv", "subscriptions"),
        ("instances.csv", "instance labels"),
        ("adoption_reasons.csv", "adoption_reasons"),
    ):
        assert (following / name).read_bytes() != (raw_path / name).read_bytes(), name
        shutil.copy2(following / name, raw_path / name)
        rebuild(raw_path, database, None, reason)
        assert mart_snapshot(database) == anchor_snapshot(raw_path, tmp_path), name


def test_a_month_that_closes_between_two_runs_is_recomputed(
    published: Published, scheduled: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """The clock is an input: the latest month is open (is_month_complete false) while the build's
    start minus month_complete_grace_days is in it, and the first run after it closes recomputes
    it, with nothing else changed. The grace var stands in for the days passing."""
    raw_path, _, database = scheduled
    last_month = f"2024-{MONTHS:02d}"
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    env = published.work.with_vars("clock")

    def grace(cutoff: dt.datetime) -> list[str]:
        return ["--vars", json.dumps({"month_complete_grace_days": (now - cutoff).days})]

    is_complete = "select distinct is_month_complete from marts.fct_account_platform_adoption where reporting_month = ?"
    open_month = grace(dt.datetime(2024, MONTHS, 15))
    rebuild(
        raw_path,
        database,
        last_month,
        f"the month-complete boundary of {last_month}",
        [*BUILD, *open_month],
        extra_env=env,
    )
    assert query(serving_path(database), is_complete, [f"{last_month}-01"]) == [(False,)]

    closed = grace(dt.datetime(2024, MONTHS + 1, 15))
    rebuild(
        raw_path, database, last_month, f"the month-complete boundary of {last_month}", [*BUILD, *closed], extra_env=env
    )
    assert query(serving_path(database), is_complete, [f"{last_month}-01"]) == [(True,)]
    # Every month of the zone is complete now, as it is for a computation from nothing today.
    assert mart_snapshot(database) == anchor_snapshot(raw_path, tmp_path)


def test_a_killed_build_leaves_no_record_and_the_next_recomputes_every_month(
    published: Published, scheduled: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """A build killed once it has rewritten some reporting-month tables (for a change of every
    month, accounts.csv) leaves no record of what they were built from. The change is then taken
    back and one month changes: the inputs differ from the last published build's in that month
    only, but the tables hold part of the killed build's work, so the next build recomputes every
    month, and equals a computation from nothing."""
    raw_path, following, database = scheduled
    accounts = (raw_path / "accounts.csv").read_bytes()
    shutil.copy2(following / "accounts.csv", raw_path / "accounts.csv")
    env = dbt_env(raw_path, database, PROJECT_ROOT, None)
    assert run_until_killed(BUILD, env, "model intermediate.int_account_months", 0.5)
    recorded = "select count(*) from information_schema.tables where table_name = 'built_input_fingerprints'"
    assert query(database, recorded) == [(0,)]
    (raw_path / "accounts.csv").write_bytes(accounts)
    last_month = f"2024-{MONTHS:02d}"
    append_pings(raw_path / "usage_pings" / f"{last_month}.ndjson", f"{last_month}-28T12:00:00Z", "after-kill")
    rebuild(raw_path, database, None, "no record of what the tables were built from")
    assert mart_snapshot(database) == anchor_snapshot(raw_path, tmp_path)


def test_seed_changes_recompute_every_month(published: Published, tmp_path: Path) -> None:
    """A methodology threshold, an override and an exclusion (seeds) each recompute every month,
    naming the seed, and the marts equal a computation from nothing with the edited seeds. One
    project copy, edited one seed after another (its saved parse holds between builds)."""
    project = copy_project(tmp_path / "project")
    database = copy_database(published.database, tmp_path / "seeds.duckdb")
    seeds = project / "seeds"
    account, instance = query(
        database,
        "select account_id, uuid from intermediate.int_instance_monthly_pings "
        "where reporting_month = '2024-03-01' and account_id is not null order by uuid limit 1",
    )[0]
    thresholds = (seeds / "measure_thresholds.csv").read_text(encoding="utf-8")
    edits = (
        (
            "measure_thresholds",
            lambda: thresholds.replace(
                "license_utilization,Yellow,63,0.10,false,0.50,true,3,6",
                "license_utilization,Yellow,63,0.10,false,0.40,true,3,6",
            ).replace(
                "license_utilization,Green,88,0.50,false,,false,3,6",
                "license_utilization,Green,88,0.40,false,,false,3,6",
            ),
        ),
        (
            "score_overrides",
            lambda: (seeds / "score_overrides.csv").read_text(encoding="utf-8")
            + f"{account},CI,2024-03-01,,Green,incremental test override\n",
        ),
        (
            "instance_exclusions",
            lambda: (seeds / "instance_exclusions.csv").read_text(encoding="utf-8")
            + f"{instance},incremental test exclusion,2024-02-01,\n",
        ),
    )
    for name, edited in edits:
        text = edited()
        assert text != (seeds / f"{name}.csv").read_text(encoding="utf-8"), name
        (seeds / f"{name}.csv").write_text(text, encoding="utf-8")
        rebuild(published.live, database, None, f"seed {name}", project_dir=project)
        assert mart_snapshot(database) == anchor_snapshot(published.live, tmp_path, project), name


def test_rewritten_and_removed_files_match_a_full_refresh(
    published: Published, scheduled: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """SPEC §7 with no --full-refresh: a file rewritten in place (same name, same line count, new
    values) is parsed again; a file removed from the landing zone takes its pings and rejects
    with it, and a later delivery of one of its ids, stored as a duplicate, becomes the ping."""
    raw_path, _, database = scheduled
    pings = raw_path / "usage_pings"
    first, rewritten, last = f"{START}.ndjson", "2024-03.ndjson", f"2024-{MONTHS:02d}.ndjson"
    resent = (pings / first).read_text(encoding="utf-8").splitlines()[0]
    with (pings / last).open("a", encoding="utf-8") as handle:
        handle.write(resent + "\n")
    resent_line = len((pings / last).read_text(encoding="utf-8").splitlines())
    result = run_dbt(BUILD, raw_path, database)
    assert result.ok, result.output[-5000:]
    rejected = "select rejection_reason from marts_build.dq_rejected_pings where source_file = ? and line_number = ?"
    assert query(database, rejected, [last, resent_line]) == [("duplicate_id",)]

    (pings / first).unlink()
    # Corrected values, same lines: every billable count halved.
    corrected, expected = [], {}
    for line in (pings / rewritten).read_text(encoding="utf-8").splitlines():
        try:
            ping = json.loads(line)
        except ValueError:  # the generator's malformed lines stay as they are
            corrected.append(line)
            continue
        billable = ping.get("license_billable_users")
        if isinstance(billable, int) and billable > 1:
            ping["license_billable_users"] = billable // 2
        if isinstance(ping.get("license_billable_users"), int) and ping["license_billable_users"] >= 0:
            expected[ping.get("id")] = ping["license_billable_users"]
        corrected.append(json.dumps(ping, separators=(",", ":")))
    (pings / rewritten).write_text("\n".join(corrected) + "\n", encoding="utf-8")

    # The first month loses its pings on purpose: its publication needs the guards' override.
    accept = ["--vars", "{accept_publication_changes: [accepted_pings, scored_accounts]}"]
    result = run_dbt([*BUILD, *accept], raw_path, database, extra_env=published.work.with_vars("accept"))
    assert result.ok, result.output[-5000:]
    assert "Publication guard accepted_pings tripped, accepted by accept_publication_changes" in result.output
    assert f"their lines dropped: {first}" in result.output
    files = query(database, "select distinct source_file from staging.stg_landing__usage_pings_parsed")
    assert (first,) not in files
    assert query(database, rejected, [last, resent_line]) == []
    stored = dict(
        query(
            database,
            "select ping_id, billable_user_count from staging.stg_landing__usage_pings "
            "where source_file = ? and billable_user_count_path_priority = 1",
            [rewritten],
        )
    )
    assert len(stored) > len(expected) // 2
    assert all(expected[ping_id] == count for ping_id, count in stored.items())
    assert_lines_reconcile(raw_path, database)
    # Every month from the removed file's (the first) on is recomputed.
    assert recompute_window(database) == (dt.date(2024, 1, 1), False, f"usage pings of {START}")
    assert mart_snapshot(database) == full_refresh_snapshot(raw_path, database, tmp_path)


def test_pings_rejected_as_future_are_accepted_once_their_time_comes(published: Published) -> None:
    # The published zone, and no database: the first build starts from nothing.
    live, database = published.work.restore(published.live)
    # Built with a clock far behind: the pings of the last months look like they are from the future.
    behind = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.datetime(2024, MONTHS - 1, 1)
    early = ["--vars", json.dumps({"future_ping_tolerance_hours": -int(behind.total_seconds() // 3600)})]
    result = run_dbt([*BUILD, *early], live, database, extra_env=published.work.with_vars("clock"))
    assert result.ok, result.output[-5000:]
    future = query(
        database, "select count(*) from marts_build.dq_rejected_pings where rejection_reason = 'future_recorded_at'"
    )
    assert future[0][0] > len(raw_lines(live)) // MONTHS
    assert_lines_reconcile(live, database)

    result = run_dbt(BUILD, live, database)
    assert result.ok, result.output[-5000:]
    assert_lines_reconcile(live, database)
    # A full refresh of this zone is a build of it from nothing: the published database is one.
    assert mart_snapshot(database) == mart_snapshot(published.database)


def test_remapped_metric_path_reparses_stored_pings(published: Published, tmp_path: Path) -> None:
    live, published_database = published.live, published.database
    project = copy_project(tmp_path / "project")
    catalog = project / "seeds" / "metric_catalog.csv"
    # Both billable-user paths give way to one: the parse changes columns as well as values.
    rows = catalog.read_text(encoding="utf-8").splitlines()
    old = ["billable_user_count,1,license_billable_users,", "billable_user_count,2,active_user_count,"]
    assert set(old) <= set(rows)
    rows = ["billable_user_count,1,license_user_count," if row == old[0] else row for row in rows if row != old[1]]
    catalog.write_text("\n".join(rows) + "\n", encoding="utf-8")
    database = tmp_path / "remapped.duckdb"
    copy_database(published_database, database)

    result = run_dbt(BUILD, live, database, project_dir=project)
    assert result.ok, result.output[-5000:]
    # Every instance now uses all its seats: license utilization is 1 wherever it is defined.
    utilizations = query(
        database,
        "select distinct measure_value from marts_build.fct_instance_measures "
        "where measure = 'license_utilization' and measure_value is not null",
    )
    assert utilizations == [(1.0,)]
    # A seed changed: every month recomputed, as a computation from nothing with the new catalog.
    assert recompute_window(database) == (None, True, "seed metric_catalog")
    assert mart_snapshot(database) == anchor_snapshot(live, tmp_path, project)


def test_many_months_parse_again_within_the_memory_limit(tmp_path: Path, workplace: Workplace) -> None:
    """What the ping parse holds in memory does not grow with the number of ping files: a zone of
    three years parses, then parses again once one more month lands, within the build's memory
    limit (2560MB). One 128 MiB read buffer per file, all set up at once, needs 4.6 GiB for
    these 37 files: a per-file read stacked with `union all` failed so. Built from nothing in the
    workplace (its path keeps dbt's saved parse)."""
    live = generate_landing_zone(tmp_path / "live", 2, 36, SEED, start_month="2023-01")
    following = generate_landing_zone(tmp_path / "following", 2, 37, SEED, start_month="2023-01")
    _, database = workplace.restore()
    parse = [*BUILD, "--select", "+stg_landing__usage_pings_parsed", "--indirect-selection", "cautious"]
    limit = {"DBT_DUCKDB_MEMORY_LIMIT": "2560MB"}
    first = run_dbt(parse, live, database, extra_env=limit)
    assert first.ok, first.output[-5000:]
    land_next_month(live, following)
    again = run_dbt(parse, live, database, extra_env=limit)
    assert again.ok, again.output[-5000:]
    parsed = query(
        database, "select count(*), count(distinct source_file) from staging.stg_landing__usage_pings_parsed"
    )
    assert parsed[0] == (len(raw_lines(live)), 37)
