"""Adding a use case takes seed rows only (SPEC §4.3): here, Package, scored on
package-registry users / billable users, with one new catalog metric."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Build, copy_project, mart_snapshot, query, run_dbt

SEED_ROWS = {
    "metric_catalog": [
        "projects_with_packages_28_days_user,1,usage_activity_by_stage_monthly.package.projects_with_packages,"
    ],
    "measure_definitions": [
        "package_registry_utilization,ratio,projects_with_packages_28_days_user,billable_user_count,true"
    ],
    "measure_thresholds": [
        "package_registry_utilization,Red,25,,false,0.05,true,,",
        "package_registry_utilization,Yellow,63,0.05,false,0.20,false,,",
        "package_registry_utilization,Green,88,0.20,true,,false,,",
    ],
    "use_cases": ["Package,5,,false"],
    "use_case_measures": ["Package,package_registry_utilization,1"],
}


def latest_pings(raw_path: Path) -> dict[tuple[str, str], dict]:
    """The ping that counts per (uuid, month), chosen here in Python from the raw files."""
    chosen: dict[tuple[str, str], dict] = {}
    seen_ids: set[str] = set()
    for path in sorted((raw_path / "usage_pings").glob("*.ndjson")):
        for line in path.read_text().splitlines():
            try:
                ping = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not ping.get("uuid") or not isinstance(ping.get("recorded_at"), str):
                continue
            if ping["recorded_at"][:4] > "2098" or ping["id"] in seen_ids:
                continue
            seen_ids.add(ping["id"])
            key = (ping["uuid"], ping["recorded_at"][:7])
            if key not in chosen or (ping["recorded_at"], ping["id"]) > (
                chosen[key]["recorded_at"],
                chosen[key]["id"],
            ):
                chosen[key] = ping
    return chosen


def billable_users(ping: dict) -> int | None:
    """SPEC §3 default: license_billable_users, else active_user_count (first present, not negative)."""
    for key in ("license_billable_users", "active_user_count"):
        value = ping.get(key)
        if isinstance(value, int) and value >= 0:
            return value
    return None


def test_package_use_case_from_seed_rows_only(generated_build: Build, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    for seed, rows in SEED_ROWS.items():
        with open(project / "seeds" / f"{seed}.csv", "a", encoding="utf-8") as handle:
            handle.writelines(f"{row}\n" for row in rows)
    database = tmp_path / "package.duckdb"

    result = run_dbt(["build"], generated_build.raw_path, database, project_dir=project)
    assert result.ok, result.output[-5000:]

    colors = dict(
        query(
            database,
            "select use_case_color, count(*) from marts_build.fct_instance_use_case_health "
            "where use_case = 'Package' group by 1",
        )
    )
    assert {"Red", "Yellow", "Green"} <= set(colors), colors

    # The measure is the ratio of the two payload values of the ping that counts.
    values = query(
        database,
        "select uuid, strftime(reporting_month, '%Y-%m'), measure_value from marts_build.fct_instance_measures "
        "where measure = 'package_registry_utilization' and measure_value is not null",
    )
    pings = latest_pings(generated_build.raw_path)
    assert values
    for uuid, month, value in values:
        ping = pings[(uuid, month)]
        expected = ping["usage_activity_by_stage_monthly"]["package"]["projects_with_packages"] / billable_users(ping)
        assert abs(value - round(expected, 9)) < 1e-12, (uuid, month)

    # Package does not count toward the platform score: platform marts are unchanged.
    extended, baseline = mart_snapshot(database), mart_snapshot(generated_build.database)
    for mart in ("fct_account_platform_adoption", "rpt_arr_by_adoption_band"):
        assert extended[mart] == baseline[mart]
