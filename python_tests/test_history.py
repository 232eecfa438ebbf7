"""History as published on DuckDB (docs/publishing.md, "History as published").

A small zone is published (P1), a threshold changes the colors and it is published
again (P2); copies of both published files are kept. Then a build with yet another
threshold is killed after its snapshots ran, and a build whose data test fails runs:
neither publishes, so neither may add anything to history. A `--full-refresh` build
with P2's seed then publishes history marts that must hold exactly P1's and P2's
published rows as versions, computed here in Python from the saved copies, and a
restatements mart whose as-published figures are the saved files' ARR by band.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from conftest import (
    PROJECT_ROOT,
    copy_project,
    dbt_env,
    generate_landing_zone,
    published_digest,
    query,
    run_dbt,
    run_until_killed,
    serving_path,
)

ACCOUNTS, MONTHS, SEED, START = 40, 6, 5, "2025-01"
BUILD = ["build", "--exclude-resource-type", "unit_test"]
COLOR_BANDS = Path("seeds") / "score_color_bands.csv"
# mart -> (its published history mart, key columns, checked columns): as snapshots/_history__snapshots.yml.
HISTORY = {
    "fct_account_platform_adoption": (
        "fct_published_account_platform_adoption",
        ["account_id", "reporting_month"],
        ["total_arr", "overall_product_color", "use_cases_adopted", "adoption_band", "is_month_complete"],
    ),
    "fct_account_use_case_health": (
        "fct_published_account_use_case_colors",
        ["account_id", "reporting_month", "use_case"],
        ["use_case_score", "use_case_color", "is_month_complete"],
    ),
    "rpt_arr_by_adoption_band": (
        "fct_published_arr_by_adoption_band",
        ["reporting_month", "adoption_band"],
        ["account_count", "arr", "pct_of_arr", "is_month_complete"],
    ),
}
SNAPSHOTS = ["history_account_platform_adoption", "history_account_use_case_colors", "history_arr_by_adoption_band"]


def set_green_from(project: Path, score: int) -> None:
    """score_color_bands.csv with the Yellow/Green boundary moved to `score` (75 as shipped)."""
    text = (PROJECT_ROOT / COLOR_BANDS).read_text()
    assert "Yellow,2,50,false,75,true" in text and "Green,3,75,false" in text
    text = text.replace("Yellow,2,50,false,75,true", f"Yellow,2,50,false,{score},true")
    (project / COLOR_BANDS).write_text(text.replace("Green,3,75,false", f"Green,3,{score},false"))


def publication(copy: Path) -> tuple[str, datetime]:
    """(build_id, published_at) of the publication a saved published file holds."""
    return query(copy, "select build_id, published_at from marts.publication_log order by published_at desc limit 1")[0]


def mart_rows(copy: Path, mart: str) -> dict[tuple, tuple]:
    """key -> checked values of a mart of a saved published file."""
    _, key, checked = HISTORY[mart]
    rows = query(copy, f"select {', '.join(key + checked)} from marts.{mart}")
    return {row[: len(key)]: row[len(key) :] for row in rows}


def expected_versions(publications: list[tuple[str, datetime, dict[tuple, tuple]]], checked: int) -> set[tuple]:
    """The versions publications (build_id, published_at, key -> checked values), in order,
    make, in Python: a version per key each time its values changed (or it appeared), an
    is_published=false version when a publication dropped it; each
    (key, values, published_build_id, published_from, published_to, is_published)."""
    open_versions: dict[tuple, list] = {}
    versions: list[list] = []
    for build, published_at, rows in publications:
        current = {k: (values, True) for k, values in rows.items()}
        for k, version in open_versions.items():
            if k not in rows and version[2]:
                current[k] = ((None,) * checked, False)
        for k, (values, is_published) in current.items():
            version = open_versions.get(k)
            if version is not None and version[1] == values and version[2] == is_published:
                continue
            if version is not None:
                version[5] = published_at
            new = [k, values, is_published, build, published_at, None]
            versions.append(new)
            open_versions[k] = new
    return {(*k, *values, build, start, end, published) for k, values, published, build, start, end in versions}


def saved_publications(copies: list[Path], mart: str) -> list[tuple[str, datetime, dict[tuple, tuple]]]:
    return [(*publication(copy), mart_rows(copy, mart)) for copy in copies]


def history_rows(database: Path, mart: str) -> set[tuple]:
    history, key, checked = HISTORY[mart]
    columns = key + checked + ["published_build_id", "published_from", "published_to", "is_published"]
    return set(query(serving_path(database), f"select {', '.join(columns)} from marts.{history}"))


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def history_counts(database: Path) -> dict[str, int]:
    return {name: query(database, f"select count(*) from history.{name}")[0][0] for name in SNAPSHOTS}


@pytest.fixture(scope="module")
def published_twice(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("history")
    zone = generate_landing_zone(root / "zone", ACCOUNTS, MONTHS, SEED, start_month=START)
    project = copy_project(root / "project")
    database = root / "work" / "build.duckdb"
    database.parent.mkdir()

    result = run_dbt(BUILD, zone, database, project_dir=project)
    assert result.ok, result.output[-5000:]
    p1 = shutil.copy(serving_path(database), root / "p1.duckdb")

    set_green_from(project, 70)
    result = run_dbt(BUILD, zone, database, project_dir=project)
    assert result.ok, result.output[-5000:]
    p2 = shutil.copy(serving_path(database), root / "p2.duckdb")
    moved = mart_rows(Path(p1), "fct_account_use_case_health") != mart_rows(Path(p2), "fct_account_use_case_health")
    assert moved, "the threshold change must move some colors"
    after_p2 = history_counts(database)

    # A build with another threshold, killed once its snapshots ran.
    set_green_from(project, 65)
    env = dbt_env(zone, database, project, None)
    killed = run_until_killed(BUILD, env, "OK snapshotted history.history_arr_by_adoption_band", 2.0, cwd=project)
    assert killed, "the build ended before its snapshots ran"
    assert published_digest(database) == file_digest(Path(p2)), "the killed build published"
    killed_counts = history_counts(database)

    # A build whose data test fails (on a seed: --fail-fast then stops it early).
    failing = project / "tests" / "seeds" / "history_build_fails.sql"
    failing.write_text("select * from {{ ref('adoption_bands') }}\n")
    result = run_dbt([*BUILD, "--fail-fast"], zone, database, project_dir=project)
    assert not result.ok and "Nothing published" in result.output, result.output[-3000:]
    failing.unlink()
    assert published_digest(database) == file_digest(Path(p2)), "the failed build published"
    failed_counts = history_counts(database)

    # P2's seed again, rebuilt from scratch: history must survive it.
    set_green_from(project, 70)
    result = run_dbt([*BUILD, "--full-refresh"], zone, database, project_dir=project)
    assert result.ok, result.output[-5000:]
    return {
        "database": database,
        "copies": [Path(p1), Path(p2)],
        "counts": (after_p2, killed_counts, failed_counts),
    }


def test_killed_and_failed_builds_publish_nothing_and_record_only_what_was_published(published_twice: dict) -> None:
    after_p2, killed, failed = published_twice["counts"]
    # The killed build's snapshots ran: they recorded P2 (published), nothing of its own threshold.
    p2 = publication(published_twice["copies"][1])
    database = published_twice["database"]
    for name in SNAPSHOTS:
        stamps = {row[0] for row in query(database, f"select distinct published_build_id from history.{name}")}
        assert p2[0] in stamps, f"{name}: the killed build did not record P2"
    # The failing build found P2 recorded already: it added no row.
    assert failed == killed
    assert all(killed[name] >= after_p2[name] for name in SNAPSHOTS)


@pytest.mark.parametrize("mart", sorted(HISTORY))
def test_history_marts_hold_exactly_what_p1_and_p2_published(published_twice: dict, mart: str) -> None:
    copies = published_twice["copies"]
    expected = expected_versions(saved_publications(copies, mart), len(HISTORY[mart][2]))
    assert history_rows(published_twice["database"], mart) == expected
    # Store changes, not copies: P2 added a version only for the keys it changed.
    p1_rows, p2_rows = (mart_rows(copy, mart) for copy in copies)
    changed = sum(1 for k, values in p2_rows.items() if p1_rows.get(k) != values) + len(p1_rows.keys() - p2_rows)
    assert len(expected) == len(p1_rows) + changed
    # What P2 published, read back from history as of P2's published_at.
    _, p2_at = publication(copies[1])
    history, key, checked = HISTORY[mart]
    as_of_p2 = query(
        serving_path(published_twice["database"]),
        f"select {', '.join(key + checked)} from marts.{history} "
        "where is_published and published_from <= ? and (published_to is null or published_to > ?)",
        [p2_at, p2_at],
    )
    assert {row[: len(key)]: row[len(key) :] for row in as_of_p2} == p2_rows


def test_restatements_put_as_published_beside_restated(published_twice: dict) -> None:
    p1, p2 = published_twice["copies"]
    (p1_build, p1_at), (p2_build, p2_at) = publication(p1), publication(p2)
    figures = "account_count, arr, pct_of_arr"
    first = {
        r[:2]: r[2:]
        for r in query(
            p1,
            f"select reporting_month, adoption_band, {figures}, is_month_complete from marts.rpt_arr_by_adoption_band",
        )
    }
    last = {
        r[:2]: r[2:]
        for r in query(p2, f"select reporting_month, adoption_band, {figures} from marts.rpt_arr_by_adoption_band")
    }
    assert all(values[-1] for values in first.values()), "every month of the zone is complete in P1"
    database = published_twice["database"]
    now = {
        r[:2]: r[2:]
        for r in query(
            serving_path(database),
            f"select reporting_month, adoption_band, {figures} from marts.rpt_arr_by_adoption_band",
        )
    }
    rows = query(
        serving_path(database),
        f"select reporting_month, adoption_band, {figures}, first_published_build_id, first_published_at, "
        "first_published_account_count, first_published_arr, first_published_pct_of_arr, last_published_build_id, "
        "last_published_at, last_published_account_count, last_published_arr, last_published_pct_of_arr, "
        "arr_restatement, is_restated from marts.rpt_arr_by_adoption_band_restatements",
    )
    assert {row[:2] for row in rows} == first.keys() | last.keys() | now.keys()
    restated_rows = 0
    for row in rows:
        key = row[:2]
        assert row[2:5] == now[key]
        assert row[5:10] == (p1_build, p1_at, *first[key][:3])
        # As last published: P2's figures, first published by P1 when P2 left them unchanged.
        unchanged = last[key] == first[key][:3]
        assert row[10:15] == ((p1_build, p1_at) if unchanged else (p2_build, p2_at)) + last[key]
        assert row[15] == now[key][1] - first[key][1]
        assert row[16] == (now[key][:2] != first[key][:2])
        restated_rows += row[16]
    assert restated_rows > 0, "the threshold change must restate some month's ARR by band"
