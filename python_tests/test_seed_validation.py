"""A bad methodology edit fails `dbt build` with a message naming the seed, the
row and the problem, and leaves the published marts exactly as they were.

Each case edits one default seed CSV in a throwaway copy of the project, then
runs `dbt build` against a copy of a database whose marts are already built and
published. One case runs the whole scheduled job; the others build the edited
seed only (`--select <seed>`, which runs every check that reads it, since the
checks are tests of the seeds and dbt selects a test when any seed it reads is
selected; the other seeds' checks read only shipped rows): the message, the stop
and the untouched published file are the same, in a fraction of the time.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT, copy_database, copy_project, generate_landing_zone, published_digest, run_dbt


@dataclass(frozen=True)
class BrokenSeed:
    seed: str
    # (old line, new line) replacements; new line None deletes the line, old line None
    # appends the new one (the CSMs' seeds ship empty).
    edits: tuple[tuple[str | None, str | None], ...]
    # Every fragment must appear in dbt's output.
    expected: tuple[str, ...]


def shipped_lines(seed: str) -> list[str]:
    return (PROJECT_ROOT / "seeds" / f"{seed}.csv").read_text().splitlines()


def line_of(seed: str, row: str) -> int:
    """The CSV line (header = 1) of a row of a shipped seed."""
    return shipped_lines(seed).index(row) + 1


def appended_line(seed: str, nth: int) -> int:
    """The CSV line of the `nth` (1-based) row a case appends to a shipped seed."""
    return len(shipped_lines(seed)) + nth


CASES = {
    "threshold_gap": BrokenSeed(
        "measure_thresholds",
        (
            (
                "ci_builds_per_billable_user,Yellow,63,2,false,40,true,,",
                "ci_builds_per_billable_user,Yellow,63,2,false,30,true,,",
            ),
        ),
        ("measure_thresholds.csv", "measure=ci_builds_per_billable_user color=Green", "gap: values between 30"),
    ),
    "threshold_overlap": BrokenSeed(
        "measure_thresholds",
        (
            (
                "git_operation_utilization,Red,25,,false,0.10,true,,",
                "git_operation_utilization,Red,25,,false,0.20,true,,",
            ),
        ),
        ("measure_thresholds.csv", "measure=git_operation_utilization color=Yellow", "overlap"),
    ),
    "threshold_overlap_at_a_point": BrokenSeed(
        "measure_thresholds",
        (("deployments_utilization,Red,25,,false,0.05,false,,", "deployments_utilization,Red,25,,false,0.05,true,,"),),
        ("measure_thresholds.csv", "measure=deployments_utilization color=Yellow", "both bounds inclusive"),
    ),
    "threshold_gap_in_one_age_bracket": BrokenSeed(
        "measure_thresholds",
        (
            (
                "license_utilization,Yellow,63,0.50,false,0.75,true,7,9",
                "license_utilization,Yellow,63,0.50,false,0.70,true,7,9",
            ),
        ),
        ("measure_thresholds.csv", "measure=license_utilization color=Green ages=7..9", "gap: values between 0.7"),
    ),
    "overlapping_age_brackets": BrokenSeed(
        "measure_thresholds",
        tuple(
            (f"license_utilization,{row},7,9", f"license_utilization,{row},6,9")
            for row in ("Red,25,,false,0.50,true", "Yellow,63,0.50,false,0.75,true", "Green,88,0.75,false,,false")
        ),
        ("measure_thresholds.csv", "ranges_disjoint", "range 6..9 overlaps range 3..6"),
    ),
    "unknown_measure": BrokenSeed(
        "measure_thresholds",
        (
            (
                "git_operation_utilization,Green,88,0.33,false,,false,,",
                "git_operation_utilisation,Green,88,0.33,false,,false,,",
            ),
        ),
        ("measure_thresholds.csv", "unknown measure 'git_operation_utilisation'"),
    ),
    "unknown_color": BrokenSeed(
        "measure_thresholds",
        (
            (
                "ci_pipeline_utilization,Yellow,63,0.10,false,0.333,true,,",
                "ci_pipeline_utilization,Amber,63,0.10,false,0.333,true,,",
            ),
        ),
        ("measure_thresholds.csv", "measure=ci_pipeline_utilization color=Amber", "unknown color 'Amber'"),
    ),
    "score_outside_its_color_band": BrokenSeed(
        "measure_thresholds",
        (("number_of_scanner_types,Yellow,63,2,true,3,false,,", "number_of_scanner_types,Yellow,80,2,true,3,false,,"),),
        (
            "measure_thresholds.csv",
            "measure=number_of_scanner_types color=Yellow",
            "score 80 lies outside the Yellow band",
        ),
    ),
    "negative_use_case_weight": BrokenSeed(
        "use_case_measures",
        (("CD,deployments_per_user_l28d,1", "CD,deployments_per_user_l28d,-1"),),
        ("use_case_measures.csv", "use_case=CD measure=deployments_per_user_l28d", "negative weight"),
    ),
    "all_zero_use_case_weights": BrokenSeed(
        "use_case_measures",
        (("CI,ci_builds_per_billable_user,1", "CI,ci_builds_per_billable_user,0"),),
        ("use_case_measures.csv", "every weight of this group (use_case) is zero"),
    ),
    "color_bands_not_covering_0_to_100": BrokenSeed(
        "score_color_bands",
        (("Green,3,75,false,,false,true", "Green,3,80,false,,false,true"),),
        ("score_color_bands.csv", "color=Green", "gap: values between 75"),
    ),
    "adoption_bands_not_covering_0_to_infinity": BrokenSeed(
        "adoption_bands",
        (("3+,4,3,true,,false,false", None),),
        ("adoption_bands.csv", "adoption_band=2", "gap: values above 3"),
    ),
    "negative_overall_weight": BrokenSeed(
        "overall_score_weights",
        (("user_engagement,measure,0.10", "user_engagement,measure,-0.10"),),
        ("overall_score_weights.csv", "component=user_engagement", "negative weight"),
    ),
    "metric_path_with_bad_characters": BrokenSeed(
        "metric_catalog",
        (
            (
                "ci_builds_28_days_event,1,counts_monthly.ci_builds,",
                "ci_builds_28_days_event,1,counts_monthly.ci_builds',",
            ),
            # A required value left out: named with its row, as every seed check does.
            ("deployments_28_days_event,1,counts_monthly.deployments,", "deployments_28_days_event,1,,"),
        ),
        (
            "metric_catalog.csv",
            "metric=ci_builds_28_days_event priority=1",
            "does not match",
            "row metric=deployments_28_days_event priority=1: empty payload_path (required)",
        ),
    ),
    "use_case_requires_an_unlisted_tier": BrokenSeed(
        "use_cases",
        (("Security,4,Ultimate,true", "Security,4,Platinum,true"),),
        ("use_cases.csv", "use_case=Security", "unknown required_product_tier 'Platinum'"),
    ),
    "product_tier_listed_twice_in_two_cases": BrokenSeed(
        "product_tiers",
        (("Gold,3,false,Legacy SaaS name of Ultimate", "ultimate,3,false,Legacy SaaS name of Ultimate"),),
        ("product_tiers.csv", "2 rows spell 'ultimate'"),
    ),
    # Add-ons entitle nothing: is_add_on required, no rank on an add-on, a rank on every other tier.
    "product_tier_add_on_rules": BrokenSeed(
        "product_tiers",
        (
            (
                "Duo Pro,,true,GitLab Duo Pro add-on (AI features on top of a paid tier)",
                "Duo Pro,,,GitLab Duo Pro add-on (AI features on top of a paid tier)",
            ),
            (
                "Duo Enterprise,,true,GitLab Duo Enterprise add-on (AI features on top of a paid tier)",
                "Duo Enterprise,3,true,GitLab Duo Enterprise add-on (AI features on top of a paid tier)",
            ),
            ("Premium,2,false,Premium", "Premium,,false,Premium"),
        ),
        (
            "product_tiers.csv",
            "row product_tier=Duo Pro: empty is_add_on (required)",
            "row product_tier=Duo Enterprise: tier_rank 3 given to an add-on",
            "row product_tier=Premium: empty tier_rank (required for a tier that is not an add-on)",
        ),
    ),
    "use_case_requires_an_add_on": BrokenSeed(
        "use_cases",
        (("Security,4,Ultimate,true", "Security,4,Duo Enterprise,true"),),
        ("use_cases.csv", "row use_case=Security: required_product_tier 'Duo Enterprise' is an add-on"),
    ),
    "metric_fallback_paths_with_one_priority": BrokenSeed(
        "metric_catalog",
        (("billable_user_count,2,active_user_count,", "billable_user_count,1,active_user_count,"),),
        ("metric_catalog.csv", "metric=billable_user_count priority=1", "priority 1 is given to 2 paths"),
    ),
    # The CSMs' seeds: every problem at once, each named with its row.
    "score_overrides_every_problem": BrokenSeed(
        "score_overrides",
        (
            (None, "SCN01,Deploy,2025-01-01,,Green,a use case no seed has"),
            (None, "SCN01,CI,2025-01-01,,Amber,a color no seed has"),
            (None, "SCN02,CI,2025-01-01,,Green,  "),
            (None, "SCN03,CI,2025-01-01,2025-03-01,Green,first period"),
            (None, "SCN03,CI,2025-03-01,,Yellow,second period starts in the first one"),
            (None, "SCN04,CI,2025-03-01,2025-01-01,Green,ends before it starts"),
            (None, "SCN05,CI,2025-03-15,,Green,mid-month"),
            # A US-style date: read as written, never as some date.
            (None, "SCN06,CI,07/01/2026,,Green,month first"),
            (None, "SCN06,SCM,2026-07-01,2026-1-01,Green,no leading zero"),
            # A use case and a color spelled in another case than their seeds.
            (None, "SCN07,ci,2025-01-01,,green,lowercase"),
            # The same row twice.
            (None, "SCN08,CD,2025-01-01,,Green,listed twice"),
            (None, "SCN08,CD,2025-01-01,,Green,listed twice"),
        ),
        (
            "score_overrides.csv",
            "row account_id=SCN01 use_case=Deploy from_month=2025-01-01: unknown use_case 'Deploy'",
            "row account_id=SCN01 use_case=CI from_month=2025-01-01: unknown color 'Amber'",
            "row account_id=SCN02 use_case=CI from_month=2025-01-01: empty reason (required)",
            "row account_id=SCN03 use_case=CI from_month=2025-03-01: period on line"
            f" {appended_line('score_overrides', 5)} overlaps the period of row"
            " account_id=SCN03 use_case=CI from_month=2025-01-01"
            f" on line {appended_line('score_overrides', 4)}",
            "row account_id=SCN04 use_case=CI from_month=2025-03-01: to_month 2025-01-01 is before from_month",
            "row account_id=SCN05 use_case=CI from_month=2025-03-15: from_month 2025-03-15 is not the first day",
            "row account_id=SCN06 use_case=CI from_month=07/01/2026: from_month '07/01/2026' is not a date written"
            " YYYY-MM-DD",
            "row account_id=SCN06 use_case=SCM from_month=2026-07-01: to_month '2026-1-01' is not a date written"
            " YYYY-MM-DD",
            "row account_id=SCN07 use_case=ci from_month=2025-01-01: unknown use_case 'ci' (not a use_case of"
            " use_cases; did you mean 'CI'?",
            "row account_id=SCN07 use_case=ci from_month=2025-01-01: unknown color 'green' (not a color of"
            " score_color_bands; did you mean 'Green'?",
            "row account_id=SCN08 use_case=CD from_month=2025-01-01: 2 identical rows, on lines"
            f" {appended_line('score_overrides', 11)}, {appended_line('score_overrides', 12)}",
        ),
    ),
    "instance_exclusions_every_problem": BrokenSeed(
        "instance_exclusions",
        (
            (None, "inst-01-prod,,2025-01-01,"),
            (None, "inst-02-prod,audit box,2025-01-01,2025-06-01"),
            (None, "inst-02-prod,audit box again,2025-06-01,2025-06-01"),
            (None, ",no instance,2025-01-01,"),
            (None, "inst-03-prod,audit box,2025-01-01,2025/06/01"),
            (None, "inst-04-prod,listed twice,2025-01-01,"),
            (None, "inst-04-prod,listed twice,2025-01-01,"),
        ),
        (
            "instance_exclusions.csv",
            "row uuid=inst-01-prod from_month=2025-01-01: empty reason (required)",
            f"row uuid=inst-02-prod from_month=2025-06-01: period on line {appended_line('instance_exclusions', 3)}"
            f" overlaps the period of row uuid=inst-02-prod from_month=2025-01-01 on line"
            f" {appended_line('instance_exclusions', 2)}",
            "row uuid= from_month=2025-01-01: empty uuid (required)",
            "row uuid=inst-03-prod from_month=2025-01-01: to_month '2025/06/01' is not a date written YYYY-MM-DD",
            "row uuid=inst-04-prod from_month=2025-01-01: 2 identical rows, on lines"
            f" {appended_line('instance_exclusions', 6)}, {appended_line('instance_exclusions', 7)}",
        ),
    ),
    # A duplicate of a shipped row, named with the line of each copy.
    "use_case_listed_twice": BrokenSeed(
        "use_cases",
        ((None, "CI,2,,true"),),
        (
            "use_cases.csv",
            f"row use_case=CI: 2 identical rows, on lines {line_of('use_cases', 'CI,2,,true')},"
            f" {appended_line('use_cases', 1)}",
        ),
    ),
}


# The whole job runs on a seed that only some marts read (the account bands): the marts that do not
# read it are built, and still nothing is published, because one test failed.
SCHEDULED_JOB_CASE = "adoption_bands_not_covering_0_to_infinity"


@pytest.fixture(scope="module")
def published(workspace: Path) -> tuple[Path, Path]:
    """A landing zone and a database whose marts are built from the default seeds: built where
    the cases build (the workspace's project, still as shipped, and database path), so that the
    first case parses only its seed, then kept as a copy."""
    raw_path = generate_landing_zone(workspace / "raw", accounts=15, months=3, seed=3)
    database = workspace / "copy_of_published.duckdb"
    result = run_dbt(
        ["build", "--exclude-resource-type", "unit_test"], raw_path, database, project_dir=workspace / "project"
    )
    assert result.ok, result.output[-5000:]
    return raw_path, copy_database(database, workspace / "published.duckdb")


def break_seed(project: Path, case: BrokenSeed) -> None:
    path = project / "seeds" / f"{case.seed}.csv"
    lines = path.read_text().splitlines()
    for old, new in case.edits:
        if old is None:
            lines.append(new)
            continue
        assert old in lines, f"{case.seed}.csv has no line {old!r}: update the test with the seed"
        index = lines.index(old)
        if new is None:
            del lines[index]
        else:
            lines[index] = new
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project copy and one database path for every case: each build then re-parses only
    the seeds that changed since the previous case (dbt's partial parsing), not the project."""
    root = tmp_path_factory.mktemp("broken_seeds")
    copy_project(root / "project")
    return root


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_seed_fails_build_and_keeps_published_marts(
    name: str, published: tuple[Path, Path], workspace: Path
) -> None:
    raw_path, published_database = published
    case = CASES[name]
    project = workspace / "project"
    for seed in (PROJECT_ROOT / "seeds").glob("*.csv"):
        shutil.copy(seed, project / "seeds" / seed.name)
    break_seed(project, case)
    database = copy_database(published_database, workspace / "copy_of_published.duckdb")
    before = published_digest(database)
    assert before is not None

    # The scheduled job (the dbt unit tests mock their seeds, a broken seed does not reach
    # them) for one case; the edited seed and every check that reads it for the others.
    selection = ["--exclude-resource-type", "unit_test"] if name == SCHEDULED_JOB_CASE else ["--select", case.seed]
    result = run_dbt(["build", *selection], raw_path, database, project_dir=project)

    assert not result.ok, f"dbt build accepted a broken {case.seed}.csv"
    for fragment in case.expected:
        assert fragment in result.output, f"{fragment!r} not in dbt output:\n{result.output[-4000:]}"
    assert "Invalid methodology seed" in result.output
    assert "Nothing published" in result.output
    # Not a byte of the published file changed.
    assert published_digest(database) == before


def test_is_add_on_not_a_boolean_names_file_line_and_column(published: tuple[Path, Path], workspace: Path) -> None:
    """A product_tiers.is_add_on that is not a boolean fails the seed's load (column_types), before
    any check: the message names the file, the CSV line and the column, and nothing is published."""
    raw_path, published_database = published
    project = workspace / "project"
    for seed in (PROJECT_ROOT / "seeds").glob("*.csv"):
        shutil.copy(seed, project / "seeds" / seed.name)
    shipped = "Duo Pro,,true,GitLab Duo Pro add-on (AI features on top of a paid tier)"
    break_seed(project, BrokenSeed("product_tiers", ((shipped, shipped.replace(",true,", ",maybe,")),), ()))
    database = copy_database(published_database, workspace / "copy_of_published.duckdb")
    before = published_digest(database)

    result = run_dbt(["build", "--select", "product_tiers"], raw_path, database, project_dir=project)

    assert not result.ok, "dbt build accepted is_add_on 'maybe'"
    for fragment in (
        "seeds/product_tiers.csv",
        f"Line: {line_of('product_tiers', shipped)}",
        'converting column "is_add_on"',
        "Nothing published",
    ):
        assert fragment in result.output, f"{fragment!r} not in dbt output:\n{result.output[-4000:]}"
    assert published_digest(database) == before
