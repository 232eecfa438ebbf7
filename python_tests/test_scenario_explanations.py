"""Explaining a color on the scenario accounts (issue 12): why a use case has its color, what it
takes to reach the next one, and what changed since last month, derived by hand from the
scenarios of test_scenarios.py and the default seeds."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal

import pytest
from conftest import Build
from scenario_queries import (
    APR,
    GREEN,
    JAN,
    JUN,
    MAR,
    MAY,
    PROJECT,
    RED,
    YELLOW,
    account,
    account_measures,
    account_use_cases,
    alerts,
    approx,
)


@pytest.fixture(scope="module")
def build(scenario_build: Build) -> Build:
    """The scenario zone's build (conftest.scenario_build: one `dbt build`, shared by the scenario files)."""
    return scenario_build


# --------------------------------------------------------------------------------------
# Explaining a color (issue 12): why, what it takes, what changed
# --------------------------------------------------------------------------------------
# Derived by hand from the scenarios (test_scenarios.py) and the default seeds: the next color is the
# better color of lowest rank at the account's age; the gap is the distance to its bound;
# for ratios the numerator gap is the least whole number n with value + n / denominator in
# the next color, the denominator summed over the contributing primary instances
# (ceil(gap x denominator) for an inclusive bound, floor(...) + 1 for an exclusive one).
# The limiting measure lifts the use-case score most (weight x (next score - score) / sum of
# the scored weights); ties go to measure_labels.display_order.


def assert_next_color(row: dict, color: str | None, bound: str | None, inclusive: bool | None, gap, numerator) -> None:
    assert row["next_color"] == color, row
    assert row["next_color_threshold"] == (None if bound is None else Decimal(bound)), row
    assert row["next_color_threshold_inclusive"] is inclusive, row
    assert row["gap_to_next_color"] == (None if gap is None else approx(gap)), row
    assert row["numerator_gap_to_next_color"] == numerator, row


def test_s03_ci_next_step_at_the_accounts_billable_users(build: Build) -> None:
    """SCN03 CI 13.25 (Yellow): Green is above 40 (exclusive), gap 40 - 13.25 = 26.75.
    Both subscriptions contribute; billable users 10 + 20 = 30; 26.75 x 30 = 802.5 builds
    would only reach 40 -> 803. CI's only weighted measure: Green lifts CI to 88, Green.
    """
    row = account_measures(build, "SCN03")["ci_builds_per_billable_user"]
    assert row["measure_value"] == approx(13.25)
    assert row["subscriptions_contributing"] == 2
    assert row["measure_denominator"] == 30
    assert row["next_color_direction"] == "higher"
    assert_next_color(row, "Green", "40", False, 26.75, 803)

    ci = account_use_cases(build, "SCN03")["CI"]
    assert (ci["next_color"], ci["next_color_score_threshold"]) == ("Green", Decimal("75"))
    assert ci["limiting_measure"] == "ci_builds_per_billable_user"
    assert (ci["score_if_limiting_measure_improves"], ci["color_if_limiting_measure_improves"]) == (GREEN, "Green")
    assert ci["next_step"] == (
        "CI builds per billable user 13.25; above 40 makes CI Green (about 803 more CI builds in 28 days)"
    )


def test_s05_value_on_an_exclusive_bound_is_one_unit_away(build: Build) -> None:
    """SCN05: the primary inst-05-large, b 60, license 80.
    CI 60/60 = 1 (Red): Yellow above 2, gap 1, 1 x 60 = 60 builds reach 2 exactly -> 61.
    License utilization 0.75 is Red at 29 months (<= 0.75); that bracket has no Yellow, so
    the next color is Green, above 0.75: gap 0, one more billable user of 80 licenses.
    """
    measures = account_measures(build, "SCN05")
    assert_next_color(measures["ci_builds_per_billable_user"], "Yellow", "2", False, 1.0, 61)
    assert_next_color(measures["license_utilization"], "Green", "0.75", False, 0.0, 1)
    assert measures["license_utilization"]["measure_denominator"] == 80
    ci = account_use_cases(build, "SCN05")["CI"]
    assert (
        ci["next_step"] == "CI builds per billable user 1; above 2 makes CI Yellow (about 61 more CI builds in 28 days)"
    )


def test_s12_cd_tie_broken_by_display_order(build: Build) -> None:
    """SCN12 (SaaS, b 40). CD 214/3 = 71.333 (Yellow): deployments_utilization 0.1 and
    deployments_per_user 5 are Yellow, each lifts CD by 25/3 to Green (79.667); the tie
    goes to deployments_utilization (display order 6 before 7). Gap 0.12 - 0.1 = 0.02,
    0.02 x 40 = 0.8 -> 1 user. SCM git 8/40 = 0.2: Green above 0.33, 0.13 x 40 = 5.2 -> 6.
    user_engagement is missing on SaaS: no next color.
    """
    measures = account_measures(build, "SCN12")
    assert_next_color(measures["deployments_utilization"], "Green", "0.12", False, 0.02, 1)
    assert_next_color(measures["deployments_per_user_l28d"], "Green", "7", False, 2.0, 81)
    assert_next_color(measures["successful_deployments_pct"], None, None, None, None, None)
    assert_next_color(measures["user_engagement"], None, None, None, None, None)

    use_cases = account_use_cases(build, "SCN12")
    cd = use_cases["CD"]
    assert cd["limiting_measure"] == "deployments_utilization"
    assert cd["score_if_limiting_measure_improves"] == approx(239 / 3)
    assert cd["color_if_limiting_measure_improves"] == "Green"
    assert cd["next_step"] == (
        "Deployment utilization (users deploying / billable users) 0.1; above 0.12 makes CD Green "
        "(about 1 more user deploying in 28 days)"
    )
    assert use_cases["SCM"]["next_step"] == (
        "Git operation utilization (users doing git operations / billable users) 0.2; above 0.33 makes SCM Green "
        "(about 6 more users doing git operations in 28 days)"
    )


def test_s17_security_gap_counts_ultimate_users_only(build: Build) -> None:
    """SCN17 Security 63 (Yellow) from inst-17-u alone (b 10): its three measures are
    Yellow and each lifts Security by 25/3 to 71.333, still Yellow, so the sentence says
    what the score becomes and what Green needs. Tie -> secure_scanners_utilization
    (display order 9): at least 0.20 (inclusive), gap 0.1, 0.1 x 10 = 1 user. Counting the
    Premium instance's 100 users would say 11.
    """
    measures = account_measures(build, "SCN17")
    assert measures["secure_scanners_utilization"]["measure_denominator"] == 10
    assert_next_color(measures["secure_scanners_utilization"], "Green", "0.2", True, 0.1, 1)
    assert_next_color(measures["number_of_scanner_types"], "Green", "3", True, 1.0, None)
    security = account_use_cases(build, "SCN17")["Security"]
    assert security["limiting_measure"] == "secure_scanners_utilization"
    assert security["score_if_limiting_measure_improves"] == approx(214 / 3)
    assert security["color_if_limiting_measure_improves"] == "Yellow"
    assert security["next_step"] == (
        "Security scanner utilization (users running scanners / billable users) 0.1; at least 0.2 raises the "
        "Security score from 63 to 71.333 (Green needs above 75) (about 1 more user running security scanners "
        "in 28 days)"
    )
    assert account_use_cases(build, "SCN17")["CI"]["next_step"] is None  # Green: the best color


def test_s09_young_account_and_a_value_on_an_inclusive_red_bound(build: Build) -> None:
    """SCN09 (2 months old, b 10): license utilization is unscored, so no next color.
    git 1/10 = 0.1 is Red (<= 0.10): Yellow is above 0.1, gap 0 -> 1 more user.
    CI 10 (Yellow): Green above 40, gap 30, 30 x 10 = 300 reaches 40 only -> 301.
    """
    measures = account_measures(build, "SCN09")
    assert_next_color(measures["license_utilization"], None, None, None, None, None)
    assert_next_color(measures["git_operation_utilization"], "Yellow", "0.1", False, 0.0, 1)
    assert_next_color(measures["ci_builds_per_billable_user"], "Green", "40", False, 30.0, 301)
    use_cases = account_use_cases(build, "SCN09")
    assert use_cases["SCM"]["next_step"] == (
        "Git operation utilization (users doing git operations / billable users) 0.1; above 0.1 makes SCM Yellow "
        "(about 1 more user doing git operations in 28 days)"
    )
    assert use_cases["CD"]["next_step"] is None  # unscored


def test_s16_what_changed_month_over_month(build: Build) -> None:
    """SCN16 (see S16): June SCM 88 against May 25 (up, +63), CI 63 against 88 (down, -25).
    Overall: Jan, Feb, Apr, May = (0.30*88 + 0.15*25 + 0.15*88)/0.60 = 72.25 (Yellow);
    Mar, Jun = 81.75 (Green). So the overall color improves in March and June and degrades
    in April; the platform score stays 1 (band 1) every month: no band alert, trend same.
    """
    june = account_use_cases(build, "SCN16", JUN)
    assert (june["SCM"]["previous_month_score"], june["SCM"]["score_change"], june["SCM"]["trend"]) == (
        RED,
        GREEN - RED,
        "up",
    )
    assert (june["CI"]["score_change"], june["CI"]["trend"]) == (YELLOW - GREEN, "down")
    assert account_use_cases(build, "SCN16", MAY)["SCM"]["trend"] == "same"
    assert account_use_cases(build, "SCN16", JAN)["SCM"]["trend"] is None

    row = account(build, "SCN16", JUN)
    assert row["previous_month_overall_product_score"] == approx(72.25)
    assert row["overall_score_change"] == approx(81.75 - 72.25)
    assert (row["overall_trend"], row["previous_month_overall_product_color"]) == ("up", "Yellow")
    assert (row["previous_month_use_cases_adopted"], row["use_cases_adopted_change"]) == (1, 0)
    assert (row["platform_score_trend"], row["previous_month_adoption_band"]) == ("same", "1")

    assert alerts(build, "SCN16", "overall") == {
        (MAR, "overall", "Yellow", "Green", "improved"),
        (APR, "overall", "Green", "Yellow", "degraded"),
        (JUN, "overall", "Yellow", "Green", "improved"),
    }
    assert alerts(build, "SCN16", "adoption_band") == set()
    csm = build.scalar("select csm_name from marts_build.dim_accounts where account_id = 'SCN16'")
    assert csm
    assert {
        name
        for (name,) in build.query(
            "select distinct csm_name from marts_build.fct_adoption_alerts where account_id = 'SCN16'"
        )
    } == {csm}


def test_account_measures_are_what_the_use_case_scores_are_made_of(build: Build) -> None:
    """fct_account_measures holds all 11 measures of every account-month, and each
    account use-case score is the weighted mean (use_case_measures) of its scored measures
    there: the published values are the ones the rollup scores."""
    account_months = build.scalar("select count(*) from marts_build.fct_account_platform_adoption")
    assert build.scalar("select count(*) from marts_build.fct_account_measures") == 11 * account_months

    with open(PROJECT / "seeds" / "use_case_measures.csv", newline="", encoding="utf-8") as handle:
        weights = {row["measure"]: (row["use_case"], float(row["weight"])) for row in csv.DictReader(handle)}
    sums: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for account_id, month, measure, score in build.query(
        "select account_id, reporting_month, measure, measure_score from marts_build.fct_account_measures "
        "where measure_score is not null"
    ):
        if measure in weights and weights[measure][1] > 0:
            use_case, weight = weights[measure]
            sums[(account_id, month, use_case)][0] += weight * score
            sums[(account_id, month, use_case)][1] += weight
    published = {
        (account_id, month, use_case): score
        for account_id, month, use_case, score in build.query(
            "select account_id, reporting_month, use_case, use_case_score from marts_build.fct_account_use_case_health "
            "where use_case_score is not null"
        )
    }
    assert set(published) == set(sums)
    for key, (weighted, weight) in sums.items():
        assert published[key] == approx(weighted / weight), key
