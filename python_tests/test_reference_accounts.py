"""Reference accounts (issue 25, the methodology's testing step): CSM-confirmed colors beside
the computed ones.

A copy of the project gets python_tests/fixtures/reference_accounts_scenarios.csv as its
seeds/reference_accounts.csv (19 expectations on accounts of the scenario zone, each color
derived by hand in its `note`) and is built once on the scenario zone. The two published
marts are checked against a computation of their own here: the fixture read in Python beside
the published fct_account_use_case_health (SQL), the seeds' bands and words read from their
CSVs. The hand derivation is checked too: every expectation agrees but the three the fixture
keeps on purpose as disagreements a CSM could have. A broken reference file stops the build
with a message naming each offending row, and publishes nothing.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import (
    PROJECT_ROOT,
    SCENARIO_ZONE,
    Build,
    copy_project,
    published_digest,
    run_dbt,
    serving_path,
)

FIXTURE = PROJECT_ROOT / "python_tests" / "fixtures" / "reference_accounts_scenarios.csv"
# The month the hand derivation reads: the scenario zone's last month, long complete.
JUNE = date(2025, 6, 1)
# The fixture's disagreements a CSM could have (each note says why), derived by hand: a Premium
# account's scanning is not scored (Security needs Ultimate), a failed CI counter leaves CI
# unscored, a data gap turns a Yellow team Red (25 points below Yellow's band, one rank down).
UNSCORED_ON_PURPOSE = {("SCN02", "Security"), ("SCN14", "CI")}
DISAGREEING_ON_PURPOSE = {("SCN24", "CI"): (-1, 25.0)}
CHECK_COLUMNS = (
    "account_id", "account_name", "use_case", "use_case_display_order", "expected_color", "confirmed_by",
    "confirmed_on", "note", "reporting_month", "use_case_score", "computed_color", "agreement", "is_agreeing",
    "color_rank_difference", "score_miss",
)  # fmt: skip
AGREEMENT_COLUMNS = (
    "use_case", "use_case_display_order", "reporting_month", "expectations", "agreeing", "disagreeing", "unscored",
    "share_agreeing",
)  # fmt: skip


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def seed(project: Path, name: str) -> list[dict[str, str]]:
    return read_csv(project / "seeds" / f"{name}.csv")


@pytest.fixture(scope="module")
def reference_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Build]:
    """The project copy with the fixture as its reference file, built and published once."""
    root = tmp_path_factory.mktemp("reference_accounts")
    project = copy_project(root / "project")
    shutil.copy(FIXTURE, project / "seeds" / "reference_accounts.csv")
    database = root / "reference.duckdb"
    result = run_dbt(["build", "--exclude-resource-type", "unit_test"], SCENARIO_ZONE, database, project_dir=project)
    assert result.ok, result.output[-5000:]
    return project, Build(SCENARIO_ZONE, database)


def expected_checks(project: Path, build: Build) -> dict[tuple[str, str], dict]:
    """fct_reference_account_checks computed here: the fixture beside the published health of the
    latest complete month, colors ranked and banded by score_color_bands.csv, words from
    explanation_phrases.csv."""
    (month,) = build.published(
        "select max(reporting_month) from marts.fct_account_platform_adoption where is_month_complete"
    )[0]
    health = {
        (account_id, use_case): (score, color)
        for account_id, use_case, score, color in build.published(
            "select account_id, use_case, use_case_score, use_case_color from marts.fct_account_use_case_health "
            "where reporting_month = ?",
            [month],
        )
    }
    bands = {row["color"]: row for row in seed(project, "score_color_bands")}
    words = {row["phrase_key"]: row["phrase"] for row in seed(project, "explanation_phrases")}
    orders = {row["use_case"]: int(row["display_order"]) for row in seed(project, "use_cases")}
    names = {row["account_id"]: row["account_name"] for row in read_csv(SCENARIO_ZONE / "accounts.csv")}
    expected = {}
    for row in read_csv(FIXTURE):
        score, color = health.get((row["account_id"], row["use_case"]), (None, None))
        band = bands[row["expected_color"]]
        miss = None
        if color is not None:
            low = float(band["min_score"]) if band["min_score"] else None
            high = float(band["max_score"]) if band["max_score"] else None
            miss = (low - score) if low is not None and score < low else 0.0
            miss = (score - high) if high is not None and score > high else miss
        expected[(row["account_id"], row["use_case"])] = {
            "account_id": row["account_id"],
            "account_name": names[row["account_id"]],
            "use_case": row["use_case"],
            "use_case_display_order": orders[row["use_case"]],
            "expected_color": row["expected_color"],
            "confirmed_by": row["confirmed_by"],
            "confirmed_on": date.fromisoformat(row["confirmed_on"]),
            "note": row["note"] or None,
            "reporting_month": month,
            "use_case_score": score,
            "computed_color": color,
            "agreement": words[
                "reference_unscored"
                if color is None
                else "reference_agree"
                if color == row["expected_color"]
                else "reference_disagree"
            ],
            "is_agreeing": color == row["expected_color"],
            "color_rank_difference": None
            if color is None
            else int(bands[color]["color_rank"]) - int(band["color_rank"]),
            "score_miss": miss,
        }
    return expected


def published_checks(build: Build) -> dict[tuple[str, str], dict]:
    rows = build.published(f"select {', '.join(CHECK_COLUMNS)} from marts.fct_reference_account_checks")
    return {(row[0], row[2]): dict(zip(CHECK_COLUMNS, row, strict=True)) for row in rows}


def test_checks_match_an_independent_computation(reference_build: tuple[Path, Build]) -> None:
    project, build = reference_build
    expected = expected_checks(project, build)
    published = published_checks(build)
    assert published.keys() == expected.keys()
    for key, row in expected.items():
        for column in ("use_case_score", "score_miss"):
            assert published[key][column] == (None if row[column] is None else pytest.approx(row[column])), (
                key,
                column,
            )
        plain = {column: value for column, value in row.items() if column not in ("use_case_score", "score_miss")}
        assert {column: published[key][column] for column in plain} == plain, key


def test_agreement_report_matches_the_checks_counted_here(reference_build: tuple[Path, Build]) -> None:
    project, build = reference_build
    checks = expected_checks(project, build)
    month = next(iter(checks.values()))["reporting_month"]
    expected = []
    for use_case in seed(project, "use_cases"):
        rows = [row for row in checks.values() if row["use_case"] == use_case["use_case"]]
        agreeing = sum(row["is_agreeing"] for row in rows)
        unscored = sum(row["computed_color"] is None for row in rows)
        expected.append(
            (
                use_case["use_case"],
                int(use_case["display_order"]),
                month,
                len(rows),
                agreeing,
                len(rows) - agreeing - unscored,
                unscored,
                agreeing / len(rows) if rows else None,
            )
        )
    published = build.published(f"select {', '.join(AGREEMENT_COLUMNS)} from marts.rpt_reference_account_agreement")
    assert [row[:-1] for row in published] == [row[:-1] for row in sorted(expected)]
    assert [row[-1] for row in published] == [
        None if share is None else pytest.approx(share) for *_, share in sorted(expected)
    ]


def test_hand_derived_colors_hold_but_for_the_kept_disagreements(reference_build: tuple[Path, Build]) -> None:
    """Every fixture color was derived by hand from the zone's June pings (its note): the build
    agrees with each, but for the three disagreements kept on purpose."""
    _, build = reference_build
    published = published_checks(build)
    assert {row["reporting_month"] for row in published.values()} == {JUNE}
    for key, row in published.items():
        if key in UNSCORED_ON_PURPOSE:
            assert (row["agreement"], row["computed_color"], row["score_miss"]) == ("unscored", None, None), key
        elif key in DISAGREEING_ON_PURPOSE:
            assert row["agreement"] == "disagree", key
            assert (row["color_rank_difference"], row["score_miss"]) == DISAGREEING_ON_PURPOSE[key], key
        else:
            assert (row["agreement"], row["computed_color"], row["score_miss"]) == (
                "agree",
                row["expected_color"],
                0,
            ), (key, row["use_case_score"])
    colors = {(row["use_case"], row["expected_color"]) for row in published.values()}
    assert {use_case for use_case, _ in colors} == {"SCM", "CI", "CD", "Security"}
    assert {color for _, color in colors} == {"Red", "Yellow", "Green"}
    assert 15 <= len(published) <= 20


def test_anchor_publishes_the_same_reference_marts(reference_build: tuple[Path, Build], tmp_path: Path) -> None:
    """The benchmark's anchor, run from the copy (so it reads the non-empty reference file)."""
    project, build = reference_build
    anchor_serving = tmp_path / "anchor_serving.duckdb"
    built = subprocess.run(
        [
            sys.executable,
            str(project / "scripts" / "benchmark_anchor.py"),
            str(SCENARIO_ZONE),
            str(tmp_path / "anchor.duckdb"),
            str(anchor_serving),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-4000:]
    compared = subprocess.run(
        [
            sys.executable,
            str(project / "scripts" / "compare_marts.py"),
            str(serving_path(build.database)),
            str(anchor_serving),
        ],
        capture_output=True,
        text=True,
    )
    assert compared.returncode == 0, compared.stdout + compared.stderr
    assert "fct_reference_account_checks: same (19 rows)" in compared.stdout


def test_a_broken_reference_file_names_each_row_and_publishes_nothing(reference_build: tuple[Path, Build]) -> None:
    """One run of the seed and what it feeds (`--select reference_accounts+`: every check of the
    seed is a test of it) with one row breaking each rule; each check stops the build naming its
    row, and the published set stays as it was. Runs last: it drops the build's reference tables."""
    project, build = reference_build
    shipped = FIXTURE.read_text(encoding="utf-8")
    lines = len(shipped.splitlines())
    broken = [
        "NOPE,CI,Green,Ada,2025-07-02,",
        "SCN03,Deploy,Green,Ada,2025-07-02,",
        "SCN04,SCM,green,Bo,2025-07-03,",
        "SCN01,CI,Yellow,Ada,2025-07-02,listed twice",
        "SCN05,SCM,Yellow,,2025-07-03,",
        ",CD,Red,Bo,2025-07-03,",
        "SCN06,CI,Red,Bo,07/03/2025,",
    ]
    first_scn01_ci = next(n for n, line in enumerate(shipped.splitlines(), 1) if line.startswith("SCN01,CI,"))
    before = published_digest(build.database)
    seed_path = project / "seeds" / "reference_accounts.csv"
    seed_path.write_text(shipped + "\n".join(broken) + "\n", encoding="utf-8")
    try:
        result = run_dbt(
            ["build", "--select", "reference_accounts+", "--exclude-resource-type", "unit_test"],
            SCENARIO_ZONE,
            build.database,
            project_dir=project,
        )
    finally:
        shutil.copy(FIXTURE, seed_path)
    assert not result.ok
    for check, message in (
        ("references_seed", "row account_id=NOPE use_case=CI: unknown account_id 'NOPE'"),
        ("references_seed", "row account_id=SCN03 use_case=Deploy: unknown use_case 'Deploy'"),
        ("references_seed", "row account_id=SCN04 use_case=SCM: unknown expected_color 'green'"),
        (
            "unique_seed_key",
            f"row account_id=SCN01 use_case=CI: 2 rows, on lines {first_scn01_ci}, {lines + 4}",
        ),
        ("not_blank", "row account_id=SCN05 use_case=SCM: empty confirmed_by (required)"),
        ("not_blank", "row account_id= use_case=CD: empty account_id (required)"),
        ("seed_dates_valid", "row account_id=SCN06 use_case=CI: confirmed_on '07/03/2025' is not a date"),
    ):
        assert f"Invalid methodology seed reference_accounts.csv ({check}" in result.output, check
        assert message in result.output, message
    assert "SKIP relation marts_build.fct_reference_account_checks" in result.output
    assert "Nothing published" in result.output
    assert published_digest(build.database) == before
