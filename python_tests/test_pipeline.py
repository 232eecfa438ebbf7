"""End-to-end: the project builds on a generated landing zone and loses nothing."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from conftest import Build, Workplace, generate_landing_zone, mart_snapshot, run_dbt

# What the scheduled job runs: the dbt unit tests (mocked rows, not this data) ran in generated_build.
SCHEDULED_JOB = ["build", "--exclude-resource-type", "unit_test"]

# The generator's bad-record kinds (its _manifest.json) -> the reason dbt must give.
EXPECTED_REASON = {
    "malformed_json": "malformed_json",
    "missing_uuid_key": "missing_uuid",
    "null_uuid": "missing_uuid",
    "empty_uuid": "missing_uuid",
    "unparseable_recorded_at": "unparseable_recorded_at",
    "missing_recorded_at": "missing_recorded_at",
    "future_recorded_at": "future_recorded_at",
    "duplicate_delivery": "duplicate_id",
}


def manifest_counts(raw_path: Path, section: str) -> Counter[str]:
    """Per-kind counts the generator wrote, summed over months (its _manifest.json)."""
    manifest = json.loads((raw_path / "_manifest.json").read_text())
    counts: Counter[str] = Counter()
    for month in manifest["months"].values():
        counts.update(month[section])
    return counts


def raw_ping_lines(raw_path: Path) -> int:
    total = 0
    for path in sorted((raw_path / "usage_pings").glob("*.ndjson*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            total += sum(1 for _ in handle)
    return total


def test_every_raw_line_is_accepted_or_rejected(generated_build: Build) -> None:
    accepted = generated_build.scalar("select count(*) from staging.stg_landing__usage_pings")
    rejected = generated_build.scalar("select count(*) from marts_build.dq_rejected_pings")
    assert accepted + rejected == raw_ping_lines(generated_build.raw_path)
    assert accepted > 0


def test_each_bad_record_kind_is_rejected_with_its_own_reason(generated_build: Build) -> None:
    expected: Counter[str] = Counter()
    for kind, count in manifest_counts(generated_build.raw_path, "bad_records").items():
        expected[EXPECTED_REASON[kind]] += count
    actual = Counter(
        dict(generated_build.query("select rejection_reason, count(*) from marts_build.dq_rejected_pings group by 1"))
    )
    assert actual == expected
    assert set(actual) == set(EXPECTED_REASON.values())


def test_pings_with_unknown_or_missing_subscription_are_listed_and_scored(generated_build: Build) -> None:
    written = manifest_counts(generated_build.raw_path, "data_quality")
    listed = Counter(
        dict(
            generated_build.query(
                "select issue_type, count(*) from marts_build.dq_pings_without_known_subscription group by 1"
            )
        )
    )
    assert listed["unknown_subscription_id"] == written["unknown_subscription"]
    assert listed["missing_subscription_id"] == written["null_subscription"]
    # Still scored at instance level: their instances appear in the instance marts.
    unscored = generated_build.scalar(
        """
        select count(*)
        from marts_build.dq_pings_without_known_subscription as dq
        left join marts_build.fct_instance_use_case_health as health
            on dq.uuid = health.uuid and dq.reporting_month = health.reporting_month
        where health.uuid is null
        """
    )
    assert unscored == 0


def test_arr_by_band_reconciles_to_landed_arr_to_the_cent(generated_build: Build) -> None:
    manifest = json.loads((generated_build.raw_path / "_manifest.json").read_text())
    reported = dict(
        generated_build.query(
            "select strftime(reporting_month, '%Y-%m'), cast(sum(arr) as varchar) "
            "from marts_build.rpt_arr_by_adoption_band group by 1"
        )
    )
    assert reported == manifest["arr_total_by_month"]


def test_gzipped_landing_zone_builds_the_same_marts(generated_build: Build, workplace: Workplace) -> None:
    raw_path, database = workplace.restore(generated_build.raw_path)
    for path in (raw_path / "usage_pings").glob("*.ndjson"):
        with open(path, "rb") as source, gzip.open(f"{path}.gz", "wb") as target:
            shutil.copyfileobj(source, target)
        path.unlink()
    result = run_dbt(SCHEDULED_JOB, raw_path, database)
    assert result.ok, result.output[-5000:]
    gzipped, plain = mart_snapshot(database), mart_snapshot(generated_build.database)
    # Rejected lines name their file, which now ends in .gz; all else is equal.
    strip = [(row[0].removesuffix(".gz"), *row[1:]) for row in gzipped.pop("dq_rejected_pings")]
    assert sorted(strip, key=repr) == plain.pop("dq_rejected_pings")
    assert gzipped == plain


def test_rebuild_gives_identical_marts(generated_build: Build, workplace: Workplace) -> None:
    _, database = workplace.restore(database=generated_build.database)
    before = mart_snapshot(database)
    result = run_dbt(SCHEDULED_JOB, generated_build.raw_path, database)
    assert result.ok, result.output[-5000:]
    assert mart_snapshot(database) == before


def test_generator_extends_history_without_rewriting_it(tmp_path: Path) -> None:
    short = generate_landing_zone(tmp_path / "short", accounts=20, months=3, seed=5, start_month="2025-01")
    long = generate_landing_zone(tmp_path / "long", accounts=20, months=4, seed=5, start_month="2025-01")
    for path in sorted((short / "usage_pings").iterdir()):
        assert path.read_bytes() == (long / "usage_pings" / path.name).read_bytes()
    short_arr = (short / "arr_monthly.csv").read_text().splitlines()
    long_arr = set((long / "arr_monthly.csv").read_text().splitlines())
    assert set(short_arr) <= long_arr


def test_generator_replaces_its_own_output_and_nothing_else(tmp_path: Path) -> None:
    zone = generate_landing_zone(tmp_path / "zone", accounts=3, months=3, seed=5, start_month="2025-01")
    # A shorter history over its own earlier output leaves no stale month behind.
    generate_landing_zone(zone, accounts=3, months=2, seed=5, start_month="2025-01")
    assert sorted(path.name for path in (zone / "usage_pings").iterdir()) == ["2025-01.ndjson", "2025-02.ndjson"]
    # A directory with files the generator did not write is refused, and nothing in it is touched.
    mine = tmp_path / "mine"
    (mine / "usage_pings").mkdir(parents=True)
    (mine / "usage_pings" / "2025-01.ndjson").write_text("{}\n")
    (mine / "notes.txt").write_text("keep me\n")
    with pytest.raises(subprocess.CalledProcessError) as refused:
        generate_landing_zone(mine, accounts=3, months=2, seed=5, start_month="2025-01")
    assert "did not write" in refused.value.stderr and "notes.txt" in refused.value.stderr
    assert (mine / "usage_pings" / "2025-01.ndjson").read_text() == "{}\n"
    assert (mine / "notes.txt").exists()


def test_every_column_a_model_writes_is_in_its_yaml(generated_build: Build) -> None:
    """The manifest knows only the columns the YAML lists: compare them with what the build wrote,
    so that 'every column described' (test_structure.py) covers every column. Marts are held to
    this by their enforced contracts; staging and intermediate models by this test."""
    target = generated_build.database.parent / f"target_{generated_build.database.stem}"
    manifest = json.loads((target / "manifest.json").read_text())
    written: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in generated_build.query(
        "select table_schema, table_name, column_name from information_schema.columns"
    ):
        written.setdefault((schema, table), set()).add(column.lower())
    problems = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["package_name"] != "adoption_scoring":
            continue
        relation = (node["schema"], node["alias"])
        assert relation in written, f"{node['name']}: no relation {relation} in the build"
        listed = {name.lower() for name in node["columns"]}
        for column in sorted(written[relation] - listed):
            problems.append(f"{node['name']}: writes column {column}, not in {node['patch_path'].split('://')[-1]}")
        for column in sorted(listed - written[relation]):
            problems.append(f"{node['name']}: lists column {column}, which it does not write")
    assert problems == []
