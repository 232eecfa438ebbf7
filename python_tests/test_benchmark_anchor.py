"""The benchmark's anchor publishes what the job publishes (docs/performance.md, "The anchor").

scripts/benchmark.py divides the job's time by the anchor's: the ratio means something only while
the hand-written pipeline writes the same marts, so a mart changed in dbt and not in
scripts/benchmark_anchor.sql fails here, naming the mart and rows that differ.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import PROJECT_ROOT, Build, serving_path

ANCHOR = PROJECT_ROOT / "scripts" / "benchmark_anchor.py"
COMPARE = PROJECT_ROOT / "scripts" / "compare_marts.py"


def test_anchor_publishes_the_same_marts_as_the_job(generated_build: Build, tmp_path: Path) -> None:
    anchor_database = tmp_path / "anchor.duckdb"
    anchor_serving = tmp_path / "anchor_serving.duckdb"
    built = subprocess.run(
        [sys.executable, str(ANCHOR), str(generated_build.raw_path), str(anchor_database), str(anchor_serving)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-4000:]
    compared = subprocess.run(
        [sys.executable, str(COMPARE), str(serving_path(generated_build.database)), str(anchor_serving)],
        capture_output=True,
        text=True,
    )
    assert compared.returncode == 0, f"the anchor's marts differ from the job's:\n{compared.stdout}{compared.stderr}"
