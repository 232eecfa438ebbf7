"""Scenario suite: hand-built accounts whose adoption we know, scored end to end.

The use-case methodology is validated on 15-20 accounts whose adoption is known
(background/use-case-adoption-scoring.txt, "Testing"). Each scenario below is one
such account (SCN01 .. SCN24, SCN19 being a ping without an account), written in
the hand-made landing zone `python_tests/scenarios/landing_zone/` (SPEC §2). The
whole suite needs a single `dbt build` with the default seeds (conftest.scenario_build),
shared with test_scenario_docs_example.py and test_scenario_explanations.py.

Every expected number was derived by hand from SPEC §4-§6 and the default seeds
*before* the model was run; the derivation sits in each test's docstring.

Default seeds used throughout (SPEC §4.2-§4.4):
  scores Red 25, Yellow 63, Green 88; colors Red <= 50 < Yellow <= 75 < Green;
  overall weights LU 0.30, UE 0.10, SCM/CI/CD/Security 0.15 each, missing dropped,
  remaining weights rescaled.
Ages: customer_since_date 2023-01-15 gives age 29 in 2025-06 (age >= 10 bracket:
  license utilization Red <= 0.75 < Green) unless a scenario says otherwise.
In the landing zone, metrics a scenario does not need are left out of the payload
(absent = missing), so only the listed measures exist. Payloads have the shape real
instances send (SPEC §2.1, §3): billable users "b" are `license_billable_users`, and
`active_user_count` (every active user, guests and bots included) is above it, so a
scenario scored on the wrong key would show; last activity is
`redis_hll_counters.manage.unique_active_users_monthly`. SCN21-SCN23 differ only in
which billable key they send. SCN24 (a data gap: its larger subscription stops
reporting CI builds) is tested in test_data_gaps.py.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from conftest import Build
from scenario_queries import (
    APR,
    FEB,
    GREEN,
    JAN,
    JUN,
    JUNE_ACCOUNTS,
    LANDING_ZONE,
    MAR,
    MAY,
    RED,
    USE_CASES,
    YELLOW,
    account,
    account_colors,
    account_use_cases,
    alerts,
    approx,
    assert_measure,
    assert_use_case,
    instance_measures,
    instance_use_cases,
)


@pytest.fixture(scope="module")
def build(scenario_build: Build) -> Build:
    """The scenario zone's build (conftest.scenario_build: one `dbt build`, shared by the scenario files)."""
    return scenario_build


# --------------------------------------------------------------------------------------
# S01 - all Green on Ultimate
# --------------------------------------------------------------------------------------


def test_s01_all_green_on_ultimate(build: Build) -> None:
    """A mature Ultimate customer using everything; the CSM calls it a model account.

    SUB01 (Ultimate, Self-Managed, ARR 12000), one Production instance inst-01-prod.
    Ping 2025-06-20: license 100, billable b = 90.
      license_utilization   90/100  = 0.9  > 0.75 (age 29)     -> Green 88
      user_engagement       81/90   = 0.9  >= 0.80             -> Green 88
      git_operation_util    45/90   = 0.5  > 0.33              -> Green 88 => SCM 88
      ci_builds_per_user  4500/90   = 50   > 40                -> Green 88 => CI 88
      ci_pipeline_util      45/90   = 0.5  > 0.333 (weight 0)  -> Green 88
      deployments_util      18/90   = 0.2  > 0.12              -> Green 88
      deployments_per_user 900/90   = 10   > 7                 -> Green 88
      successful_pct     855/(855+45) = 0.95 > 0.80            -> Green 88 => CD 88
      secure_scanners_util  27/90   = 0.3  >= 0.20             -> Green 88
      avg_scans_per_pipe (40+30+20)/100 = 0.9 > 0.5            -> Green 88
      scanner_types         3 (sast, dependency, secret) >= 3  -> Green 88 => Security 88
    One subscription, so account values = instance values. Overall = 88 (every
    component 88) -> Green. 4 use cases Green -> use_cases_adopted 4,
    'SCM, CI, CD, Security', band '3+'. Coverage 12000/12000 = 1.0.
    """
    measures = instance_measures(build, "inst-01-prod")
    for measure, value in {
        "license_utilization": 0.9,
        "user_engagement": 0.9,
        "git_operation_utilization": 0.5,
        "ci_builds_per_billable_user": 50.0,
        "ci_pipeline_utilization": 0.5,
        "deployments_utilization": 0.2,
        "deployments_per_user_l28d": 10.0,
        "successful_deployments_pct": 0.95,
        "secure_scanners_utilization": 0.3,
        "average_scans_per_pipeline": 0.9,
        "number_of_scanner_types": 3.0,
    }.items():
        assert_measure(measures, measure, value, GREEN)

    use_cases = account_use_cases(build, "SCN01")
    for use_case in USE_CASES:
        assert_use_case(use_cases[use_case], GREEN, "Green")
        assert use_cases[use_case]["is_adopted"] is True

    row = account(build, "SCN01")
    assert row["total_arr"] == Decimal("12000.00")
    assert row["pct_arr_reporting_usage"] == approx(1.0)
    assert row["license_utilization_color"] == "Green"
    assert row["overall_product_score"] == approx(88.0)
    assert row["overall_product_color"] == "Green"
    assert row["use_cases_adopted"] == 4
    assert row["adopted_use_cases"] == "SCM, CI, CD, Security"
    assert row["adoption_band"] == "3+"


# --------------------------------------------------------------------------------------
# S02 - Premium with heavy scanner use
# --------------------------------------------------------------------------------------


def test_s02_premium_scanners_do_not_score_security(build: Build) -> None:
    """A Premium customer running scanners heavily: Security is not applicable, at most 3.

    SUB02 (Premium, ARR 6000), inst-02-prod, same payload as S01 (b = 90).
      All non-Security measures as S01 -> Green 88: SCM 88, CI 88, CD 88, LU 88, UE 88.
      Security measures are reported (0.3, 0.9, 3) but not scored: tier Premium
      (SPEC §4.3) -> measure scores missing, Security use case missing, at instance
      and at account level (Security uses Ultimate subscriptions only).
    Overall = (0.30*88 + 0.10*88 + 0.15*88*3) / 0.85 = 88 -> Green.
    Adopted: SCM, CI, CD -> 3, 'SCM, CI, CD', band '3+'.
    """
    measures = instance_measures(build, "inst-02-prod")
    assert_measure(measures, "secure_scanners_utilization", 0.3, None)
    assert_measure(measures, "average_scans_per_pipeline", 0.9, None)
    assert_measure(measures, "number_of_scanner_types", 3.0, None)
    assert_measure(measures, "ci_builds_per_billable_user", 50.0, GREEN)

    instance = instance_use_cases(build, "inst-02-prod")
    assert_use_case(instance["Security"], None, None)
    assert_use_case(instance["CI"], GREEN, "Green")

    use_cases = account_use_cases(build, "SCN02")
    for use_case in ("SCM", "CI", "CD"):
        assert_use_case(use_cases[use_case], GREEN, "Green")
    assert_use_case(use_cases["Security"], None, None)
    assert use_cases["Security"]["is_adopted"] is not True

    row = account(build, "SCN02")
    assert row["overall_product_score"] == approx(88.0)
    assert row["overall_product_color"] == "Green"
    assert row["use_cases_adopted"] == 3
    assert row["adopted_use_cases"] == "SCM, CI, CD"
    assert row["adoption_band"] == "3+"


# --------------------------------------------------------------------------------------
# S03 - two subscriptions, ARR-weighted CI crosses a threshold
# --------------------------------------------------------------------------------------


def test_s03_arr_weighted_ci_across_two_subscriptions(build: Build) -> None:
    """A small CI-heavy team (1000 ARR) and a large team that barely builds (3000 ARR).

    SUB03A (ARR 1000): inst-03-a, b = 10, 500 builds -> 50 builds/user -> Green 88.
    SUB03B (ARR 3000): inst-03-b, b = 20,  20 builds ->  1 build/user  -> Red 25.
    total_arr = 1000 + 3000 = 4000.00.
    Account ci_builds_per_billable_user = (1000*50 + 3000*1) / 4000 = 13.25
      -> > 2 and <= 40 -> Yellow 63 (CI score 63).
      (An ARR-weighted mean of *scores* would give (1000*88 + 3000*25)/4000 = 40.75 Red;
      taking the larger subscription only would give Red.)
    LU: 10/10 = 1.0 and 20/20 = 1.0 -> account 1.0 -> Green 88.
    Overall = (0.30*88 + 0.15*63) / 0.45 = 35.85 / 0.45 = 79.6666... -> Green.
    Only CI scored, not Green -> use_cases_adopted 0, band '0'.
    """
    assert_use_case(instance_use_cases(build, "inst-03-a")["CI"], GREEN, "Green")
    assert_use_case(instance_use_cases(build, "inst-03-b")["CI"], RED, "Red")

    use_cases = account_use_cases(build, "SCN03")
    assert_use_case(use_cases["CI"], YELLOW, "Yellow")
    for use_case in ("SCM", "CD", "Security"):
        assert_use_case(use_cases[use_case], None, None)

    row = account(build, "SCN03")
    assert row["total_arr"] == Decimal("4000.00")
    assert row["license_utilization_color"] == "Green"
    assert row["overall_product_score"] == approx(35.85 / 0.45)
    assert row["overall_product_color"] == "Green"
    assert row["use_cases_adopted"] == 0
    assert not row["adopted_use_cases"]  # '' (or NULL): SPEC lists adopted use cases, none here
    assert row["adoption_band"] == "0"


# --------------------------------------------------------------------------------------
# S04 - Production beside a larger Non-Production instance
# --------------------------------------------------------------------------------------


def test_s04_production_preferred_over_larger_non_production(build: Build) -> None:
    """Production is small (10 users); the staging box has 100 test users and little CI.

    SUB04 (ARR 5000): inst-04-prod (Production, b 10, 500 builds -> 50 -> Green 88),
    inst-04-staging (Non-Production, b 100, 100 builds -> 1 -> Red 25).
    Primary = inst-04-prod (Non-Production is never chosen, SPEC §5.1), basis Production.
    Account CI = 50 -> Green 88; LU 10/10 = 1.0 -> Green 88.
    Overall = (0.30*88 + 0.15*88)/0.45 = 88 -> Green. Adopted 'CI' -> 1, band '1'.
    """
    prod = instance_use_cases(build, "inst-04-prod")["CI"]
    staging = instance_use_cases(build, "inst-04-staging")["CI"]
    assert prod["is_primary_instance"] is True
    assert prod["primary_instance_basis"] == "Production"
    assert staging["is_primary_instance"] is False
    assert_use_case(prod, GREEN, "Green")
    assert_use_case(staging, RED, "Red")

    assert_use_case(account_use_cases(build, "SCN04")["CI"], GREEN, "Green")
    row = account(build, "SCN04")
    assert row["pct_arr_reporting_usage"] == approx(1.0)
    assert row["license_utilization_color"] == "Green"
    assert row["overall_product_score"] == approx(88.0)
    assert row["use_cases_adopted"] == 1
    assert row["adopted_use_cases"] == "CI"
    assert row["adoption_band"] == "1"


# --------------------------------------------------------------------------------------
# S05 - two Production instances
# --------------------------------------------------------------------------------------


def test_s05_two_production_instances_most_billable_users_wins(build: Build) -> None:
    """Two Production regions: EU (40 users, heavy CI) and US (60 users, almost no CI).

    SUB05 (ARR 5000). Both Production -> most billable users: inst-05-large (60).
      inst-05-small: 2000/40 = 50 -> Green 88 (not primary).
      inst-05-large: 60/60 = 1 -> Red 25; LU 60/80 = 0.75 -> <= 0.75 (inclusive) -> Red 25.
    Account = inst-05-large: CI Red 25, LU Red 25.
    Overall = (0.30*25 + 0.15*25)/0.45 = 25 -> Red. CI scored, not adopted -> 0, band '0'.
    """
    small = instance_use_cases(build, "inst-05-small")["CI"]
    large = instance_use_cases(build, "inst-05-large")["CI"]
    assert large["is_primary_instance"] is True
    assert large["primary_instance_basis"] == "Production"
    assert small["is_primary_instance"] is False
    assert_use_case(small, GREEN, "Green")

    assert_use_case(account_use_cases(build, "SCN05")["CI"], RED, "Red")
    row = account(build, "SCN05")
    assert row["license_utilization_color"] == "Red"
    assert row["overall_product_score"] == approx(25.0)
    assert row["overall_product_color"] == "Red"
    assert row["use_cases_adopted"] == 0
    assert row["adoption_band"] == "0"


# --------------------------------------------------------------------------------------
# S06 - only unlabeled instances
# --------------------------------------------------------------------------------------


def test_s06_only_unlabeled_instances_unknown_is_chosen(build: Build) -> None:
    """The CSM never labeled this customer's two instances.

    SUB06 (ARR 4000): inst-06-u1 (b 30, git 12 -> 0.4 -> Green 88) and inst-06-u2
    (b 20, git 1 -> 0.05 -> Red 25), neither in instances.csv -> instance_type Unknown.
    Primary = most billable users among Unknown -> inst-06-u1, basis 'Unknown'.
    Account SCM Green 88; LU 30/30 = 1.0 -> Green 88.
    Overall = (0.30*88 + 0.15*88)/0.45 = 88 -> Green. Adopted 'SCM' -> 1, band '1'. Coverage 1.0.
    """
    u1 = instance_use_cases(build, "inst-06-u1")["SCM"]
    u2 = instance_use_cases(build, "inst-06-u2")["SCM"]
    assert u1["is_primary_instance"] is True
    assert u1["primary_instance_basis"] == "Unknown"
    assert u2["is_primary_instance"] is False
    assert_use_case(u1, GREEN, "Green")
    assert_use_case(u2, RED, "Red")

    assert_use_case(account_use_cases(build, "SCN06")["SCM"], GREEN, "Green")
    row = account(build, "SCN06")
    assert row["pct_arr_reporting_usage"] == approx(1.0)
    assert row["overall_product_score"] == approx(88.0)
    assert row["use_cases_adopted"] == 1
    assert row["adopted_use_cases"] == "SCM"
    assert row["adoption_band"] == "1"


# --------------------------------------------------------------------------------------
# S07 - only Non-Production instances
# --------------------------------------------------------------------------------------


def test_s07_only_non_production_no_primary_no_data(build: Build) -> None:
    """Only the test server pings; production is air-gapped and silent.

    SUB07 (ARR 3000): inst-07-test (Non-Production, b 10, git 5 -> 0.5 -> Green 88 at
    instance level). Non-Production is never primary -> no primary instance.
    Coverage = 0 / 3000 = 0.0. Every account use case missing -> use_cases_adopted
    missing -> band 'No Data'. Overall missing (no component), LU color missing.
    """
    test_instance = instance_use_cases(build, "inst-07-test")["SCM"]
    assert test_instance["is_primary_instance"] is False
    assert_use_case(test_instance, GREEN, "Green")

    assert set(account_colors(build, "SCN07").values()) == {None}
    row = account(build, "SCN07")
    assert row["total_arr"] == Decimal("3000.00")
    assert row["pct_arr_reporting_usage"] == approx(0.0)
    assert row["license_utilization_color"] is None
    assert row["overall_product_score"] is None
    assert row["overall_product_color"] is None
    assert row["use_cases_adopted"] is None
    assert row["adoption_band"] == "No Data"


# --------------------------------------------------------------------------------------
# S08 - ARR but no pings
# --------------------------------------------------------------------------------------


def test_s08_arr_without_pings_is_no_data(build: Build) -> None:
    """Paying customer (2500.50 ARR, Ultimate) whose instance never sends Service Ping.

    No ping -> no primary instance: coverage 0.0, every use case missing,
    use_cases_adopted missing, overall missing, band 'No Data'; total_arr 2500.50 to the cent.
    """
    assert set(account_colors(build, "SCN08").values()) == {None}
    row = account(build, "SCN08")
    assert row["total_arr"] == Decimal("2500.50")
    assert row["pct_arr_reporting_usage"] == approx(0.0)
    assert row["overall_product_score"] is None
    assert row["use_cases_adopted"] is None
    assert row["adopted_use_cases"] is None
    assert row["adoption_band"] == "No Data"


# --------------------------------------------------------------------------------------
# S09 - account younger than 3 months
# --------------------------------------------------------------------------------------


def test_s09_young_account_license_utilization_not_scored(build: Build) -> None:
    """Signed 2025-04-10; in 2025-06 it is still onboarding.

    Age = (2025-2025)*12 + 6 - 4 = 2 < 3 -> license utilization not scored.
    inst-09-prod (Production, b 10, license 11):
      LU 10/11 = 0.909 (would be Green) -> not scored
      UE 4/10 = 0.4 < 0.50                  -> Red 25
      git 1/10 = 0.1 <= 0.10 (inclusive)    -> Red 25   => SCM 25 Red
      ci 100/10 = 10 in (2, 40]              -> Yellow 63 => CI 63 Yellow
    Overall = (0.10*25 + 0.15*25 + 0.15*63) / (0.10+0.15+0.15)
            = (2.5 + 3.75 + 9.45) / 0.40 = 15.7 / 0.40 = 39.25 -> Red.
      (Had LU been scored Green: (26.4 + 15.7)/0.70 = 60.14 Yellow.)
    No use case Green -> 0, band '0'.
    """
    assert_measure(instance_measures(build, "inst-09-prod"), "license_utilization", 10 / 11, None)
    colors = account_colors(build, "SCN09")
    assert colors == {"SCM": "Red", "CI": "Yellow", "CD": None, "Security": None}
    row = account(build, "SCN09")
    assert row["license_utilization_color"] is None
    assert row["overall_product_score"] == approx(39.25)
    assert row["overall_product_color"] == "Red"
    assert row["use_cases_adopted"] == 0
    assert row["adoption_band"] == "0"


# --------------------------------------------------------------------------------------
# S10 / S11 - the same license utilization at 8 and at 12 months
# --------------------------------------------------------------------------------------


def test_s10_license_utilization_0_6_at_8_months_is_yellow(build: Build) -> None:
    """60 of 100 seats used, 8 months in: fine for an account still ramping.

    customer_since 2024-10-01 -> age in 2025-06 = 12 + 6 - 10 = 8 (bracket 7-9).
    LU 60/100 = 0.6 in (0.50, 0.75] -> Yellow 63. git 30/60 = 0.5 > 0.33 -> SCM Green 88.
    Overall = (0.30*63 + 0.15*88)/0.45 = (18.9 + 13.2)/0.45 = 71.333... -> Yellow.
    Adopted 'SCM' -> 1, band '1'.
    """
    assert_measure(instance_measures(build, "inst-10-prod"), "license_utilization", 0.6, YELLOW)
    row = account(build, "SCN10")
    assert row["account_age_months"] == 8
    assert row["license_utilization_color"] == "Yellow"
    assert row["overall_product_score"] == approx(32.1 / 0.45)
    assert row["overall_product_color"] == "Yellow"
    assert row["adopted_use_cases"] == "SCM"
    assert row["adoption_band"] == "1"


def test_s11_license_utilization_0_6_at_12_months_is_red(build: Build) -> None:
    """The same 60 of 100 seats, but a year in: shelfware risk.

    customer_since 2024-06-30 -> age in 2025-06 = 12 + 6 - 6 = 12 (bracket >= 10).
    LU 0.6 <= 0.75 -> Red 25. SCM Green 88 (git 30/60 = 0.5).
    Overall = (0.30*25 + 0.15*88)/0.45 = (7.5 + 13.2)/0.45 = 46.0 -> Red.
    Adopted 'SCM' -> 1, band '1'.
    """
    assert_measure(instance_measures(build, "inst-11-prod"), "license_utilization", 0.6, RED)
    row = account(build, "SCN11")
    assert row["account_age_months"] == 12
    assert row["license_utilization_color"] == "Red"
    assert row["overall_product_score"] == approx(46.0)
    assert row["overall_product_color"] == "Red"
    assert row["adopted_use_cases"] == "SCM"
    assert row["adoption_band"] == "1"


# --------------------------------------------------------------------------------------
# S12 - SaaS
# --------------------------------------------------------------------------------------


def test_s12_saas_has_no_user_engagement_and_weights_rescale(build: Build) -> None:
    """A GitLab.com (SaaS) Premium namespace ns-12345.

    hostname gitlab.com -> SaaS; user_engagement missing for SaaS even though the
    payload carries unique_active_users_monthly = 40 (40/40 = 1.0 would be Green).
    b = 40, license 50:
      LU 40/50 = 0.8 > 0.75                -> Green 88
      git 8/40 = 0.2 in (0.10, 0.33]       -> Yellow 63  => SCM 63 Yellow
      ci 40/40 = 1 <= 2                    -> Red 25     => CI 25 Red
      deployments_util 4/40 = 0.1 in [0.05, 0.12] -> Yellow 63
      deployments_per_user 200/40 = 5 in [2, 7]   -> Yellow 63
      successful 180/(180+20) = 0.9 > 0.80        -> Green 88
      => CD = (63 + 63 + 88)/3 = 214/3 = 71.333... -> Yellow
      Security: Premium -> not applicable.
    Overall (UE and Security drop out; weights 0.30 + 0.15*3 = 0.75):
      (0.30*88 + 0.15*63 + 0.15*25 + 0.15*214/3) / 0.75
      = (26.4 + 9.45 + 3.75 + 10.7) / 0.75 = 50.3 / 0.75 = 67.0666... -> Yellow.
      (With UE Green counted: (50.3 + 8.8)/0.85 = 69.53.)
    Unlabeled -> Unknown -> primary. No Green use case -> 0, band '0'.
    """
    measures = instance_measures(build, "ns-12345")
    assert_measure(measures, "user_engagement", None, None)
    assert_measure(measures, "license_utilization", 0.8, GREEN)
    assert_measure(measures, "successful_deployments_pct", 0.9, GREEN)
    assert instance_use_cases(build, "ns-12345")["CD"]["is_primary_instance"] is True

    use_cases = account_use_cases(build, "SCN12")
    assert_use_case(use_cases["SCM"], YELLOW, "Yellow")
    assert_use_case(use_cases["CI"], RED, "Red")
    assert_use_case(use_cases["CD"], 214 / 3, "Yellow")
    assert_use_case(use_cases["Security"], None, None)

    row = account(build, "SCN12")
    assert row["license_utilization_color"] == "Green"
    assert row["overall_product_score"] == approx(50.3 / 0.75)
    assert row["overall_product_color"] == "Yellow"
    assert row["use_cases_adopted"] == 0
    assert row["adoption_band"] == "0"


# --------------------------------------------------------------------------------------
# S13 - zero billable users
# --------------------------------------------------------------------------------------


def test_s13_zero_billable_users_ratios_missing_never_red(build: Build) -> None:
    """A licensed instance whose users were all deactivated (license_billable_users and
    active_user_count 0).

    inst-13-prod: license 50, b = 0. Every measure divided by b has denominator 0 ->
    missing (never Red): user_engagement, git, ci_builds, ci_pipeline, deployments_util,
    deployments_per_user. successful_pct: 0/(0+0) -> denominator 0 -> missing.
    Security measures: no scan metric in payload -> missing.
    LU = 0/50 = 0.0 is a real value (numerator 0, denominator 50) -> <= 0.75 -> Red 25.
    Account: every use case missing -> use_cases_adopted missing -> band 'No Data'.
    Overall = LU only = 25 -> Red.
    """
    measures = instance_measures(build, "inst-13-prod")
    for measure in (
        "user_engagement",
        "git_operation_utilization",
        "ci_builds_per_billable_user",
        "ci_pipeline_utilization",
        "deployments_utilization",
        "deployments_per_user_l28d",
        "successful_deployments_pct",
        "secure_scanners_utilization",
        "average_scans_per_pipeline",
        "number_of_scanner_types",
    ):
        assert_measure(measures, measure, None, None)
    assert_measure(measures, "license_utilization", 0.0, RED)

    assert set(account_colors(build, "SCN13").values()) == {None}
    row = account(build, "SCN13")
    assert row["pct_arr_reporting_usage"] == approx(1.0)
    assert row["license_utilization_color"] == "Red"
    assert row["overall_product_score"] == approx(25.0)
    assert row["overall_product_color"] == "Red"
    assert row["use_cases_adopted"] is None
    assert row["adoption_band"] == "No Data"


# --------------------------------------------------------------------------------------
# S14 - metrics reported as -1
# --------------------------------------------------------------------------------------


def test_s14_minus_one_metrics_are_missing(build: Build) -> None:
    """An Ultimate instance whose ping failed to compute several counters (-1).

    inst-14-prod (SUB14 Ultimate, ARR 8000), b = 40:
      license_user_count -1 -> LU missing (LU color missing).
      git 20/40 = 0.5 -> Green 88 => SCM 88 Green.
      ci_builds -1 -> ci_builds_per_billable_user missing; ci_pipelines 20/40 = 0.5 ->
        ci_pipeline_utilization Green 88 but weight 0 -> CI missing (not Red).
      secure users -1 -> secure_scanners_utilization missing.
      scans: sast -1, dast -1 (missing, left out), dependency 5, others absent;
        ci_internal_pipelines 10 -> avg = 5/10 = 0.5 (<= 0.5 inclusive) -> Yellow 63;
        scanner types = 1 (< 2) -> Red 25. => Security = (63 + 25)/2 = 44 -> Red.
      (Reading -1 as a number: ci -1/40 < 0 -> Red; scans (-1-1+5)/10 = 0.3.)
    Overall = (0.15*88 + 0.15*44)/0.30 = 66 -> Yellow. Adopted 'SCM' -> 1, band '1'.
    """
    measures = instance_measures(build, "inst-14-prod")
    assert_measure(measures, "license_utilization", None, None)
    assert_measure(measures, "ci_builds_per_billable_user", None, None)
    assert_measure(measures, "ci_pipeline_utilization", 0.5, GREEN)
    assert_measure(measures, "secure_scanners_utilization", None, None)
    assert_measure(measures, "average_scans_per_pipeline", 0.5, YELLOW)
    assert_measure(measures, "number_of_scanner_types", 1.0, RED)

    instance = instance_use_cases(build, "inst-14-prod")
    assert_use_case(instance["CI"], None, None)
    assert_use_case(instance["Security"], 44.0, "Red")

    use_cases = account_use_cases(build, "SCN14")
    assert_use_case(use_cases["SCM"], GREEN, "Green")
    assert_use_case(use_cases["CI"], None, None)
    assert_use_case(use_cases["CD"], None, None)
    assert_use_case(use_cases["Security"], 44.0, "Red")

    row = account(build, "SCN14")
    assert row["license_utilization_color"] is None
    assert row["overall_product_score"] == approx(66.0)
    assert row["overall_product_color"] == "Yellow"
    assert row["use_cases_adopted"] == 1
    assert row["adopted_use_cases"] == "SCM"
    assert row["adoption_band"] == "1"


# --------------------------------------------------------------------------------------
# S15 - several pings in a month plus one early next month
# --------------------------------------------------------------------------------------


def test_s15_latest_ping_in_month_counts(build: Build) -> None:
    """An instance that pings several times in May; one ping lands a few seconds into June.

    inst-15-prod (SUB15, ARR 1000 in May and June), b = 10, license 10 (LU 1.0 Green 88).
    All five pings sit in usage_pings/2025-05.ndjson (file name does not decide the month):
      p15-01  05-02 08:00:00  500 builds -> 50
      p15-02  05-15 08:00:00    5 builds -> 0.5
      p15-03a 05-31 23:59:59  500 builds -> 50
      p15-03b 05-31 23:59:59  100 builds -> 10   <- latest in May; tie with 03a broken by
                                                     greatest id ('p15-03b' > 'p15-03a')
      p15-04  06-01 00:00:10   10 builds -> 1    <- reporting month June (only June ping)
    May: no ARR in April -> previous_month_color missing.
    May: ci 10 -> Yellow 63; overall (0.30*88 + 0.15*63)/0.45 = 35.85/0.45 = 79.666... Green.
    June: ci 1 -> Red 25; overall (0.30*88 + 0.15*25)/0.45 = 30.15/0.45 = 67.0 Yellow;
      previous_month_color Yellow. Alert: June CI Yellow -> Red 'degraded' (the only one:
      no ARR in April, so no May comparison).
    """
    assert_measure(instance_measures(build, "inst-15-prod", MAY), "ci_builds_per_billable_user", 10.0, YELLOW)
    assert_measure(instance_measures(build, "inst-15-prod", JUN), "ci_builds_per_billable_user", 1.0, RED)

    may = account_use_cases(build, "SCN15", MAY)["CI"]
    june = account_use_cases(build, "SCN15", JUN)["CI"]
    assert_use_case(may, YELLOW, "Yellow")
    assert_use_case(june, RED, "Red")
    assert may["previous_month_color"] is None
    assert june["previous_month_color"] == "Yellow"
    assert account(build, "SCN15", MAY)["overall_product_score"] == approx(35.85 / 0.45)
    assert account(build, "SCN15", JUN)["overall_product_score"] == approx(67.0)
    assert account(build, "SCN15", JUN)["overall_product_color"] == "Yellow"
    assert alerts(build, "SCN15") == {(JUN, "CI", "Yellow", "Red", "degraded")}


# --------------------------------------------------------------------------------------
# S16 - colors change month over month: alerts and history
# --------------------------------------------------------------------------------------


def test_s16_month_over_month_colors_and_alerts(build: Build) -> None:
    """Six months of one instance (b 10, license 10, ARR 2400 every month 2025-01..06).

    git users (SCM) and builds (CI) per month, and colors:
      month  git  ratio  SCM      builds  /user  CI
      Jan     1   0.1    Red      500     50     Green
      Feb     1   0.1    Red      500     50     Green
      Mar     2   0.2    Yellow   500     50     Green
      Apr     1   0.1    Red      500     50     Green
      May     1   0.1    Red      500     50     Green
      Jun     5   0.5    Green    100     10     Yellow
    (0.1 is Red: git Red is <= 0.10 inclusive.)
    June: SCM previous (May) Red, 3 months ago (Mar) Yellow; CI previous Green, 3 ago Green.
    April: SCM previous (Mar) Yellow, 3 months ago (Jan) Red. January: no history (None).
    Alerts (both colors exist, previous calendar month):
      Apr SCM Yellow -> Red   degraded
      Jun SCM Red -> Green    newly_adopted
      Jun CI  Green -> Yellow degraded
      (Mar SCM Red -> Yellow is an improvement short of Green: no alert.)
    Platform: Jan-May 'CI' (1, band '1'); Jun 'SCM' (1, band '1').
    June overall = (0.30*88 + 0.15*88 + 0.15*63)/0.60 = 49.05/0.60 = 81.75 -> Green.
    """
    expected = {
        JAN: ("Red", "Green"),
        FEB: ("Red", "Green"),
        MAR: ("Yellow", "Green"),
        APR: ("Red", "Green"),
        MAY: ("Red", "Green"),
        JUN: ("Green", "Yellow"),
    }
    for month, (scm, ci) in expected.items():
        colors = account_colors(build, "SCN16", month)
        assert (colors["SCM"], colors["CI"]) == (scm, ci), month

    june = account_use_cases(build, "SCN16", JUN)
    assert (june["SCM"]["previous_month_color"], june["SCM"]["color_3_months_ago"]) == ("Red", "Yellow")
    assert (june["CI"]["previous_month_color"], june["CI"]["color_3_months_ago"]) == ("Green", "Green")
    april = account_use_cases(build, "SCN16", APR)
    assert (april["SCM"]["previous_month_color"], april["SCM"]["color_3_months_ago"]) == ("Yellow", "Red")
    january = account_use_cases(build, "SCN16", JAN)
    assert (january["SCM"]["previous_month_color"], january["SCM"]["color_3_months_ago"]) == (None, None)

    assert alerts(build, "SCN16") == {
        (APR, "SCM", "Yellow", "Red", "degraded"),
        (JUN, "SCM", "Red", "Green", "newly_adopted"),
        (JUN, "CI", "Green", "Yellow", "degraded"),
    }

    for month in (JAN, FEB, MAR, APR, MAY):
        row = account(build, "SCN16", month)
        assert (row["adopted_use_cases"], row["adoption_band"]) == ("CI", "1"), month
    row = account(build, "SCN16", JUN)
    assert (row["adopted_use_cases"], row["adoption_band"]) == ("SCM", "1")
    assert row["overall_product_score"] == approx(81.75)
    assert row["overall_product_color"] == "Green"


# --------------------------------------------------------------------------------------
# S17 - Premium plus Ultimate subscriptions
# --------------------------------------------------------------------------------------


def test_s17_security_weighted_by_ultimate_arr_only(build: Build) -> None:
    """A big Premium estate (9000 ARR) and a small Ultimate pilot (1000 ARR) for security.

    inst-17-p (SUB17P Premium, b 100): ci 5000/100 = 50; secure 30/100 = 0.3,
      scans (40+30+20)/100 = 0.9, 3 types (all would be Green) - not applicable: Premium.
    inst-17-u (SUB17U Ultimate, b 10): ci 10/10 = 1; secure 1/10 = 0.1 in (0.05, 0.20) Yellow;
      scans (2+1)/10 = 0.3 in [0.1, 0.5] Yellow; 2 types in [2, 3) Yellow -> Security 63 Yellow.
    Account CI = (9000*50 + 1000*1)/10000 = 45.1 > 40 -> Green 88 (both subscriptions).
    Account Security = Ultimate only -> values of inst-17-u -> 63 Yellow.
      (Weighting Premium in: util 0.28 Green, avg 0.84 Green, types 2.9 Yellow -> 79.67 Green.)
    LU both 1.0 -> Green 88. Overall = (0.30*88 + 0.15*88 + 0.15*63)/0.60 = 81.75 -> Green.
    total_arr = 9000 + 1000 = 10000.00. Adopted 'CI' -> 1, band '1'.
    """
    assert_use_case(instance_use_cases(build, "inst-17-p")["Security"], None, None)
    assert_use_case(instance_use_cases(build, "inst-17-u")["Security"], YELLOW, "Yellow")

    use_cases = account_use_cases(build, "SCN17")
    assert_use_case(use_cases["CI"], GREEN, "Green")
    assert_use_case(use_cases["Security"], YELLOW, "Yellow")
    assert_use_case(use_cases["SCM"], None, None)

    row = account(build, "SCN17")
    assert row["total_arr"] == Decimal("10000.00")
    assert row["overall_product_score"] == approx(81.75)
    assert row["overall_product_color"] == "Green"
    assert row["use_cases_adopted"] == 1
    assert row["adopted_use_cases"] == "CI"
    assert row["adoption_band"] == "1"


# --------------------------------------------------------------------------------------
# S18 - add-on ARR
# --------------------------------------------------------------------------------------


def test_s18_add_on_arr_counts_in_totals_not_in_weights(build: Build) -> None:
    """An Ultimate subscription with a large storage add-on, beside a Premium one.

    SUB18U: Base 2000 + Add-on 8000; inst-18-u b 10, 800 builds -> 80.
    SUB18P: Base 6000;               inst-18-p b 20, 200 builds -> 10.
    Weights = Base Products ARR only: CI = (2000*80 + 6000*10)/8000 = 220000/8000 = 27.5
      -> Yellow 63. (Weighting with the add-on: (10000*80 + 6000*10)/16000 = 53.75 Green.)
    total_arr = 2000 + 8000 + 6000 = 16000.00; coverage = 8000/8000 = 1.0.
    LU both 1.0 Green. Overall = (0.30*88 + 0.15*63)/0.45 = 79.666... -> Green.
    CI only, not Green -> 0, band '0' (the 16000 lands in band '0', see the band test).
    """
    assert_use_case(account_use_cases(build, "SCN18")["CI"], YELLOW, "Yellow")
    row = account(build, "SCN18")
    assert row["total_arr"] == Decimal("16000.00")
    assert row["pct_arr_reporting_usage"] == approx(1.0)
    assert row["overall_product_score"] == approx(35.85 / 0.45)
    assert row["use_cases_adopted"] == 0
    assert row["adoption_band"] == "0"


# --------------------------------------------------------------------------------------
# S19 - a ping with an unknown (and one with no) subscription
# --------------------------------------------------------------------------------------


def test_s19_pings_without_known_subscription(build: Build) -> None:
    """Two instances whose license does not map to a subscription (no account).

    inst-19-orphan: license_subscription_id 'SUB-DOES-NOT-EXIST' -> 'unknown_subscription_id';
      b 10, 500 builds -> 50 -> CI Green 88 at instance level.
    inst-19-nosub: license_subscription_id null -> 'missing_subscription_id';
      b 10, 5 builds -> 0.5 -> CI Red 25 at instance level.
    Both are listed in dq_pings_without_known_subscription (and only they are), stay in
    the instance marts, are never primary, and reach no account: the June account set
    is exactly the 22 scenario accounts.
    """
    dq = build.query(
        "select ping_id, uuid, reporting_month, license_subscription_id, issue_type "
        "from marts_build.dq_pings_without_known_subscription"
    )
    assert set(dq) == {
        ("p19-orphan", "inst-19-orphan", JUN, "SUB-DOES-NOT-EXIST", "unknown_subscription_id"),
        ("p19-nosub", "inst-19-nosub", JUN, None, "missing_subscription_id"),
    }

    orphan = instance_use_cases(build, "inst-19-orphan")["CI"]
    assert_use_case(orphan, GREEN, "Green")
    assert orphan["is_primary_instance"] is False
    assert orphan["account_id"] is None
    assert_measure(instance_measures(build, "inst-19-orphan"), "ci_builds_per_billable_user", 50.0, GREEN)
    assert_use_case(instance_use_cases(build, "inst-19-nosub")["CI"], RED, "Red")

    june_accounts = {
        account_id
        for (account_id,) in build.query(
            "select account_id from marts_build.fct_account_platform_adoption where reporting_month = ?", [JUN]
        )
    }
    assert june_accounts == JUNE_ACCOUNTS
    assert build.scalar("select count(*) from marts_build.fct_account_use_case_health where account_id is null") == 0


# --------------------------------------------------------------------------------------
# S20 - partial coverage
# --------------------------------------------------------------------------------------


def test_s20_partial_coverage(build: Build) -> None:
    """Two subscriptions; only the one with a Production instance is represented.

    SUB20X (ARR 3000): inst-20-prod Production, b 10: git 5/10 = 0.5 Green, ci 50 Green.
    SUB20Y (ARR 1000): inst-20-np Non-Production only, b 10: git 0 Red, ci 1 Red -> no primary.
    Coverage = 3000 / 4000 = 0.75. Account values from SUB20X only:
      SCM Green, CI Green (with 20Y weighted in, CI = (3000*50 + 1000*1)/4000 = 37.75 Yellow).
    LU 1.0 Green. Overall = (0.30 + 0.15 + 0.15)*88 / 0.60 = 88 -> Green.
    Adopted 'SCM, CI' -> 2, band '2'.
    """
    assert instance_use_cases(build, "inst-20-np")["CI"]["is_primary_instance"] is False
    assert instance_use_cases(build, "inst-20-prod")["CI"]["is_primary_instance"] is True
    row = account(build, "SCN20")
    assert row["pct_arr_reporting_usage"] == approx(0.75)
    assert row["overall_product_score"] == approx(88.0)
    assert row["use_cases_adopted"] == 2
    assert row["adopted_use_cases"] == "SCM, CI"
    assert row["adoption_band"] == "2"


# --------------------------------------------------------------------------------------
# S21-S23 - which billable-user key an instance sends
# --------------------------------------------------------------------------------------


def billable_source(build: Build, uuid: str) -> tuple:
    """The parsed billable users of the instance's June ping and the catalog priority that supplied it."""
    return build.query(
        "select billable_user_count, billable_user_count_path_priority from staging.stg_landing__usage_pings "
        "where uuid = ? and reporting_month = ?",
        [uuid, JUN],
    )[0]


def test_s21_s22_billable_users_from_either_key_score_the_same(build: Build) -> None:
    """Two Premium accounts (ARR 1000 each), one Production instance each, identical payloads
    but for the billable key (SPEC §3: license_billable_users, then active_user_count).

    inst-21-prod sends license_billable_users 40 and active_user_count 46 -> b = 40 (priority 1;
    the larger active count, guests and bots included, is not used).
    inst-22-prod sends no license_billable_users (as older instances) and active_user_count 40
    -> b = 40 (priority 2).
    Both: license 50, git 20, ci_builds 1800, unique_active_users_monthly 36:
      LU 40/50 = 0.8 > 0.75                 -> Green 88
      UE 36/40 = 0.9 >= 0.80                -> Green 88
      git 20/40 = 0.5 > 0.33                -> Green 88  => SCM Green
      ci 1800/40 = 45 > 40                  -> Green 88  => CI Green
      CD, Security: no metrics -> missing.
    Overall = 88 (every present component 88). Adopted 'SCM, CI' -> 2, band '2'.
    """
    assert billable_source(build, "inst-21-prod") == (40, 1)
    assert billable_source(build, "inst-22-prod") == (40, 2)
    for uuid, account_id in (("inst-21-prod", "SCN21"), ("inst-22-prod", "SCN22")):
        measures = instance_measures(build, uuid)
        assert_measure(measures, "license_utilization", 0.8, GREEN)
        assert_measure(measures, "user_engagement", 0.9, GREEN)
        assert_measure(measures, "git_operation_utilization", 0.5, GREEN)
        assert_measure(measures, "ci_builds_per_billable_user", 45.0, GREEN)
        row = account(build, account_id)
        assert row["overall_product_score"] == approx(88.0), account_id
        assert row["adopted_use_cases"] == "SCM, CI", account_id
        assert row["adoption_band"] == "2", account_id


def test_s23_failed_license_billable_users_falls_back_to_active_user_count(build: Build) -> None:
    """As S21, but license_billable_users is -1 (failed to compute) and active_user_count 48:
    the failed value is missing, so b = 48 from active_user_count (priority 2).

      LU 48/50 = 0.96 > 0.75                -> Green 88
      UE 36/48 = 0.75 in [0.50, 0.80)       -> Yellow 63
      git 20/48 = 0.41666 > 0.33            -> Green 88  => SCM Green
      ci 1800/48 = 37.5 in (2, 40]          -> Yellow 63 => CI Yellow
    Overall (weights 0.30 + 0.10 + 0.15 + 0.15 = 0.70):
      (0.30*88 + 0.10*63 + 0.15*88 + 0.15*63) / 0.70 = (26.4 + 6.3 + 13.2 + 9.45) / 0.70
      = 55.35 / 0.70 = 79.0714... -> Green. Adopted 'SCM' -> 1, band '1'.
    In June, billable_user_count took its value from active_user_count (priority 2) on
    exactly three pings: inst-22-prod, inst-23-prod and the copy of the documentation's
    example without license_billable_users; dq_metric_path_usage counts them.
    """
    assert billable_source(build, "inst-23-prod") == (48, 2)
    measures = instance_measures(build, "inst-23-prod")
    assert_measure(measures, "license_utilization", 0.96, GREEN)
    assert_measure(measures, "user_engagement", 0.75, YELLOW)
    assert_measure(measures, "git_operation_utilization", 20 / 48, GREEN)
    assert_measure(measures, "ci_builds_per_billable_user", 37.5, YELLOW)
    row = account(build, "SCN23")
    assert row["overall_product_score"] == approx(55.35 / 0.70)
    assert row["overall_product_color"] == "Green"
    assert row["adopted_use_cases"] == "SCM"
    assert row["adoption_band"] == "1"

    fallback_pings = build.scalar(
        "select pings_supplied from marts_build.dq_metric_path_usage "
        "where reporting_month = ? and metric = 'billable_user_count' and payload_path = 'active_user_count'",
        [JUN],
    )
    fallback_instances = build.query(
        "select uuid from staging.stg_landing__usage_pings "
        "where reporting_month = ? and billable_user_count_path_priority = 2",
        [JUN],
    )
    assert {uuid for (uuid,) in fallback_instances} == {
        "inst-22-prod",
        "inst-23-prod",
        "0000000-0000-0000-0000-000000000001",
    }
    assert fallback_pings == len(fallback_instances) == 3


# --------------------------------------------------------------------------------------
# ARR by adoption band
# --------------------------------------------------------------------------------------


def test_arr_by_adoption_band_june(build: Build) -> None:
    """2025-06 bands, from the scenario bands above (ARR = total over categories):

      '0'       SCN03 4000, SCN05 5000, SCN09 1200, SCN12 3600, SCN15 1000, SCN18 16000,
                SCN24 4000 -> 7 accounts, 34800.00
      '1'       SCN04 5000, SCN06 4000, SCN10 2000, SCN11 2000, SCN14 8000, SCN16 2400,
                SCN17 10000, SCN23 1000 -> 8 accounts, 34400.00
      '2'       SCN20 4000, SCN21 1000, SCN22 1000 -> 3 accounts, 6000.00
      '3+'      SCN01 12000, SCN02 6000 -> 2 accounts, 18000.00
      'No Data' SCN07 3000, SCN08 2500.50, SCN13 1500 -> 3 accounts, 7000.50
    Total 100200.50 over 23 accounts; pct_of_arr = band ARR / 100200.50.
    """
    expected = {
        "0": (7, Decimal("34800.00")),
        "1": (8, Decimal("34400.00")),
        "2": (3, Decimal("6000.00")),
        "3+": (2, Decimal("18000.00")),
        "No Data": (3, Decimal("7000.50")),
    }
    rows = build.query(
        "select adoption_band, account_count, arr, pct_of_arr from marts_build.rpt_arr_by_adoption_band "
        "where reporting_month = ?",
        [JUN],
    )
    assert {band: (count, arr) for band, count, arr, _ in rows} == expected
    for band, _, arr, pct in rows:
        assert pct == approx(float(arr) / 100200.50), band


def test_arr_by_adoption_band_may_and_earlier(build: Build) -> None:
    """May: SCN15 (1000) and SCN24 (4000) in band '0', SCN16 (2400, band '1') -> pct 5000/7400
    and 2400/7400.
    January-April: SCN16 alone, band '1', 2400 -> pct 1.0. Empty bands show 0 accounts, 0 ARR.
    """
    zero = (0, Decimal("0.00"))
    may = {
        band: (count, arr, pct)
        for band, count, arr, pct in build.query(
            "select adoption_band, account_count, arr, pct_of_arr from marts_build.rpt_arr_by_adoption_band "
            "where reporting_month = ?",
            [MAY],
        )
    }
    assert {band: value[:2] for band, value in may.items()} == {
        "0": (2, Decimal("5000.00")),
        "1": (1, Decimal("2400.00")),
        "2": zero,
        "3+": zero,
        "No Data": zero,
    }
    assert may["0"][2] == approx(5000 / 7400)
    assert may["1"][2] == approx(2400 / 7400)
    for month in (JAN, FEB, MAR, APR):
        rows = build.query(
            "select adoption_band, account_count, arr, pct_of_arr from marts_build.rpt_arr_by_adoption_band "
            "where reporting_month = ? and account_count > 0",
            [month],
        )
        assert len(rows) == 1 and rows[0][:3] == ("1", 1, Decimal("2400.00")), month
        assert rows[0][3] == approx(1.0)


def test_arr_by_adoption_band_reconciles_to_arr_monthly_csv(build: Build) -> None:
    """For every month, the band ARR sums to arr_monthly.csv's total for that month (to
    the cent), computed here in Python from the CSV, and pct_of_arr sums to 1."""
    landed: dict[date, Decimal] = defaultdict(Decimal)
    with (LANDING_ZONE / "arr_monthly.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            landed[date.fromisoformat(row["arr_month"])] += Decimal(row["arr"])
    reported = {
        month: (arr, pct)
        for month, arr, pct in build.query(
            "select reporting_month, sum(arr), sum(pct_of_arr) from marts_build.rpt_arr_by_adoption_band group by 1"
        )
    }
    assert set(reported) == set(landed)
    for month, total in landed.items():
        assert reported[month][0] == total, month
        assert reported[month][1] == approx(1.0), month
