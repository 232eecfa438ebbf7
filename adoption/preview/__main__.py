"""`python -m adoption.preview CANDIDATE_DIR`: what a seed change would do, before it ships (docs/preview.md)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from adoption.preview import compare
from adoption.preview.candidate import CandidateError, candidate_files
from adoption.preview.report import Report
from adoption.preview.scratch import (
    BUILD_INPUTS_SCHEMA,
    COMPARED_MODELS,
    LOGS,
    REFERENCE_MODELS,
    SCRATCH_CATALOG,
    ScratchBuild,
    ScratchError,
    clear,
    kept_scratch,
)
from adoption.published import CATALOG, connect, default_path, publication

DEFAULT_OUT = Path("data/preview")
# Exit codes: the candidate directory is refused; a candidate seed fails its checks; anything else failed.
EXIT_CANDIDATE = 2
EXIT_INVALID_SEED = 3
EXIT_FAILED = 1


class PreviewError(Exception):
    """The preview cannot run; the text says why."""


def fail(message: str, code: int) -> int:
    print(f"adoption.preview: {message}", file=sys.stderr)
    return code


def refuse_to_replace(out: Path) -> None:
    if out.exists() and not (out.is_dir() and ((out / "report.txt").is_file() or not any(out.iterdir()))):
        raise PreviewError(f"{out} exists and is not a preview directory (no report.txt): choose another --out")


def prepare_scratch(path: Path | None, project: Path) -> tuple[Path, Callable[[], None]]:
    """The scratch directory, and what to do with it afterwards: a --scratch one is kept; else the
    project's kept scratch directory (dbt's saved parse reused, emptied afterwards but for it), or,
    while another preview holds that, a temporary directory (a full parse), removed afterwards."""
    if path is not None:
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise PreviewError(f"--scratch {path} exists and is not an empty directory")
        path.mkdir(parents=True, exist_ok=True)
        return path, lambda: None
    kept = kept_scratch(project)
    if kept is None:
        temporary = Path(tempfile.mkdtemp(prefix="adoption-preview-"))
        return temporary, lambda: shutil.rmtree(temporary, ignore_errors=True)
    scratch, lock = kept

    def release() -> None:
        try:
            clear(scratch, keep=(LOGS,))
        finally:
            os.close(lock)

    return scratch, release


def published_inputs(con: duckdb.DuckDBPyConnection, published: Path, expected: list[str]) -> list[str]:
    """The build inputs the published file holds; PreviewError when any the project reads is missing."""
    held = {
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = ?",
            [CATALOG, BUILD_INPUTS_SCHEMA],
        ).fetchall()
    }
    missing = [name for name in expected if name not in held]
    if missing:
        raise PreviewError(
            f"the published set {published} lacks the build's inputs "
            + ", ".join(f"{BUILD_INPUTS_SCHEMA}.{name}" for name in missing)
            + " (published by a version of the project that did not publish them): "
            "run the scheduled `dbt build` once, then preview again"
        )
    return expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m adoption.preview",
        description=(
            "Preview a change of methodology seeds: build with the candidate seed files in a scratch location, "
            "from the published build's inputs, and report what would change against the published set. "
            "Never publishes; never opens the build database."
        ),
    )
    parser.add_argument("candidate_dir", type=Path, help="a directory of candidate seed files, each named as in seeds/")
    parser.add_argument(
        "--published",
        type=Path,
        default=None,
        help="the published DuckDB file (default: $ADOPTION_SERVING_PATH, else data/adoption_serving.duckdb)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"where to write the report (default: {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--scratch", type=Path, default=None, help="keep the scratch build in this (new or empty) directory"
    )
    parser.add_argument(
        "--project", type=Path, default=Path("."), help="the dbt project (default: the current directory)"
    )
    args = parser.parse_args(argv)
    project = args.project.resolve()
    try:
        candidates = candidate_files(args.candidate_dir, project / "seeds")
    except CandidateError as error:
        return fail(f"refused, nothing was done:\n{error}", EXIT_CANDIDATE)
    published = (args.published or default_path()).resolve()
    try:
        refuse_to_replace(args.out)
        scratch_dir, release = prepare_scratch(args.scratch, project)
    except PreviewError as error:
        return fail(str(error), EXIT_FAILED)
    started = time.monotonic()
    try:
        return run(project, published, candidates, scratch_dir, args.out, started)
    except (PreviewError, ScratchError, FileNotFoundError, LookupError) as error:
        return fail(str(error), EXIT_FAILED)
    finally:
        release()


def run(project: Path, published: Path, candidates: list[Path], scratch_dir: Path, out: Path, started: float) -> int:
    # One connection reads the published file from start to end: a build publishing meanwhile
    # renames a new file over it, and this attachment keeps reading the one it opened, so the
    # build inputs, the seed checksums and "before" are all of one publication.
    con = connect(published)
    try:
        return compare_with(con, project, published, candidates, scratch_dir, out, started)
    finally:
        con.close()


def compare_with(
    con: duckdb.DuckDBPyConnection,
    project: Path,
    published: Path,
    candidates: list[Path],
    scratch_dir: Path,
    out: Path,
    started: float,
) -> int:
    pub = publication(con)
    [(checksums,)] = con.execute(
        f"select seed_checksums from {CATALOG}.marts.publication_log where build_id = ?", [pub.build_id]
    ).fetchall()
    build = ScratchBuild(project, scratch_dir, candidates)
    build.make_project()
    manifest = build.parse()
    build.copy_build_inputs(con, published_inputs(con, published, manifest.build_inputs()))
    models = manifest.by_name("model")
    has_reference = all(name in models for name in REFERENCE_MODELS)
    targets = list(COMPARED_MODELS) + (list(REFERENCE_MODELS) if has_reference else [])
    print(
        f"Checking {', '.join(c.name for c in candidates)} with the project's seed checks, then building "
        f"{', '.join(targets)} with them in {scratch_dir} ...",
        file=sys.stderr,
    )
    result = build.build(targets)
    if result.returncode != 0:
        if build.failed_seed_checks():
            print(result.output, end="")
            return fail(
                "a candidate seed failed its checks (above, as a real build reports it); the models it feeds "
                "were skipped, nothing was compared or written",
                EXIT_INVALID_SEED,
            )
        raise ScratchError(f"the scratch build failed:\n{result.output}")
    candidate_names = {c.stem for c in candidates}
    published_checksums = json.loads(checksums or "{}")
    drifted = sorted(
        f"{name}.csv"
        for name, checksum in manifest.seed_checksums().items()
        if name not in candidate_names and published_checksums.get(name) != checksum
    )
    build.attach_read_only(con)
    after = compare.Relations(
        intermediate=f"{SCRATCH_CATALOG}.{models['int_health_scores']['schema']}",
        marts=f"{SCRATCH_CATALOG}.{models['fct_account_platform_adoption']['schema']}",
    )
    report = Report(
        con,
        after,
        pub,
        [c.name for c in candidates],
        drifted,
        has_reference,
        has_reference and compare.has_table(con, CATALOG, "marts", "rpt_reference_account_agreement"),
    )
    screen, _ = report.write(out)
    print(screen, end="")
    print(f"Preview written to {out} in {time.monotonic() - started:.1f} s; nothing was published.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
