"""History as published on PostgreSQL (docs/publishing.md, "History as published"): the
snapshots live in schema `history`, which the marts_build/marts swap never touches.

The flow of test_history.py, shorter, in a database of its own on the session's cluster:
publish (P1), change a threshold and publish again (P2), kill a build with another
threshold once its snapshots ran, then rebuild with `--full-refresh`: the published
history marts hold exactly P1's and P2's rows as versions, computed here in Python
from what each publication's `marts` held.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import engines
import pytest
from conftest import BIN, copy_project, generate_landing_zone, run_until_killed
from test_history import BUILD, HISTORY, expected_versions, set_green_from

pytest.importorskip("psycopg2", reason="psycopg2 is in requirements-engines.txt")

HANG = 300


@dataclasses.dataclass
class Database:
    cluster: engines.PostgresCluster
    env: dict[str, str]
    project: Path

    def dbt(self, args: list[str]) -> tuple[int, str]:
        proc = subprocess.run(
            [str(BIN / "dbt"), *args], cwd=self.project, env=self.env, capture_output=True, text=True, timeout=HANG
        )
        return proc.returncode, proc.stdout + proc.stderr

    def rows(self, sql: str) -> list[tuple]:
        with self.cluster.connect() as connection, connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def publication(self, mart: str) -> tuple:
        """(build_id, published_at, key -> checked values) of the published `mart`."""
        _, key, checked = HISTORY[mart]
        build, published_at = self.rows("select build_id, published_at from marts.publication_log order by 2 desc")[0]
        rows = self.rows(f"select {', '.join(key + checked)} from marts.{mart}")
        return build, published_at, {row[: len(key)]: row[len(key) :] for row in rows}


@pytest.fixture(scope="module")
def database(postgres: engines.PostgresCluster, tmp_path_factory: pytest.TempPathFactory) -> Database:
    root = tmp_path_factory.mktemp("history_postgres")
    cluster = dataclasses.replace(postgres, database="adoption_history")
    with postgres.connect("postgres") as connection:
        connection.autocommit = True
        connection.cursor().execute(f"create database {cluster.database}")
    project = copy_project(root / "project")
    env = engines.engine_env("postgres", root, cluster.env, project)
    zone = generate_landing_zone(root / "zone", 20, 4, seed=5, start_month="2025-01")
    loader = [sys.executable, str(engines.LOADER), "--target", "postgres", "--raw-path", str(zone)]
    engines.run(loader, env, "load", project=project)
    return Database(cluster, env, project)


def test_history_survives_the_swap_a_killed_build_and_a_full_refresh(database: Database) -> None:
    published: dict[str, list[tuple]] = {mart: [] for mart in HISTORY}
    for green_from in (75, 70):
        set_green_from(database.project, green_from)
        code, output = database.dbt(BUILD)
        assert code == 0, output[-5000:]
        for mart in HISTORY:
            published[mart].append(database.publication(mart))
    p2_build = published["fct_account_use_case_health"][1][0]
    assert (
        published["fct_account_use_case_health"][0][2] != published["fct_account_use_case_health"][1][2]
    ), "the threshold change must move some colors"

    set_green_from(database.project, 65)
    marker = "OK snapshotted history.history_arr_by_adoption_band"
    assert run_until_killed(BUILD, database.env, marker, 2.0, cwd=database.project), "no snapshot ran"
    assert database.rows("select build_id from marts.publication_log order by published_at desc")[0][0] == p2_build
    # The killed build recorded P2, which was published, in schema history.
    stamps = database.rows("select distinct published_build_id from history.history_arr_by_adoption_band")
    assert (p2_build,) in stamps

    set_green_from(database.project, 70)
    code, output = database.dbt([*BUILD, "--full-refresh"])
    assert code == 0, output[-5000:]
    for mart, publications in published.items():
        history, key, checked = HISTORY[mart]
        columns = key + checked + ["published_build_id", "published_from", "published_to", "is_published"]
        found = set(database.rows(f"select {', '.join(columns)} from marts.{history}"))
        assert found == expected_versions(publications, len(checked)), history
    restated = database.rows(
        "select count(*) filter (where is_restated), count(first_published_build_id), count(*) "
        "from marts.rpt_arr_by_adoption_band_restatements"
    )[0]
    first = published["rpt_arr_by_adoption_band"][0][2]
    assert restated[1] == restated[2] == len(first)
    changed = sum(1 for k, v in published["rpt_arr_by_adoption_band"][1][2].items() if v[:2] != first[k][:2])
    assert restated[0] == changed > 0
