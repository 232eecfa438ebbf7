"""Data gaps (issue 24), on the scenario zone's SCN24: two Premium subscriptions, SUB24A
(ARR 1,000, 10 billable users) and SUB24B (ARR 3,000, 20); in June the larger one's primary
instance pings without a CI-builds value, so the account's CI value comes from the smaller one
alone. Every expectation is computed here from the landing zone and the seeds, not from the
models: which subscriptions contributed in May and June, the ARR-weighted values and their
colors, the alert and the sentences filled from explanation_phrases.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from conftest import Build
from scenario_queries import JUN, LANDING_ZONE, MAY, PROJECT, records

ACCOUNT = "SCN24"
MEASURE = "ci_builds_per_billable_user"


@pytest.fixture(scope="module")
def build(scenario_build: Build) -> Build:
    return scenario_build


def seed(name: str) -> list[dict[str, str]]:
    with (PROJECT / "seeds" / f"{name}.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def landed(name: str) -> list[dict[str, str]]:
    with (LANDING_ZONE / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def phrase(key: str) -> str:
    return next(row["phrase"] for row in seed("explanation_phrases") if row["phrase_key"] == key)


def fill(template: str, **values: object) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", str(value))
    return template


def payload_value(payload: dict, path: str) -> float | None:
    value: object = payload
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return float(value)  # type: ignore[arg-type]


def contributions(month: date) -> dict[str, tuple[float, float | None]]:
    """Each SCN24 subscription with Base Products ARR in `month`: (ARR, its primary instance's
    CI builds per billable user, None when the ping has no CI-builds value). Each has one
    instance and one ping a month."""
    definition = next(row for row in seed("measure_definitions") if row["measure"] == MEASURE)
    path = next(row["payload_path"] for row in seed("metric_catalog") if row["metric"] == definition["numerator"])
    subscriptions = {row["subscription_id"] for row in landed("subscriptions.csv") if row["account_id"] == ACCOUNT}
    arr = {
        row["subscription_id"]: float(row["arr"])
        for row in landed("arr_monthly.csv")
        if row["subscription_id"] in subscriptions
        and row["product_category"] == "Base Products"
        and date.fromisoformat(row["arr_month"]) == month
        and float(row["arr"]) > 0
    }
    pings: dict[str, list[dict]] = {subscription: [] for subscription in arr}
    for file in sorted(Path(LANDING_ZONE / "usage_pings").glob("*.ndjson")):
        for line in file.read_text(encoding="utf-8").splitlines():
            ping = json.loads(line)
            if ping.get("license_subscription_id") in pings and ping["recorded_at"][:7] == month.isoformat()[:7]:
                pings[ping["license_subscription_id"]].append(ping)
    result = {}
    for subscription, sent in pings.items():
        assert len(sent) == 1, (subscription, sent)
        numerator = payload_value(sent[0], path)
        billable = float(sent[0]["license_billable_users"])
        result[subscription] = (arr[subscription], None if numerator is None else numerator / billable)
    return result


def account_value(month: date) -> tuple[int, float | None]:
    values = [(weight, value) for weight, value in contributions(month).values() if value is not None]
    if not values:
        return 0, None
    return len(values), sum(weight * value for weight, value in values) / sum(weight for weight, _ in values)


def color(value: float) -> str:
    def passes(bound: str, inclusive: str, above: bool) -> bool:
        if not bound:
            return True
        limit = float(bound)
        if inclusive == "true":
            return value >= limit if above else value <= limit
        return value > limit if above else value < limit

    return next(
        row["color"]
        for row in seed("measure_thresholds")
        if row["measure"] == MEASURE
        and passes(row["min_value"], row["min_inclusive"], True)
        and passes(row["max_value"], row["max_inclusive"], False)
    )


def test_scn24_alert_says_it_coincides_with_a_data_gap(build: Build) -> None:
    """May: both subscriptions report CI builds; June: only the smaller one. Fewer contributed
    (2 -> 1), so the measure, the use case and the alert on its color change are data gaps, and
    the sentences say so with the counts and the measure's label."""
    may_count, may_value = account_value(MAY)
    june_count, june_value = account_value(JUN)
    assert may_value is not None and june_value is not None
    assert june_count < may_count, "the scenario must lose a contributing subscription"
    ranks = {row["color"]: int(row["color_rank"]) for row in seed("score_color_bands")}
    before, after = color(may_value), color(june_value)
    assert ranks[after] < ranks[before], "the scenario must make the color fall"
    label = next(row["measure_label"] for row in seed("measure_labels") if row["measure"] == MEASURE)
    use_case = next(row["use_case"] for row in seed("use_case_measures") if row["measure"] == MEASURE)

    [measure] = records(
        build,
        "select * from marts_build.fct_account_measures where account_id = ? and reporting_month = ? and measure = ?",
        [ACCOUNT, JUN, MEASURE],
    )
    assert measure["subscriptions_contributing"] == june_count
    assert measure["previous_month_subscriptions_contributing"] == may_count
    assert measure["is_data_gap"] is True

    [health] = records(
        build,
        "select * from marts_build.fct_account_use_case_health where account_id = ? and reporting_month = ? "
        "and use_case = ?",
        [ACCOUNT, JUN, use_case],
    )
    assert health["is_data_gap"] is True
    step = fill(phrase("data_gap_step"), measure_label=label, count=june_count, previous_count=may_count)
    assert health["next_step"].startswith(step), health["next_step"]

    [alert] = records(
        build,
        "select * from marts_build.fct_adoption_alerts where account_id = ? and reporting_month = ? "
        "and alert_subject = ?",
        [ACCOUNT, JUN, use_case],
    )
    assert (alert["alert_type"], alert["previous_color"], alert["current_color"]) == ("degraded", before, after)
    assert alert["is_data_gap"] is True
    clause = fill(phrase("alert_data_gap"), measure_label=label, count=june_count, previous_count=may_count)
    assert alert["alert_sentence"] == fill(
        phrase("alert_degraded"), subject=use_case, previous=before, current=after, data_gap=clause
    )


def test_use_case_alerts_flag_gaps_of_their_weighted_measures(build: Build) -> None:
    """Across the scenario zone: a use-case alert is a data gap exactly when a measure the
    use_case_measures seed weighs above zero in that use case has fewer contributing
    subscriptions than the previous month (or lost its value); without one, its sentence is the
    plain template. At least one alert of each kind exists."""
    weighted = {(row["use_case"], row["measure"]) for row in seed("use_case_measures") if float(row["weight"]) > 0}
    gapped = {
        (row["account_id"], row["reporting_month"], row["use_case"])
        for row in records(build, "select * from marts_build.fct_account_measures")
        if (row["use_case"], row["measure"]) in weighted
        and row["previous_month_subscriptions_contributing"] is not None
        and (
            row["subscriptions_contributing"] < row["previous_month_subscriptions_contributing"]
            or (row["measure_value"] is None and row["previous_month_value"] is not None)
        )
    }
    alerts = records(build, "select * from marts_build.fct_adoption_alerts where use_case is not null")
    flags = {(a["account_id"], a["reporting_month"], a["use_case"]): a["is_data_gap"] for a in alerts}
    assert flags == {key: key in gapped for key in flags}
    assert set(flags.values()) == {True, False}
    for alert in alerts:
        if not alert["is_data_gap"] and alert["alert_type"] == "degraded":
            assert alert["alert_sentence"] == fill(
                phrase("alert_degraded"),
                subject=alert["use_case"],
                previous=alert["previous_color"],
                current=alert["current_color"],
                data_gap="",
            )
