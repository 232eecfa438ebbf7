"""The scratch build: the project with the candidate seeds, over a copy of the published build's inputs.

A scratch directory holds a project (symlinks to the project's files, a seeds/ of the project's
seeds with the candidate files in their place), a build database into which every table of the
published file's `build_inputs` schema is copied as the staging relation of the same name, and
dbt's target and log directories. dbt runs there with ADOPTION_SERVING_PATH pointing into the
scratch directory and no landing zone: the staging models are not run (their relations are the
copies), so the landing hooks do nothing (run_reads_landing_zone), and a partial build never
publishes (publish_marts).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from adoption.published import CATALOG

# The preview's own directory in the project (gitignored): its scratch build, kept between
# previews for dbt's saved parse (target/partial_parse.msgpack), and the lock that gives it to
# one preview at a time.
KEPT_DIR = ".preview"
# The project's entries a scratch project does not link: its own seeds, dbt's output, local data.
NOT_LINKED = {"seeds", "target", "logs", "data", "dbt_packages", ".git", ".venv", KEPT_DIR}
# What the comparison reads, and so what the scratch build makes (with everything they read).
COMPARED_MODELS = ("rpt_arr_by_adoption_band", "fct_account_platform_adoption", "int_health_scores")
REFERENCE_MODELS = ("fct_reference_account_checks", "rpt_reference_account_agreement")
BUILD_INPUTS_SCHEMA = "build_inputs"
# The scratch build database, as the preview's connection attaches it.
SCRATCH_CATALOG = "scratch"
STAGING_FOLDER = "staging"
# A node's status in run_results.json when it failed.
FAILED = {"error", "fail", "runtime error"}
SAVED_PARSE = Path("target") / "partial_parse.msgpack"
# What a preview leaves in the kept scratch directory besides the saved parse: dbt's log of it.
LOGS = "logs"


class ScratchError(Exception):
    """A step of the scratch build failed; the text says which, with dbt's own output."""


@dataclass
class DbtResult:
    returncode: int
    output: str


@dataclass
class Manifest:
    """The scratch project's parsed graph (target/manifest.json)."""

    nodes: dict

    def by_name(self, resource_type: str) -> dict[str, dict]:
        return {node["name"]: node for node in self.nodes.values() if node["resource_type"] == resource_type}

    def is_staging_model(self, unique_id: str) -> bool:
        node = self.nodes.get(unique_id)
        return node is not None and node["resource_type"] == "model" and node["fqn"][1] == STAGING_FOLDER

    def build_inputs(self) -> list[str]:
        """Staging models read by a model outside staging (as macros/publication/publish.sql build_input_models)."""
        names = set()
        for node in self.nodes.values():
            if node["resource_type"] == "model" and node["fqn"][1] != STAGING_FOLDER:
                names.update(
                    self.nodes[parent]["name"]
                    for parent in node["depends_on"]["nodes"]
                    if self.is_staging_model(parent)
                )
        return sorted(names)

    def seed_tests(self) -> list[str]:
        """The seeds' own checks: tests of at least one seed that read only seeds and staging models."""
        tests = []
        for node in self.nodes.values():
            if node["resource_type"] != "test":
                continue
            parents = node["depends_on"]["nodes"]
            kinds = {
                "seed"
                if self.nodes.get(p, {}).get("resource_type") == "seed"
                else "staging"
                if self.is_staging_model(p)
                else "other"
                for p in parents
            }
            if "seed" in kinds and "other" not in kinds:
                tests.append(node["name"])
        return sorted(tests)

    def models_for(self, targets: list[str]) -> list[str]:
        """`targets` and every model they read, staging models left out (their relations are the copies)."""
        by_name = self.by_name("model")
        found: set[str] = set()
        pending = [by_name[name]["unique_id"] for name in targets]
        while pending:
            unique_id = pending.pop()
            node = self.nodes.get(unique_id)
            if node is None or node["resource_type"] != "model" or unique_id in found:
                continue
            found.add(unique_id)
            pending.extend(node["depends_on"]["nodes"])
        return sorted(self.nodes[u]["name"] for u in found if not self.is_staging_model(u))

    def seed_checksums(self) -> dict[str, str]:
        return {name: node["checksum"]["checksum"] for name, node in self.by_name("seed").items()}


def dbt_executable() -> str:
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


class ScratchBuild:
    def __init__(self, project: Path, scratch: Path, candidates: list[Path]) -> None:
        self.project = project.resolve()
        self.scratch = scratch.resolve()
        self.candidates = candidates
        self.project_dir = self.scratch / "project"
        self.database = self.scratch / "build.duckdb"
        self.env = dict(
            os.environ,
            DBT_TARGET="duckdb",
            DBT_DUCKDB_PATH=str(self.database),
            ADOPTION_SERVING_PATH=str(self.scratch / "serving.duckdb"),
            # No landing zone: nothing here reads one (the staging relations are copies).
            ADOPTION_RAW_PATH=str(self.scratch / "no_landing_zone"),
            DBT_TARGET_PATH=str(self.scratch / "target"),
            DBT_LOG_PATH=str(self.scratch / LOGS),
            DBT_PROFILES_DIR=str(self.project_dir),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            # The scratch graph is read from target/manifest.json.
            DBT_WRITE_JSON="true",
        )
        self.manifest: Manifest | None = None

    def make_project(self) -> None:
        """The scratch project: links to the project's files, its seeds with the candidates in their place."""
        self.project_dir.mkdir(parents=True)
        for entry in sorted(self.project.iterdir()):
            if entry.name not in NOT_LINKED:
                (self.project_dir / entry.name).symlink_to(entry)
        seeds = self.project_dir / "seeds"
        seeds.mkdir()
        for entry in sorted((self.project / "seeds").iterdir()):
            (seeds / entry.name).symlink_to(entry)
        for candidate in self.candidates:
            (seeds / candidate.name).unlink(missing_ok=True)
            shutil.copyfile(candidate, seeds / candidate.name)

    def dbt(self, *args: str) -> DbtResult:
        completed = subprocess.run(
            [dbt_executable(), *args],
            cwd=self.project_dir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        return DbtResult(completed.returncode, completed.stdout)

    def parse(self) -> Manifest:
        result = self.dbt("parse", "--quiet")
        if result.returncode != 0:
            raise ScratchError(f"dbt parse of the scratch project failed:\n{result.output}")
        manifest = json.loads((self.scratch / "target" / "manifest.json").read_text())
        self.manifest = Manifest(manifest["nodes"])
        return self.manifest

    def copy_build_inputs(self, con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
        """Each published build input as the staging table of the same name in the scratch build database.
        `con` has the published file attached (adoption.published.connect); the scratch database is
        attached to it for the copy and detached before dbt opens it."""
        staging = {m["name"]: m for m in self.manifest.by_name("model").values() if m["fqn"][1] == STAGING_FOLDER}
        quoted = str(self.database).replace("'", "''")
        con.execute(f"attach '{quoted}' as {SCRATCH_CATALOG}")
        try:
            for name in names:
                schema = staging[name]["schema"]
                con.execute(f'create schema if not exists {SCRATCH_CATALOG}."{schema}"')
                con.execute(
                    f'create table {SCRATCH_CATALOG}."{schema}"."{name}" as '
                    f'select * from {CATALOG}.{BUILD_INPUTS_SCHEMA}."{name}"'
                )
        finally:
            con.execute(f"detach {SCRATCH_CATALOG}")

    def attach_read_only(self, con: duckdb.DuckDBPyConnection) -> None:
        """The scratch build database, once dbt is done with it, attached read-only as `scratch`."""
        quoted = str(self.database).replace("'", "''")
        con.execute(f"attach '{quoted}' as {SCRATCH_CATALOG} (read_only)")

    def build(self, targets: list[str]) -> DbtResult:
        """One `dbt build`: the seeds and their own checks, as a real build runs them first, then
        `targets` and the models they read (no staging model, no other test). A failed check of a
        seed skips every model that seed feeds, as in a real build."""
        seeds = sorted(self.manifest.by_name("seed"))
        return self.dbt(
            "build",
            "--quiet",
            "--indirect-selection",
            "empty",
            "--select",
            *seeds,
            *self.manifest.seed_tests(),
            *self.manifest.models_for(targets),
        )

    def failed_seed_checks(self) -> list[str]:
        """The seeds and seed checks the last build reported as failed (target/run_results.json)."""
        results = json.loads((self.scratch / "target" / "run_results.json").read_text())["results"]
        checks = set(self.manifest.seed_tests())
        failed = []
        for result in results:
            node = self.manifest.nodes.get(result["unique_id"], {})
            is_seed_check = node.get("resource_type") == "seed" or (
                node.get("resource_type") == "test" and node.get("name") in checks
            )
            if is_seed_check and result["status"] in FAILED:
                failed.append(node["name"])
        return failed


def clear(scratch: Path, keep: tuple[str, ...] = ()) -> None:
    """Empty a kept scratch directory but for dbt's saved parse and the entries `keep` names."""
    for entry in scratch.iterdir():
        if entry.name in keep:
            continue
        if entry.name == SAVED_PARSE.parts[0]:
            for inner in entry.iterdir():
                if inner.name != SAVED_PARSE.name:
                    remove(inner)
        else:
            remove(entry)


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def kept_scratch(project: Path) -> tuple[Path, int] | None:
    """The project's kept scratch directory (<project>/.preview/scratch), emptied but for dbt's
    saved parse, and the open lock file that reserves it until closed; None when another preview
    holds it. dbt's saved parse records the project's absolute path (a seed is read from it), so
    it is only reused from this one fixed place, by one preview at a time."""
    kept = project.resolve() / KEPT_DIR
    kept.mkdir(exist_ok=True)
    lock = os.open(kept / "scratch.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock)
        return None
    scratch = kept / "scratch"
    scratch.mkdir(exist_ok=True)
    clear(scratch)
    return scratch, lock
