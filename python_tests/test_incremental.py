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
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import (
    Workplace,
    copy_database,
    copy_project,
    generate_landing_zone,
    mart_snapshot,
    query,
    run_dbt,
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


def full_refresh_snapshot(raw_path: Path, database: Path, tmp_path: Path) -> dict[str, list[tuple]]:
    """Marts of `dbt build --full-refresh` on a copy of `database`. The full refresh runs in
    `database`'s place (its saved parse then holds) once a copy is kept, and the copy is put back:
    the database and its published file are then byte for byte what they were before."""
    kept = copy_database(database, tmp_path / f"{database.stem}_kept.duckdb")
    result = run_dbt([*BUILD, "--full-refresh"], raw_path, database)
    assert result.ok, result.output[-5000:]
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


def test_new_month_late_ping_and_redeliveries_match_a_full_refresh(
    scheduled: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    raw_path, following, database = scheduled
    stored = {(name, number): line for name, number, line in raw_lines(raw_path)}
    land_next_month(raw_path, following)

    # A late ping for the oldest month: the latest of its instance-month, with fewer users.
    first_month = f"{START}-01"
    uuid, ping_id, licensed = query(
        database,
        "select uuid, ping_id, license_user_count from intermediate.int_instance_monthly_pings "
        "where reporting_month = ? and delivery_type = 'Self-Managed' and license_user_count >= 4 "
        "and billable_user_count is not null and recorded_at < ? order by uuid limit 1",
        [first_month, f"{START}-31 22:00:00"],
    )[0]
    late = json.loads(next(line for line in stored.values() if f'"id":"{ping_id}"' in line))
    late.update(
        id="late-ping-1",
        recorded_at=f"{START}-31T23:59:59Z",
        license_billable_users=licensed // 4,
        active_user_count=licensed // 4 + 1,
    )
    late_line = json.dumps(late, separators=(",", ":"))
    # Later deliveries of stored ids (a resend, a second copy of the late ping) are duplicates.
    # A backfill file that sorts before every stored file holds the first delivery of its id:
    # the stored line becomes the duplicate, exactly as in a full refresh.
    (resent_file, resent_line), (backfilled_file, backfilled_line) = query(
        database,
        "select source_file, line_number from staging.stg_landing__usage_pings "
        "where line_number = 5 and source_file in (?, ?) order by source_file",
        ["2024-02.ndjson", "2024-03.ndjson"],
    )
    (raw_path / "usage_pings" / "late-deliveries.ndjson").write_text(
        "\n".join([late_line, stored[(resent_file, resent_line)], late_line]) + "\n", encoding="utf-8"
    )
    (raw_path / "usage_pings" / "0000-backfill.ndjson").write_text(
        stored[(backfilled_file, backfilled_line)] + "\n", encoding="utf-8"
    )

    result = run_dbt(BUILD, raw_path, database)
    assert result.ok, result.output[-5000:]

    chosen = query(
        database,
        "select ping_id from intermediate.int_instance_monthly_pings where uuid = ? and reporting_month = ?",
        [uuid, first_month],
    )
    assert chosen == [("late-ping-1",)]
    utilization = query(
        database,
        "select measure_value from marts_build.fct_instance_measures "
        "where uuid = ? and reporting_month = ? and measure = 'license_utilization'",
        [uuid, first_month],
    )
    assert utilization[0][0] == pytest.approx((licensed // 4) / licensed)
    duplicates = set(
        query(
            database,
            "select source_file, line_number from marts_build.dq_rejected_pings "
            "where rejection_reason = 'duplicate_id'",
        )
    )
    assert {("late-deliveries.ndjson", 2), ("late-deliveries.ndjson", 3)} <= duplicates
    assert (backfilled_file, backfilled_line) in duplicates
    assert ("0000-backfill.ndjson", 1) not in duplicates
    assert_lines_reconcile(raw_path, database)

    incremental = mart_snapshot(database)
    assert incremental == full_refresh_snapshot(raw_path, database, tmp_path)

    # The next scheduled run, with nothing new, changes nothing.
    result = run_dbt(BUILD, raw_path, database)
    assert result.ok, result.output[-5000:]
    assert mart_snapshot(database) == incremental
    assert_lines_reconcile(raw_path, database)


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
    remapped = mart_snapshot(database)
    # The same project built from nothing, at the same path (dbt's saved parse holds).
    for path in (database, serving_path(database)):
        path.unlink()
    result = run_dbt(BUILD, live, database, project_dir=project)
    assert result.ok, result.output[-5000:]
    assert remapped == mart_snapshot(database)


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
