"""GitLab's documented Service Ping example payload, landed beside the scenario accounts
(python_tests/fixtures/service_ping_docs_example.json -> the scenario zone's
2025-06-service-ping-docs-example.ndjson): every catalog metric parses from it, and an
instance that sends no license_billable_users falls back to active_user_count."""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import pytest
from conftest import Build
from scenario_queries import (
    DOCS_EXAMPLE,
    DOCS_EXAMPLE_PINGS,
    GREEN,
    PROJECT,
    assert_measure,
    instance_measures,
    records,
)


@pytest.fixture(scope="module")
def build(scenario_build: Build) -> Build:
    """The scenario zone's build (conftest.scenario_build: one `dbt build`, shared by the scenario files)."""
    return scenario_build


# --------------------------------------------------------------------------------------
# The example payload of GitLab's Service Ping documentation
# --------------------------------------------------------------------------------------


def docs_example_lines() -> list[str]:
    """The two landing-zone lines made from the documentation's example payload (fixture
    python_tests/fixtures/service_ping_docs_example.json: GitLab's published key structure
    with the keys the example elides, values written for this test, and the `id` the
    receiving service adds, SPEC §2.1; an instance sends none): the payload as it is,
    and a copy from an instance that sends no license_billable_users (older instances).
    Both are Non-Production instances of SUB01, so no account score changes."""
    payload = json.loads(DOCS_EXAMPLE.read_text(encoding="utf-8"))
    legacy = {key: value for key, value in payload.items() if key != "license_billable_users"}
    legacy.update(
        id="8f0c1c2e-docs-example-0002", uuid="0000000-0000-0000-0000-000000000001", hostname="legacy.example.com"
    )
    return [json.dumps(ping, separators=(",", ":")) for ping in (payload, legacy)]


def catalog_value(payload: dict, paths: list[str]) -> int | None:
    """SPEC §3, read independently of the SQL: the first path whose value is a non-negative integer."""
    for path in paths:
        node: object = payload
        for key in path.split("."):
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, int) and not isinstance(node, bool) and node >= 0:
            return node
    return None


def catalog_paths() -> dict[str, list[str]]:
    """metric -> its payload paths in priority order, from the project's metric_catalog seed."""
    with (PROJECT / "seeds" / "metric_catalog.csv").open(newline="", encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: (row["metric"], int(row["priority"])))
    paths: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        paths[row["metric"]].append(row["payload_path"])
    return dict(paths)


def test_docs_example_landing_file_is_made_from_the_fixture() -> None:
    """The committed landing file is exactly the fixture's two lines (edit the fixture, then
    write the file with `python python_tests/test_scenario_docs_example.py`)."""
    assert DOCS_EXAMPLE_PINGS.read_text(encoding="utf-8").splitlines() == docs_example_lines()


def test_docs_example_payload_parses_every_catalog_metric(build: Build) -> None:
    """Every catalog metric of the documentation's example lands in its typed column with the
    value its catalog path holds, read here in Python from the JSON; the example carries every
    default key, so no metric is missing, and all 11 measures of the instance are scored (an
    Ultimate subscription, Self-Managed)."""
    payload = json.loads(DOCS_EXAMPLE.read_text(encoding="utf-8"))
    paths = catalog_paths()
    parsed = records(
        build,
        "select * from staging.stg_landing__usage_pings where uuid = ?",
        [payload["uuid"]],
    )
    assert len(parsed) == 1, parsed
    expected = {metric: catalog_value(payload, metric_paths) for metric, metric_paths in paths.items()}
    assert None not in expected.values(), expected
    assert {metric: parsed[0][metric] for metric in paths} == expected
    assert parsed[0]["billable_user_count"] == payload["license_billable_users"] == 90
    assert parsed[0]["billable_user_count_path_priority"] == 1
    assert parsed[0]["recorded_at"].isoformat() == "2025-06-20T07:43:54.162000"

    measures = instance_measures(build, payload["uuid"])
    assert all(row["measure_value"] is not None for row in measures.values()), measures


def test_docs_example_without_license_billable_users_falls_back(build: Build) -> None:
    """The copy without license_billable_users scores billable users from active_user_count
    (104, priority 2), so its per-user ratios use 104: git operations 45/104."""
    rows = build.query(
        "select billable_user_count, billable_user_count_path_priority from staging.stg_landing__usage_pings "
        "where uuid = '0000000-0000-0000-0000-000000000001'"
    )
    assert rows == [(104, 2)]
    measures = instance_measures(build, "0000000-0000-0000-0000-000000000001")
    assert_measure(measures, "git_operation_utilization", 45 / 104, GREEN)
    assert_measure(measures, "license_utilization", 1.04, GREEN)


if __name__ == "__main__":
    DOCS_EXAMPLE_PINGS.write_text("\n".join(docs_example_lines()) + "\n", encoding="utf-8")
