"""Hostile landing zones: values real feeds carry that the project's generator never wrote.

Open sets (SPEC §2.2, §7): product tiers, product categories, delivery types and instance
labels live in seeds, matched case-insensitively. A value the seeds do not list is kept,
listed in dq_unrecognized_values and handled by its documented rule; the build never stops
on one, and ARR still reconciles to the cent against the CSV itself.

One build of the scenario landing zone (python_tests/scenarios/landing_zone) with the edits
of HOSTILE_EDITS; each expected outcome below is derived from the scenario docstrings of
test_scenarios.py, which hold the untouched accounts' numbers.
"""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import Build, run_dbt

LANDING_ZONE = Path(__file__).resolve().parent / "scenarios" / "landing_zone"
JUN = date(2025, 6, 1)

# file -> [(line as in the scenario zone, its hostile replacement; None appends the second)]
HOSTILE_EDITS: dict[str, list[tuple[str | None, str]]] = {
    "subscriptions.csv": [
        # Case and blanks: still Ultimate (Security scored).
        (
            "SUB01,SCN01,Ultimate,Self-Managed,2023-01-15,2026-01-14",
            "SUB01,SCN01, ultimate ,Self-Managed,2023-01-15,2026-01-14",
        ),
        # Legacy SaaS names: Silver ranks as Premium, GOLD as Ultimate.
        (
            "SUB02,SCN02,Premium,Self-Managed,2023-01-15,2026-01-14",
            "SUB02,SCN02,Silver,Self-Managed,2023-01-15,2026-01-14",
        ),
        (
            "SUB17U,SCN17,Ultimate,Self-Managed,2023-01-15,2026-01-14",
            "SUB17U,SCN17,GOLD,Self-Managed,2023-01-15,2026-01-14",
        ),
        # A tier and a delivery type no seed lists.
        (
            "SUB21,SCN21,Premium,Self-Managed,2023-01-15,2026-01-14",
            "SUB21,SCN21,Legacy Basic,Dedicated,2023-01-15,2026-01-14",
        ),
    ],
    "arr_monthly.csv": [
        # An add-on line with its own tier name, and a category no seed lists.
        (None, "2025-06-01,SUB01,Add-on,Duo Enterprise,250.00,0"),
        (None, "2025-06-01,SUB02,Professional Services,Premium,100.00,0"),
        # A known category in another case: still Base Products.
        ("2025-06-01,SUB04,Base Products,Premium,5000.00,10", "2025-06-01,SUB04,base products,Premium,5000.00,10"),
    ],
    "instances.csv": [
        # A lowercase label is the known one; an unlisted label counts as unlabeled.
        (
            "inst-01-prod,gitlab.scn01.example,Production,2024-12-01T00:00:00Z",
            "inst-01-prod,gitlab.scn01.example,production,2024-12-01T00:00:00Z",
        ),
        (
            "inst-04-staging,staging.scn04.example,Non-Production,2024-12-01T00:00:00Z",
            "inst-04-staging,staging.scn04.example,Staging,2024-12-01T00:00:00Z",
        ),
    ],
}


def hostile_zone(root: Path) -> Path:
    zone = root / "landing"
    shutil.copytree(LANDING_ZONE, zone)
    for name, edits in HOSTILE_EDITS.items():
        path = zone / name
        lines = path.read_text(encoding="utf-8").splitlines()
        for old, new in edits:
            if old is None:
                lines.append(new)
            else:
                assert old in lines, f"{name} has no line {old!r}: update the test with the scenario zone"
                lines[lines.index(old)] = new
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return zone


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("hostile")
    zone = hostile_zone(root)
    database = root / "hostile.duckdb"
    result = run_dbt(["build", "--exclude-resource-type", "unit_test"], zone, database)
    assert result.ok, result.output[-5000:]
    return Build(zone, database)


def account(build: Build, account_id: str) -> dict:
    rows = build.query(
        "select total_arr, base_products_arr, use_cases_adopted, adoption_band "
        "from marts_build.fct_account_platform_adoption where account_id = ? and reporting_month = ?",
        [account_id, JUN],
    )
    assert len(rows) == 1, rows
    return dict(zip(("total_arr", "base_products_arr", "use_cases_adopted", "adoption_band"), rows[0], strict=True))


def use_case_colors(build: Build, account_id: str) -> dict[str, str | None]:
    return dict(
        build.query(
            "select use_case, use_case_color from marts_build.fct_account_use_case_health "
            "where account_id = ? and reporting_month = ?",
            [account_id, JUN],
        )
    )


def test_unlisted_values_are_listed_with_their_rule(build: Build) -> None:
    """Exactly the values no seed lists, each with its key and rule; case and blanks never count."""
    rows = build.query(
        "select source_file, row_key, column_name, value, rule_applied from marts_build.dq_unrecognized_values"
    )
    found = {(source, key, column, value) for source, key, column, value, _ in rows}
    assert found == {
        ("subscriptions.csv", "subscription_id=SUB21", "product_tier", "Legacy Basic"),
        ("subscriptions.csv", "subscription_id=SUB21", "delivery_type", "Dedicated"),
        (
            "arr_monthly.csv",
            "arr_month=2025-06-01 subscription_id=SUB01 product_category=Add-on product_tier=Duo Enterprise",
            "product_tier",
            "Duo Enterprise",
        ),
        (
            "arr_monthly.csv",
            "arr_month=2025-06-01 subscription_id=SUB02 product_category=Professional Services product_tier=Premium",
            "product_category",
            "Professional Services",
        ),
        ("instances.csv", "uuid=inst-04-staging labeled_at=2024-12-01 00:00:00", "instance_type", "Staging"),
    }
    rules = {(column, rule) for _, _, column, _, rule in rows}
    assert ("product_tier", "kept; entitles no tier-restricted use case (Security is not scored)") in rules


def test_tiers_match_case_insensitively_and_by_rank(build: Build) -> None:
    """' ultimate ' is Ultimate (SCN01 all Green, Security included: band '3+'); Silver ranks as
    Premium (SCN02: Security not applicable, as on Premium); GOLD ranks as Ultimate (SCN17:
    Security scored from SUB17U alone, 63 Yellow); the unlisted 'Legacy Basic' entitles no
    Security (SCN21 was Premium: SCM and CI Green, band '2', unchanged)."""
    assert use_case_colors(build, "SCN01") == {"SCM": "Green", "CI": "Green", "CD": "Green", "Security": "Green"}
    assert use_case_colors(build, "SCN02")["Security"] is None
    assert use_case_colors(build, "SCN17") == {"SCM": None, "CI": "Green", "CD": None, "Security": "Yellow"}
    assert use_case_colors(build, "SCN21") == {"SCM": "Green", "CI": "Green", "CD": None, "Security": None}
    assert account(build, "SCN21")["adoption_band"] == "2"
    has_ultimate = dict(
        build.query(
            "select account_id, has_ultimate_arr from marts_build.fct_account_platform_adoption "
            "where reporting_month = ? and account_id in ('SCN01', 'SCN02', 'SCN17', 'SCN21')",
            [JUN],
        )
    )
    assert has_ultimate == {"SCN01": True, "SCN02": False, "SCN17": True, "SCN21": False}


def test_unlisted_categories_count_in_totals_not_in_weights(build: Build) -> None:
    """SCN01's add-on line (250.00, tier 'Duo Enterprise') and SCN02's 'Professional Services'
    line (100.00) count in total ARR, not in the usage weight; 'base products' is Base Products
    (SCN04: base 5000, CI Green, band '1' as in the scenario)."""
    scn01, scn02, scn04 = (account(build, a) for a in ("SCN01", "SCN02", "SCN04"))
    assert (scn01["total_arr"], scn01["base_products_arr"]) == (Decimal("12250.00"), Decimal("12000.00"))
    assert (scn02["total_arr"], scn02["base_products_arr"]) == (Decimal("6100.00"), Decimal("6000.00"))
    assert (scn04["total_arr"], scn04["base_products_arr"], scn04["adoption_band"]) == (
        Decimal("5000.00"),
        Decimal("5000.00"),
        "1",
    )
    assert scn01["adoption_band"] == "3+"


def test_instance_labels_match_case_insensitively(build: Build) -> None:
    """'production' is Production (inst-01-prod stays primary); the unlisted 'Staging' counts as
    unlabeled (Unknown), and the Production instance beside it stays primary (SCN04)."""
    types = dict(
        build.query(
            "select uuid, any_value(instance_type) from marts_build.fct_instance_use_case_health "
            "where reporting_month = ? and uuid in ('inst-01-prod', 'inst-04-staging', 'inst-04-prod') group by uuid",
            [JUN],
        )
    )
    assert types == {"inst-01-prod": "Production", "inst-04-staging": "Unknown", "inst-04-prod": "Production"}
    primary = dict(
        build.query(
            "select uuid, bool_or(is_primary_instance) from marts_build.fct_instance_use_case_health "
            "where reporting_month = ? and uuid in ('inst-01-prod', 'inst-04-staging', 'inst-04-prod') group by uuid",
            [JUN],
        )
    )
    assert primary == {"inst-01-prod": True, "inst-04-staging": False, "inst-04-prod": True}


def test_arr_by_band_reconciles_to_the_csv_itself(build: Build) -> None:
    """Every month's band ARR equals the sum of arr_monthly.csv's own lines, to the cent."""
    landed: dict[date, Decimal] = defaultdict(Decimal)
    with (build.raw_path / "arr_monthly.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            landed[date.fromisoformat(row["arr_month"])] += Decimal(row["arr"])
    reported = dict(
        build.query("select reporting_month, sum(arr) from marts_build.rpt_arr_by_adoption_band group by 1")
    )
    assert reported == dict(landed)


def test_raw_path_is_a_string_literal_never_sql(tmp_path: Path) -> None:
    """SPEC §2's raw_path reaches SQL as a quoted literal. The landing zone sits in a directory
    whose name has spaces and quotes shaped like an injection: pasted into SQL unescaped,
    `<dir>/zone ' || lower('LZ') || '` would read `<dir>/zone lz` instead, a decoy zone with one
    more account. The build reads the named directory, and only it, and publishes."""
    zone = tmp_path / "zone ' || lower('LZ') || '"
    shutil.copytree(LANDING_ZONE, zone)
    decoy = tmp_path / "zone lz"
    shutil.copytree(LANDING_ZONE, decoy)
    with (decoy / "accounts.csv").open("a", encoding="utf-8") as handle:
        handle.write("INJECTED,Read through an injected path,2023-01-15,Nobody,SMB\n")
    database = tmp_path / "quoted.duckdb"

    result = run_dbt(["build", "--exclude-resource-type", "unit_test"], zone, database)

    assert result.ok, result.output[-5000:]
    build = Build(zone, database)
    assert build.scalar("select count(*) from staging.stg_landing__accounts where account_id = 'INJECTED'") == 0
    with (LANDING_ZONE / "accounts.csv").open(newline="", encoding="utf-8") as handle:
        assert build.scalar("select count(*) from staging.stg_landing__accounts") == len(list(csv.DictReader(handle)))
    assert build.scalar("select count(*) from staging.stg_landing__usage_pings") > 0
    assert "Published" in result.output
