"""Hostile landing zones: what real feeds carry that the project's generator never wrote.

Every bad input has one defined outcome (SPEC §7, README "Bad input"):

* kept and flagged: values of open sets no seed lists (product tiers, categories, delivery
  types, instance labels, matched case-insensitively), negative ARR, optional timestamps
  that do not parse, implausible values (negative seats, control characters in CSV cells,
  months before an account's customer_since_date, more billable than active users);
  listed in dq_unrecognized_values, handled by a documented rule;
* rejected with a reason: a ping line that is not UTF-8 (the other lines are scored), a
  ping stamped before the earliest_ping_date var; a metric that is a JSON string is missing;
  ignored and listed: files in usage_pings/ other than *.ndjson and *.ndjson.gz;
* an error naming the file, the line and the value: keys twice, unknown parents, dates and
  numbers that do not parse, an arr_month that is not a first of month, ARR beyond the
  published type; or naming the file
  (and column): a required file missing or empty, a declared column missing.

And nothing is lost: raw lines = accepted + rejected, ARR by band = the CSV's own sum to
the cent, every CSM reason accounted for.

The kept-and-flagged cases are one build of the scenario landing zone
(python_tests/scenarios/landing_zone) with the edits of HOSTILE_EDITS and HOSTILE_BYTES;
expected outcomes are derived from the scenario docstrings of test_scenarios.py, which hold
the untouched accounts' numbers. The errors are one more build of a zone with every data
error at once (each check reports its own), and one run per file-level error.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT_ROOT, Build, Workplace, copy_database, copy_project, run_dbt, serving_path

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
        # Negative seats: kept (no rule reads seats), listed.
        ("2025-06-01,SUB13,Base Products,Premium,1500.00,50", "2025-06-01,SUB13,Base Products,Premium,1500.00,-50"),
        # An add-on line with its own tier name (an add-on of product_tiers: not flagged), one
        # with a tier no seed lists (flagged; 0.00, so no total moves), and a category no seed lists.
        (None, "2025-06-01,SUB01,Add-on,Duo Enterprise,250.00,0"),
        (None, "2025-06-01,SUB01,Add-on,Duo Ultra,0.00,0"),
        (None, "2025-06-01,SUB02,Professional Services,Premium,100.00,0"),
        # A known category in another case: still Base Products.
        ("2025-06-01,SUB04,Base Products,Premium,5000.00,10", "2025-06-01,SUB04,base products,Premium,5000.00,10"),
        # Sub-cent ARR (a currency conversion) in two bands: SCN05 and SCN09 are band 0,
        # SCN06 band 1. Rounded per line or per band, the month would be a cent off.
        (None, "2025-06-01,SUB05,Add-on,Premium,0.005,0"),
        (None, "2025-06-01,SUB06,Add-on,Premium,0.005,0"),
        (None, "2025-06-01,SUB09,Add-on,Premium,0.333,0"),
        # A credit: kept, flagged, and SCN10 keeps its band ('1').
        (None, "2025-06-01,SUB10,Add-on,Premium,-500.00,0"),
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
        # A relabel whose date is not a date: kept, ranks below the dated Production label.
        (None, "inst-01-prod,gitlab.scn01.example,Non-Production,n/a"),
    ],
    "adoption_reasons.csv": [
        # Undated reasons count in no month but are never lost: the hygiene report lists them.
        (None, "SCN04,CI,Migrating to GitLab,n/a"),
        (None, "SCN04,CI,Migrating to GitLab,"),
        (None, "SCN03,CI,Other,"),
        # A use case no reason code is for: not accepted, never an error.
        (None, " SCN01 , SCM ,We only use CI,2025-06-01T00:00:00Z"),
    ],
}

# Control characters in CSV cells (a NUL, a C0 control, DEL): kept as written, each cell
# listed, whatever the column. (file, scenario line, its hostile replacement, column)
CONTROL_CHARACTER_EDITS = [
    (
        "accounts.csv",
        "SCN07,S07 Only Non-Production instances,2023-01-15,Cy,SMB",
        "SCN07,S07 Only\x00Non-Production instances,2023-01-15,Cy,SMB",
        "account_name",
    ),
    (
        "accounts.csv",
        "SCN08,S08 ARR but no pings,2023-01-15,Cy,SMB",
        "SCN08,S08 ARR but no pings,2023-01-15,Cy\x01,SMB",
        "csm_name",
    ),
    (
        "instances.csv",
        "inst-04-prod,gitlab.scn04.example,Production,2024-12-01T00:00:00Z",
        "inst-04-prod,gitlab.scn04\x7f.example,Production,2024-12-01T00:00:00Z",
        "hostname",
    ),
]
# customer_since_date after the account's only ARR month (June: age -1, kept, listed, its
# age empty) and in that month's last day (age 0: plausible, not listed).
CUSTOMER_SINCE_EDITS = {
    "SCN11": (
        "SCN11,S11 License utilization 0.6 at 12 months,2024-06-30,Di,SMB",
        "SCN11,S11 License utilization 0.6 at 12 months,2025-07-01,Di,SMB",
    ),
    "SCN13": ("SCN13,S13 Zero billable users,2023-01-15,Ed,SMB", "SCN13,S13 Zero billable users,2025-06-30,Ed,SMB"),
}
for _name, _old, _new, _column in CONTROL_CHARACTER_EDITS:
    HOSTILE_EDITS.setdefault(_name, []).append((_old, _new))
HOSTILE_EDITS["accounts.csv"].extend(CUSTOMER_SINCE_EDITS.values())

# Implausible pings, in a ping file of their own: a reset clock (1970), more billable than
# active users (and one with as many: plausible, though both exceed the 100 licensed seats,
# an overage), and metric values sent as JSON strings.
PLAUSIBILITY_PINGS_FILE = "usage_pings/2025-06-plausibility.ndjson"
PLAUSIBILITY_PINGS = [
    {"id": "p-epoch", "uuid": "inst-clock-reset", "recorded_at": "1970-01-01T00:00:00Z", "license_user_count": 10},
    {
        "id": "p-billable-above-active",
        "uuid": "inst-implausible",
        "recorded_at": "2025-06-21T10:00:00Z",
        "license_user_count": 100,
        "license_billable_users": 120,
        "active_user_count": 110,
    },
    {
        "id": "p-billable-equals-active",
        "uuid": "inst-plausible",
        "recorded_at": "2025-06-21T10:00:00Z",
        "license_user_count": 100,
        "license_billable_users": 110,
        "active_user_count": 110,
    },
    {
        "id": "p-string-metrics",
        "uuid": "inst-string-metrics",
        "recorded_at": "2025-06-21T10:00:00Z",
        "license_user_count": 100,
        "license_billable_users": "40",
        "active_user_count": 55,
        "counts_monthly": {"ci_builds": "12", "deployments": 3},
    },
]

# The CSMs' seeds as a data engineer fills them (they ship empty): an override of two months
# in the middle of SCN16's six (CI computed Green Jan-May), an exclusion of SCN15's only
# instance in June alone (its last month), and one row of each that names nothing that
# exists: kept, listed in dq_unrecognized_values, no effect.
CSM_SEED_ROWS = {
    "score_overrides": [
        "SCN16,CI,2025-02-01,2025-03-01,Yellow,CI paused during a migration",
        "SCN99,CI,2025-06-01,,Green,an account id with a typo",
    ],
    "instance_exclusions": [
        "inst-15-prod,load-test instance,2025-06-01,2025-06-01",
        "inst-does-not-exist,never reported,2025-01-01,",
    ],
}

# Ping lines appended as bytes, and stray files beside the ping files.
NOT_UTF8_LINE = b'{"id":"p-latin1","uuid":"inst-01-prod","recorded_at":"2025-06-21T10:00:00Z","hostname":"caf\xe9"}'
UTF8_LINE = '{"id":"p-utf8","uuid":"inst-utf8","recorded_at":"2025-06-21T10:00:00Z","hostname":"café.example"}'
HOSTILE_BYTES = {"usage_pings/2025-06.ndjson": NOT_UTF8_LINE + b"\n" + UTF8_LINE.encode("utf-8") + b"\n"}
STRAY_FILES = ("2025-06.ndjson.bak", "pings.zip")


def edited_zone(zone: Path, edits_by_file: dict[str, list[tuple[str | None, str]]]) -> Path:
    """A copy of the scenario zone at `zone`, each (old, new) line edit applied."""
    shutil.copytree(LANDING_ZONE, zone)
    for name, edits in edits_by_file.items():
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


# The hostile zone sits in a directory named like an injection: pasted into SQL unescaped,
# `<dir>/zone ' || lower('LZ') || '` would read `<dir>/zone lz`, a decoy beside it.
INJECTION_SHAPED_DIR = "zone ' || lower('LZ') || '"
DECOY_DIR = "zone lz"


def hostile_zone(root: Path) -> Path:
    decoy = edited_zone(root / DECOY_DIR, {})
    with (decoy / "accounts.csv").open("a", encoding="utf-8") as handle:
        handle.write("INJECTED,Read through an injected path,2023-01-15,Nobody,SMB\n")
    zone = edited_zone(root / INJECTION_SHAPED_DIR, HOSTILE_EDITS)
    for name, data in HOSTILE_BYTES.items():
        with (zone / name).open("ab") as handle:
            handle.write(data)
    (zone / PLAUSIBILITY_PINGS_FILE).write_text(
        "".join(json.dumps(ping) + "\n" for ping in PLAUSIBILITY_PINGS), encoding="utf-8"
    )
    pings = zone / "usage_pings"
    # A backup copy (read, every line would be a duplicate_id) and an archive.
    shutil.copy(pings / "2025-06.ndjson", pings / STRAY_FILES[0])
    (pings / STRAY_FILES[1]).write_bytes(b"PK\x03\x04" + bytes(range(256)))
    return zone


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("hostile")
    zone = hostile_zone(root)
    project = copy_project(root / "project")
    for seed, rows in CSM_SEED_ROWS.items():
        with (project / "seeds" / f"{seed}.csv").open("a", encoding="utf-8") as handle:
            handle.writelines(f"{row}\n" for row in rows)
    database = root / "hostile.duckdb"
    result = run_dbt(["build", "--exclude-resource-type", "unit_test"], zone, database, project_dir=project)
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
    """Exactly the values no seed lists, each with its key and rule (case and blanks never
    count; an add-on tier such as Duo Enterprise is listed), and the other kept-and-flagged
    values: a credit, undated labels and reasons."""
    rows = build.query(
        "select source_file, row_key, column_name, value, rule_applied from marts_build.dq_unrecognized_values"
    )
    found = {(source, key, column, value) for source, key, column, value, _ in rows}
    assert found == {
        ("subscriptions.csv", "subscription_id=SUB21", "product_tier", "Legacy Basic"),
        ("subscriptions.csv", "subscription_id=SUB21", "delivery_type", "Dedicated"),
        (
            "arr_monthly.csv",
            "arr_month=2025-06-01 subscription_id=SUB01 product_category=Add-on product_tier=Duo Ultra",
            "product_tier",
            "Duo Ultra",
        ),
        (
            "arr_monthly.csv",
            "arr_month=2025-06-01 subscription_id=SUB02 product_category=Professional Services product_tier=Premium",
            "product_category",
            "Professional Services",
        ),
        ("instances.csv", "uuid=inst-04-staging labeled_at=2024-12-01 00:00:00", "instance_type", "Staging"),
        ("instances.csv", "uuid=inst-01-prod labeled_at=n/a", "labeled_at", "n/a"),
        (
            "arr_monthly.csv",
            "arr_month=2025-06-01 subscription_id=SUB10 product_category=Add-on product_tier=Premium",
            "arr",
            "-500.000000000",
        ),
        (
            "adoption_reasons.csv",
            "account_id=SCN04 use_case=CI reason=Migrating to GitLab updated_at=n/a",
            "updated_at",
            "n/a",
        ),
        ("adoption_reasons.csv", "account_id=SCN03 use_case=CI reason=Other updated_at=", "updated_at", ""),
        (
            "adoption_reasons.csv",
            "account_id=SCN04 use_case=CI reason=Migrating to GitLab updated_at=",
            "updated_at",
            "",
        ),
        ("score_overrides.csv", "account_id=SCN99 use_case=CI from_month=2025-06-01", "account_id", "SCN99"),
        ("instance_exclusions.csv", "uuid=inst-does-not-exist from_month=2025-01-01", "uuid", "inst-does-not-exist"),
        *implausible_values(),
    }
    rules = {(column, rule) for _, _, column, _, rule in rows}
    assert ("product_tier", "kept; entitles no tier-restricted use case (Security is not scored)") in rules


def csv_cell(line: str, column: str, file_name: str) -> str:
    """The value of `column` in a CSV `line` of landing file `file_name` (its header read from the scenario zone)."""
    header = (LANDING_ZONE / file_name).read_text(encoding="utf-8").splitlines()[0].split(",")
    return dict(zip(header, next(csv.reader([line])), strict=True))[column]


def months_before(month: date, since: date) -> int:
    """SPEC 4.2's account age in months of `month` for a customer since `since` (negative before it)."""
    return (month.year - since.year) * 12 + month.month - since.month


def implausible_values() -> set[tuple[str, str, str, str]]:
    """The (file, row key, column, value) rows the implausible hostile inputs must list, from the inputs."""
    rows = {
        (
            "arr_monthly.csv",
            "arr_month=2025-06-01 subscription_id=SUB13 product_category=Base Products product_tier=Premium",
            "seats",
            "-50",
        ),
    }
    for name, old, new, column in CONTROL_CHARACTER_EDITS:
        rows.add((name, f"line={line_of(name, old)}", column, csv_cell(new, column, name)))
    for account_id, (_, new) in CUSTOMER_SINCE_EDITS.items():
        since = date.fromisoformat(csv_cell(new, "customer_since_date", "accounts.csv"))
        if months_before(JUN, since) < 0:  # June is the only ARR month of both accounts
            rows.add(("accounts.csv", f"account_id={account_id}", "customer_since_date", since.isoformat()))
    for line, ping in enumerate(PLAUSIBILITY_PINGS, start=1):
        billable, active = ping.get("license_billable_users"), ping.get("active_user_count")
        if isinstance(billable, int) and isinstance(active, int) and active >= 0 and billable > active:
            rows.add((PLAUSIBILITY_PINGS_FILE, f"line={line} id={ping['id']}", "license_billable_users", str(billable)))
    return rows


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


CENT = Decimal("0.01")


def landed_arr(raw_path: Path) -> dict[date, Decimal]:
    """Each month's exact ARR, summed from arr_monthly.csv's own lines."""
    landed: dict[date, Decimal] = defaultdict(Decimal)
    with (raw_path / "arr_monthly.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            landed[date.fromisoformat(row["arr_month"])] += Decimal(row["arr"])
    return dict(landed)


def test_arr_by_band_reconciles_to_the_csv_itself(build: Build) -> None:
    """Every month's band ARR equals the exact sum of arr_monthly.csv's own lines rounded once
    to the cent, though June has sub-cent lines in two bands and a credit; each band is within
    a cent of its exact sum. The published set says the same."""
    landed = landed_arr(build.raw_path)
    assert landed[JUN] % CENT != 0, "the zone must carry sub-cent ARR for this test to mean anything"
    sql = "select reporting_month, sum(arr) from {schema}.rpt_arr_by_adoption_band group by 1"
    reported = dict(build.query(sql.format(schema="marts_build")))
    assert reported == {month: arr.quantize(CENT, ROUND_HALF_UP) for month, arr in landed.items()}
    exact = dict(
        build.query(
            "select adoption_band, sum(total_arr) from intermediate.int_account_platform_adoption "
            "where reporting_month = ? group by 1",
            [JUN],
        )
    )
    bands = dict(
        build.query(
            "select adoption_band, arr from marts_build.rpt_arr_by_adoption_band where reporting_month = ?", [JUN]
        )
    )
    assert all(abs(bands[band] - exact.get(band, 0)) < CENT for band in bands), (bands, exact)
    assert build.published(sql.format(schema="marts")) == sorted(reported.items())


def test_sub_cent_arr_is_kept_exact_until_an_account_total(build: Build) -> None:
    """5000.00 + 0.005 is 5000.01 for SCN05 (half away from zero), 1200.00 + 0.333 is 1200.33 for
    SCN09: each account's ARR is rounded once, from the exact lines."""
    assert account(build, "SCN05")["total_arr"] == Decimal("5000.01")
    assert account(build, "SCN09")["total_arr"] == Decimal("1200.33")
    assert build.scalar(
        "select sum(arr) from staging.stg_landing__arr_monthly where subscription_id in ('SUB05', 'SUB06', 'SUB09') "
        "and arr_month = ?",
        [JUN],
    ) == Decimal("10200.343")


def test_a_credit_is_kept_flagged_and_the_band_follows_the_score(build: Build) -> None:
    """SCN10's -500.00 add-on credit lowers its ARR to 1500.00; its Base Products ARR (2000.00)
    still weights usage, so it keeps band '1'; the band's ARR carries the credit; the line is
    listed with its rule."""
    scn10 = account(build, "SCN10")
    assert (scn10["total_arr"], scn10["base_products_arr"], scn10["adoption_band"]) == (
        Decimal("1500.00"),
        Decimal("2000.00"),
        "1",
    )
    flagged = build.query(
        "select value, rule_applied from marts_build.dq_unrecognized_values "
        "where source_file = 'arr_monthly.csv' and column_name = 'arr'"
    )
    assert [(Decimal(value), rule.split(";")[0]) for value, rule in flagged] == [(Decimal("-500"), "kept")]


def test_a_line_that_is_not_utf8_is_rejected_alone(build: Build) -> None:
    """The Latin-1 line of 2025-06.ndjson (appended after the scenario's lines) is rejected as
    invalid_utf8 with its text kept; the UTF-8 line after it is accepted with its 'é'; every
    other line is scored (SCN01 stays all Green, untouched by its instance's rejected ping)."""
    rejected = build.query(
        "select line_number, rejection_reason, payload from marts_build.dq_rejected_pings "
        "where source_file = '2025-06.ndjson'"
    )
    scenario_lines = len((LANDING_ZONE / "usage_pings" / "2025-06.ndjson").read_bytes().splitlines())
    assert rejected == [(scenario_lines + 1, "invalid_utf8", NOT_UTF8_LINE.decode("latin-1"))]
    hostname = build.query("select hostname from staging.stg_landing__usage_pings where ping_id = 'p-utf8'")
    assert hostname == [("café.example",)]
    assert use_case_colors(build, "SCN01") == {"SCM": "Green", "CI": "Green", "CD": "Green", "Security": "Green"}


def test_only_ndjson_files_are_read_and_the_others_are_listed(build: Build) -> None:
    """The .bak copy of 2025-06.ndjson and the .zip are listed, not read: had the copy been
    read, each of its lines would be a duplicate_id reject. Raw lines of the *.ndjson files =
    accepted + rejected."""
    ignored = build.query("select source_file, reason from marts_build.dq_ignored_landing_files order by 1")
    assert [name for name, _ in ignored] == sorted(STRAY_FILES)
    assert all(reason.startswith("ignored") for _, reason in ignored)
    raw_lines = sum(len(path.read_bytes().splitlines()) for path in (build.raw_path / "usage_pings").glob("*.ndjson"))
    accepted = build.scalar("select count(*) from staging.stg_landing__usage_pings")
    rejected = build.scalar("select count(*) from marts_build.dq_rejected_pings")
    assert accepted + rejected == raw_lines
    assert (
        build.scalar("select count(*) from marts_build.dq_rejected_pings where rejection_reason = 'duplicate_id'") == 0
    )


def test_a_label_with_an_unusable_date_is_kept_below_dated_ones(build: Build) -> None:
    """inst-01-prod's 'Non-Production' relabel dated 'n/a' ranks below its dated Production
    label: the instance stays Production and primary (SCN01 all Green); the row is listed."""
    flagged = build.query(
        "select row_key, value from marts_build.dq_unrecognized_values where column_name = 'labeled_at'"
    )
    assert flagged == [("uuid=inst-01-prod labeled_at=n/a", "n/a")]
    assert build.scalar(
        "select bool_and(is_primary_instance and instance_type = 'Production') from "
        "marts_build.fct_instance_use_case_health where uuid = 'inst-01-prod' and reporting_month = ?",
        [JUN],
    )


def test_every_reason_is_accounted_for(build: Build) -> None:
    """Every line of adoption_reasons.csv is in the marts: each undated one (SCN04's 'n/a' and
    blank entries of one reason, SCN03's blank) in dq_unrecognized_values, and each undated
    reason once in the hygiene report as reason_without_timestamp; SCN03's dated reason still
    counts (CI reason 'Migrating to GitLab'); a reason for SCM, a use case no reason code is
    for, is listed as not accepted."""
    with (build.raw_path / "adoption_reasons.csv").open(newline="", encoding="utf-8") as handle:
        landed = [row for row in csv.DictReader(handle)]
    undated_lines = [row for row in landed if row["updated_at"] in ("", "n/a")]
    undated = {(row["account_id"], row["use_case"], row["reason"]) for row in undated_lines}
    assert undated == {("SCN04", "CI", "Migrating to GitLab"), ("SCN03", "CI", "Other")}
    hygiene = set(
        build.query(
            "select account_id, use_case, lack_of_adoption_reason from marts_build.rpt_adoption_reason_hygiene "
            "where issue_type = 'reason_without_timestamp'"
        )
    )
    assert hygiene == undated
    flagged = build.scalar(
        "select count(*) from marts_build.dq_unrecognized_values "
        "where source_file = 'adoption_reasons.csv' and column_name = 'updated_at'"
    )
    assert flagged == len(undated_lines) == 3
    assert build.scalar("select count(*) from staging.stg_landing__adoption_reasons") == len(landed)
    not_accepted = build.query(
        "select lack_of_adoption_reason, use_case_color from marts_build.rpt_adoption_reason_hygiene "
        "where account_id = 'SCN01' and use_case = 'SCM' and issue_type = 'reason_not_accepted'"
    )
    assert not_accepted == [("We only use CI", "Green")]
    dated = build.query(
        "select lack_of_adoption_reason from marts_build.fct_account_use_case_health "
        "where account_id = 'SCN03' and use_case = 'CI' and reporting_month = ?",
        [JUN],
    )
    assert dated == [("Migrating to GitLab",)]


def test_raw_path_is_a_string_literal_never_sql(build: Build) -> None:
    """SPEC §2's raw_path reaches SQL as a quoted literal: the hostile zone's directory name has
    spaces and quotes shaped like an injection (INJECTION_SHAPED_DIR). The build read the named
    directory, and only it (not the decoy with one more account), and published."""
    assert build.raw_path.name == INJECTION_SHAPED_DIR
    assert build.scalar("select count(*) from staging.stg_landing__accounts where account_id = 'INJECTED'") == 0
    with (build.raw_path / "accounts.csv").open(newline="", encoding="utf-8") as handle:
        assert build.scalar("select count(*) from staging.stg_landing__accounts") == len(list(csv.DictReader(handle)))
    assert build.scalar("select count(*) from staging.stg_landing__usage_pings") > 0
    assert serving_path(build.database).exists()


def test_implausible_values_are_kept_and_listed(build: Build) -> None:
    """Each implausible value is listed once with its rule (the exact set is checked in
    test_unlisted_values_are_listed_with_their_rule) and kept as landed: the NUL, the C0
    control and DEL stay in their cells, the negative seats in staging."""
    expected = implausible_values()
    assert len(expected) == 6, "every kind of implausible input must be in the zone for this test to mean anything"
    listed = build.query(
        "select source_file, row_key, column_name, value, rule_applied from marts_build.dq_unrecognized_values"
    )
    rules = {(source, key, column, value): rule for source, key, column, value, rule in listed}
    assert expected <= rules.keys()
    assert all(rules[row].startswith("kept") for row in expected)
    names = dict(build.query("select account_id, account_name from staging.stg_landing__accounts"))
    assert names["SCN07"] == csv_cell(CONTROL_CHARACTER_EDITS[0][2], "account_name", "accounts.csv")
    assert build.scalar("select seats from staging.stg_landing__arr_monthly where subscription_id = 'SUB13'") == -50


def test_a_month_before_customer_since_has_no_age(build: Build) -> None:
    """SCN11 became a customer the month after its only ARR month: its age there would be
    negative, so it is empty (never -1) and license utilization is not scored; SCN13, a
    customer since June's last day, is 0 months old in June (not listed). The published set
    says the same."""
    sql = (
        "select account_id, account_age_months, license_utilization_color from {schema}.fct_account_platform_adoption "
        "where reporting_month = ? and account_id in ('SCN11', 'SCN13') order by 1"
    )
    expected = []
    for account_id, (_, new) in sorted(CUSTOMER_SINCE_EDITS.items()):
        age = months_before(JUN, date.fromisoformat(csv_cell(new, "customer_since_date", "accounts.csv")))
        expected.append((account_id, age if age >= 0 else None, None))  # < 3 months: not scored
    assert [expected[0][1], expected[1][1]] == [None, 0], "the edits must give an age of -1 and 0"
    assert build.query(sql.format(schema="marts_build"), [JUN]) == expected
    assert build.published(sql.format(schema="marts"), [JUN]) == expected
    assert (
        build.scalar("select count(*) from marts_build.fct_account_measures where account_age_months < 0")
        == build.scalar("select count(*) from marts_build.fct_account_platform_adoption where account_age_months < 0")
        == 0
    )


def earliest_ping_date() -> date:
    document = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text(encoding="utf-8"))
    return date.fromisoformat(str(document["vars"]["earliest_ping_date"]))


def test_a_ping_before_the_earliest_ping_date_is_rejected(build: Build) -> None:
    """The 1970-01-01 ping (a reset clock) is rejected as early_recorded_at with its line
    kept; no instance month before the earliest_ping_date var exists anywhere."""
    (epoch,) = [ping for ping in PLAUSIBILITY_PINGS if ping["id"] == "p-epoch"]
    assert date.fromisoformat(epoch["recorded_at"][:10]) < earliest_ping_date()
    rejected = build.query(
        "select line_number, rejection_reason, payload from marts_build.dq_rejected_pings where source_file = ?",
        [PLAUSIBILITY_PINGS_FILE.split("/")[1]],
    )
    assert rejected == [(1, "early_recorded_at", json.dumps(epoch))]
    for relation in ("intermediate.int_instance_monthly_pings", "marts_build.fct_instance_measures"):
        assert build.scalar(f"select min(reporting_month) from {relation}") >= earliest_ping_date()
    assert build.scalar("select count(*) from marts_build.fct_instance_measures where uuid = ?", [epoch["uuid"]]) == 0


def test_metric_values_sent_as_strings_are_missing(build: Build) -> None:
    """ "40" and "12" are JSON strings, not integers: license_billable_users gives way to
    active_user_count, ci_builds is missing (its measure too), and the integer beside them
    (deployments) is read. More billable users than active users are scored as sent."""
    (strings,) = [ping for ping in PLAUSIBILITY_PINGS if ping["id"] == "p-string-metrics"]
    assert isinstance(strings["license_billable_users"], str)
    assert isinstance(strings["counts_monthly"]["ci_builds"], str)
    parsed = build.query(
        "select billable_user_count, billable_user_count_path_priority, ci_builds_28_days_event, "
        "deployments_28_days_event from staging.stg_landing__usage_pings where ping_id = ?",
        [strings["id"]],
    )
    assert parsed == [(strings["active_user_count"], 2, None, strings["counts_monthly"]["deployments"])]
    measure = build.query(
        "select measure_value from marts_build.fct_instance_measures "
        "where uuid = ? and measure = 'ci_builds_per_billable_user'",
        [strings["uuid"]],
    )
    assert measure in ([], [(None,)])
    (above,) = [ping for ping in PLAUSIBILITY_PINGS if ping["id"] == "p-billable-above-active"]
    assert (
        build.scalar(
            "select billable_user_count from staging.stg_landing__usage_pings where ping_id = ?", [above["id"]]
        )
        == above["license_billable_users"]
    )


# --- Errors: the build stops, naming the file, the line and the value ---------------------

# Every data error at once: each landing check reports its own rows.
DATA_ERRORS: dict[str, list[tuple[str | None, str]]] = {
    "accounts.csv": [
        (
            "SCN02,S02 Premium heavy scanner use,2023-01-15,Ada,Enterprise",
            "SCN02,S02 Premium heavy scanner use,N/A,Ada,Enterprise",
        ),
        (None, "SCN01,A second SCN01,2023-01-15,Ada,Enterprise"),
    ],
    "subscriptions.csv": [
        (
            "SUB03A,SCN03,Premium,Self-Managed,2023-01-15,2026-01-14",
            "SUB03A,SCN03,Premium,Self-Managed,2025-02-30,2026-01-14",
        ),
        (None, "SUB99,NOSUCH,Premium,Self-Managed,2023-01-15,2026-01-14"),
    ],
    "arr_monthly.csv": [
        (None, "2025-06-15,SUB01,Add-on,Ultimate,1.00,0"),
        (None, "2025-06-01,SUB02,Add-on,Premium,abc,0"),
        (None, "2025-06-01,SUB04,Add-on,Premium,1.00,1.5"),
        (None, "2025-06-01,SUB07,Base Products,Premium,3000.00,10"),
        # ARR beyond the published type, decimal(18, 2): 10^16, and a value that rounds to it;
        # the largest that fits, negative, passes.
        (None, "2025-06-01,SUB05,Add-on,Ultimate,10000000000000000.00,0"),
        (None, "2025-06-01,SUB06,Add-on,Ultimate,9999999999999999.995,0"),
        (None, "2025-06-01,SUB09,Add-on,Ultimate,-9999999999999999.99,0"),
    ],
    "instances.csv": [(None, ",gitlab.nobody.example,Production,2024-12-01T00:00:00Z")],
}


def test_an_override_changes_the_effective_color_only_in_its_months(build: Build) -> None:
    """SCN16's CI is computed Green Jan-May and Yellow in June (test_scenarios S16); the
    override makes it Yellow in February and March, both bounds included. The computed color
    stays; the platform score, the band and the alerts follow the effective color:
      effective CI  G Y Y G G Y, SCM (not overridden) R R Y R R G
      adopted       1 0 0 1 1 1  -> bands 1, 0, 0, 1, 1, 1
    Alerts: Feb CI degraded, Apr CI newly_adopted; the band falls in Feb and rises in Apr;
    SCM's own (Apr degraded, Jun newly_adopted) and June's CI Green -> Yellow stay."""
    rows = build.query(
        "select reporting_month, use_case_color, effective_color, is_overridden, override_reason, is_adopted "
        "from marts_build.fct_account_use_case_health where account_id = 'SCN16' and use_case = 'CI' order by 1"
    )
    reason = "CI paused during a migration"
    assert [row[1:] for row in rows] == [
        ("Green", "Green", False, None, True),
        ("Green", "Yellow", True, reason, False),
        ("Green", "Yellow", True, reason, False),
        ("Green", "Green", False, None, True),
        ("Green", "Green", False, None, True),
        ("Yellow", "Yellow", False, None, False),
    ]
    bands = build.query(
        "select adoption_band from marts_build.fct_account_platform_adoption where account_id = 'SCN16' order by "
        "reporting_month"
    )
    assert [band for (band,) in bands] == ["1", "0", "0", "1", "1", "1"]
    alerts = build.query(
        "select month(reporting_month), alert_subject, coalesce(previous_color, previous_adoption_band), "
        "coalesce(current_color, current_adoption_band), alert_type from marts_build.fct_adoption_alerts "
        "where account_id = 'SCN16' and alert_subject <> 'overall'"
    )
    assert set(alerts) == {
        (2, "CI", "Green", "Yellow", "degraded"),
        (4, "CI", "Yellow", "Green", "newly_adopted"),
        (6, "CI", "Green", "Yellow", "degraded"),
        (4, "SCM", "Yellow", "Red", "degraded"),
        (6, "SCM", "Red", "Green", "newly_adopted"),
        (2, "adoption_band", "1", "0", "degraded"),
        (4, "adoption_band", "0", "1", "improved"),
    }


def test_an_excluded_instance_counts_in_no_account_value(build: Build) -> None:
    """inst-15-prod is SCN15's only instance and is excluded in June alone: in June it is
    flagged in the instance marts and listed with its reason, never primary, so SCN15 has no
    score that month (No Data, no CI alert); May is untouched (CI 10 builds per user, Yellow)."""
    flags = build.query(
        "select month(reporting_month), bool_or(is_excluded), max(exclusion_reason), bool_or(is_primary_instance) "
        "from marts_build.fct_instance_use_case_health where uuid = 'inst-15-prod' group by 1 order by 1"
    )
    assert flags == [(5, False, None, True), (6, True, "load-test instance", False)]
    assert (
        build.scalar(
            "select count(*) from marts_build.fct_instance_measures where uuid = 'inst-15-prod' and is_excluded"
        )
        == 11
    )
    assert build.query(
        "select uuid, reporting_month, exclusion_reason, exclusion_from_month, exclusion_to_month, would_be_candidate "
        "from marts_build.dq_excluded_instances"
    ) == [("inst-15-prod", JUN, "load-test instance", JUN, JUN, True)]
    june, may = (
        build.query(
            "select adoption_band, subscriptions_reporting_usage from marts_build.fct_account_platform_adoption "
            "where account_id = 'SCN15' and reporting_month = ?",
            [month],
        )
        for month in (JUN, date(2025, 5, 1))
    )
    assert june == [("No Data", 0)]
    assert may == [("0", 1)]
    assert (
        build.scalar(
            "select count(*) from marts_build.fct_adoption_alerts where account_id = 'SCN15' and use_case = 'CI'"
        )
        == 0
    )


def line_of(name: str, line: str) -> int:
    """The 1-based line of `line` in the scenario zone's file `name` (the header is line 1)."""
    return (LANDING_ZONE / name).read_text(encoding="utf-8").splitlines().index(line) + 1


def scenario_lines(name: str) -> int:
    return len((LANDING_ZONE / name).read_text(encoding="utf-8").splitlines())


# (file, check, problem rows, a problem line the message must hold)
EXPECTED_ERRORS = [
    (
        "accounts.csv",
        "landing_unique account_id",
        1,
        f"account_id=SCN01: the key is on 2 lines: 2, {scenario_lines('accounts.csv') + 1}",
    ),
    (
        "accounts.csv",
        "landing_parses customer_since_date",
        1,
        "line 3: customer_since_date 'N/A' is not a date (YYYY-MM-DD)",
    ),
    (
        "subscriptions.csv",
        "landing_parses subscription_start_date",
        1,
        f"line {line_of('subscriptions.csv', 'SUB03A,SCN03,Premium,Self-Managed,2023-01-15,2026-01-14')}: "
        "subscription_start_date '2025-02-30' is not a date (YYYY-MM-DD)",
    ),
    (
        "subscriptions.csv",
        "landing_references account_id",
        1,
        f"line {scenario_lines('subscriptions.csv') + 1}: account_id 'NOSUCH' matches no account_id of accounts.csv",
    ),
    (
        "arr_monthly.csv",
        "landing_first_of_month arr_month",
        1,
        f"line {scenario_lines('arr_monthly.csv') + 1}: arr_month '2025-06-15' is not the first day of a month",
    ),
    (
        "arr_monthly.csv",
        "landing_parses arr",
        1,
        f"line {scenario_lines('arr_monthly.csv') + 2}: arr 'abc' is not a number (at most 9 decimals)",
    ),
    (
        "arr_monthly.csv",
        "landing_parses seats",
        1,
        f"line {scenario_lines('arr_monthly.csv') + 3}: seats '1.5' is not a whole number",
    ),
    (
        "arr_monthly.csv",
        "landing_unique arr_month, subscription_id, product_category, product_tier",
        1,
        "arr_month=2025-06-01 subscription_id=SUB07 product_category=Base Products product_tier=Premium: the key is on "
        f"2 lines: {line_of('arr_monthly.csv', '2025-06-01,SUB07,Base Products,Premium,3000.00,10')}, "
        f"{scenario_lines('arr_monthly.csv') + 4}",
    ),
    ("instances.csv", "landing_required uuid", 1, f"line {scenario_lines('instances.csv') + 1}: uuid is blank"),
    *(
        (
            "arr_monthly.csv",
            "landing_fits_decimal arr",
            2,
            f"line {scenario_lines('arr_monthly.csv') + offset}: arr '{value}' does not fit decimal(18, 2) "
            "(var published_arr_type): at most 9999999999999999.99 in absolute value",
        )
        for offset, value in ((5, "10000000000000000.00"), (6, "9999999999999999.995"))
    ),
]


@pytest.fixture(scope="module")
def data_errors(tmp_path_factory: pytest.TempPathFactory, workplace: Workplace) -> tuple[Build, str]:
    root = tmp_path_factory.mktemp("data_errors")
    zone = edited_zone(root / "landing", DATA_ERRORS)
    _, database = workplace.restore()
    result = run_dbt(["build", "--exclude-resource-type", "unit_test"], zone, database)
    assert not result.ok
    return Build(zone, copy_database(database, root / "errors.duckdb")), result.output


@pytest.mark.parametrize(
    ("file_name", "check", "count", "problem"), EXPECTED_ERRORS, ids=[e[1] for e in EXPECTED_ERRORS]
)
def test_a_data_error_names_the_file_the_line_and_the_value(
    data_errors: tuple[Build, str], file_name: str, check: str, count: int, problem: str
) -> None:
    _, output = data_errors
    assert f"Invalid landing file {file_name} ({check}, {count} row(s)); nothing was built or published:" in output
    assert f"  - {problem}" in output


def test_data_errors_stop_before_any_model_and_publish_nothing(data_errors: tuple[Build, str]) -> None:
    """The landing checks run at the start of the run (check_landing_zone), before any model:
    no node runs, nothing is staged, nothing is published."""
    build, output = data_errors
    assert "START sql" not in output
    assert not serving_path(build.database).exists()
    staged = {
        name
        for (name,) in build.query("select table_name from information_schema.tables where table_schema = 'staging'")
    }
    assert not staged & {"stg_landing__accounts", "stg_landing__subscriptions", "stg_landing__arr_monthly"}


def rename_header_column(zone: Path, name: str, old: str, new: str) -> None:
    path = zone / name
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = ",".join(new if column == old else column for column in lines[0].split(","))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


FILE_ERRORS = {
    "missing_required": (
        lambda zone: (zone / "accounts.csv").unlink(),
        "Landing file accounts.csv is missing in {zone}: it is required (columns account_id, account_name, "
        "customer_since_date, csm_name, sales_segment); nothing was built or published.",
    ),
    "empty_required": (
        lambda zone: (zone / "subscriptions.csv").write_bytes(b""),
        "Landing file subscriptions.csv is empty (0 bytes) in {zone}: it is required",
    ),
    "missing_column": (
        lambda zone: rename_header_column(zone, "arr_monthly.csv", "seats", "licenses"),
        "Landing file arr_monthly.csv ({zone}/arr_monthly.csv) has no column seats; its header is: "
        "arr_month, subscription_id, product_category, product_tier, arr, licenses.",
    ),
}


@pytest.mark.parametrize("case", sorted(FILE_ERRORS))
def test_a_file_error_names_the_file_and_builds_nothing(workplace: Workplace, case: str) -> None:
    """Checked before anything is built (the on-run-start hook): the message names the file
    (and the column), and no database object or published file is written."""
    change, message = FILE_ERRORS[case]
    zone, database = workplace.restore()
    edited_zone(zone, {})
    change(zone)
    result = run_dbt(["build", "--exclude-resource-type", "unit_test"], zone, database)
    assert not result.ok
    assert message.format(zone=zone) in " ".join(result.output.split())
    assert not serving_path(database).exists()


def test_optional_files_missing_or_empty_read_as_empty(workplace: Workplace) -> None:
    """A 0-byte instances.csv and no adoption_reasons.csv: the build publishes; every instance
    is unlabeled (Unknown), and the hygiene report asks for every reason it needs."""
    zone, database = workplace.restore()
    edited_zone(zone, {})
    (zone / "instances.csv").write_bytes(b"")
    (zone / "adoption_reasons.csv").unlink()
    result = run_dbt(["build", "--exclude-resource-type", "unit_test"], zone, database)
    assert result.ok, result.output[-5000:]
    build = Build(zone, database)
    assert build.scalar("select count(*) from staging.stg_landing__instance_labels") == 0
    assert build.scalar("select count(*) from staging.stg_landing__adoption_reasons") == 0
    assert build.query("select distinct instance_type from marts_build.fct_instance_use_case_health") == [("Unknown",)]
    assert (
        build.scalar(
            "select count(*) from marts_build.rpt_adoption_reason_hygiene where issue_type <> 'missing_reason'"
        )
        == 0
    )
    assert "Published" in result.output
