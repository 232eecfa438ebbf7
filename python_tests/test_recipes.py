"""The recipes of docs/methodology.md, followed as written, give a project that builds and keeps
its structure: the steps (files, rows, YAML entries) are read from the document itself, applied
to a copy of the project, then `dbt build` (unit tests included) and the structure test run there.
One copy takes every recipe, so the check costs one build and one parse."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT, copy_project, generate_landing_zone, query, run_dbt, serving_path

METHODOLOGY = PROJECT_ROOT / "docs" / "methodology.md"
RECIPES = ("Add a fallback for a renamed key", "Add a use case", "Change a threshold")
STEP = re.compile(r"^(\d+)\. (.*)")


def recipe_steps(title: str) -> list[str]:
    """The numbered steps of the recipe whose bold title starts with `title`, each with its
    indented lines (code blocks included), as written."""
    text = METHODOLOGY.read_text(encoding="utf-8")
    start = text.index(f"**{title}")
    steps: list[str] = []
    for line in text[start:].splitlines()[1:]:
        if match := STEP.match(line):
            steps.append(match.group(2))
        elif steps and (not line.strip() or line.startswith("   ")):
            steps[-1] += "\n" + line[3:]
        elif steps:
            break
    assert steps, f"no numbered steps under **{title}** in {METHODOLOGY.name}"
    return steps


def code_blocks(step: str) -> list[str]:
    return re.findall(r"```\n(.*?)```", step, re.S)


def add_rows(path: Path, rows: list[str], replace: bool) -> None:
    """Append CSV rows; with `replace`, first drop the rows whose first field (the key) they share."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if replace:
        keys = {row.split(",")[0] for row in rows}
        lines = lines[:1] + [line for line in lines[1:] if line.split(",")[0] not in keys]
    path.write_text("\n".join(lines + rows) + "\n", encoding="utf-8")


def add_column(project: Path, model: str, entry: str, named_files: list[str]) -> None:
    """Add a column entry at the top of `model`'s `columns:` in the YAML file that describes it,
    which the step must name."""
    [path] = [p for p in (project / "models").rglob("_*.yml") if f"\n  - name: {model}\n" in p.read_text()]
    assert str(path.relative_to(project)) in named_files, f"{model} is described in {path}, not in {named_files}"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index(f"  - name: {model}")
    at = lines.index("    columns:", at) + 1
    lines[at:at] = ["      " + line for line in entry.rstrip("\n").splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def follow(project: Path, step: str) -> None:
    """Do one step with a code block: rows for the seed it names, or a column for the models it names."""
    [block] = code_blocks(step)
    files = re.findall(r"`((?:seeds|models)/[^`]+\.(?:csv|yml))`", step)
    if files[0].endswith(".csv"):
        [seed] = files
        add_rows(project / seed, block.splitlines(), replace="replace" in step.split("\n")[0])
    else:
        models = re.findall(r"`((?:stg|int)_\w+)`", step)
        assert models, f"a YAML step that names no model: {step!r}"
        for model in models:
            add_column(project, model, block, files)


def change_ci_green_threshold(project: Path, steps: list[str]) -> None:
    """'Change a threshold' is written as prose: its first step, done as it says."""
    assert "Yellow row's `max_value` to 30" in steps[0] and "Green row's `min_value` to 30" in steps[0]
    path = project / "seeds" / "measure_thresholds.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ci = [row for row in rows if row["measure"] == "ci_builds_per_billable_user" and not row["account_age_min_months"]]
    [yellow] = [row for row in ci if row["color"] == "Yellow"]
    [green] = [row for row in ci if row["color"] == "Green"]
    assert yellow["max_value"] == green["min_value"] == "40", "the recipe starts from CI Green above 40"
    yellow["max_value"] = green["min_value"] = "30"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def followed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with every recipe followed."""
    project = copy_project(tmp_path_factory.mktemp("recipes") / "project")
    for title in RECIPES[:2]:
        steps = recipe_steps(title)
        assert "dbt build" in steps[-1], f"**{title}** does not end with `dbt build`"
        for step in steps:
            if code_blocks(step):
                follow(project, step)
    change_ci_green_threshold(project, recipe_steps(RECIPES[2]))
    return project


def test_recipes_followed_as_written_build_and_publish(followed: Path, tmp_path: Path) -> None:
    raw_path = generate_landing_zone(tmp_path / "raw", accounts=20, months=4, seed=5)
    database = tmp_path / "recipes.duckdb"
    result = run_dbt(["build"], raw_path, database, project_dir=followed)
    assert result.ok, result.output[-5000:]

    published = serving_path(database)
    use_cases = {row[0] for row in query(published, "select use_case from marts.fct_account_use_case_health")}
    assert "Package" in use_cases, use_cases
    paths = query(
        published,
        "select distinct payload_path from marts.dq_metric_path_usage where metric = 'ci_builds_28_days_event'",
    )
    assert ("counts_monthly.ci_builds",) in paths, paths


def test_recipes_followed_as_written_keep_the_structure(followed: Path) -> None:
    """The project's own structure test (python_tests/test_structure.py) passes on the copy."""
    for name in ("conftest.py", "structure.py", "test_structure.py", "metadata_linter_filters.py"):
        (followed / "python_tests").mkdir(exist_ok=True)
        shutil.copy2(PROJECT_ROOT / "python_tests" / name, followed / "python_tests" / name)
    shutil.copy2(PROJECT_ROOT / "pyproject.toml", followed / "pyproject.toml")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "python_tests/test_structure.py", "-q", "-p", "no:cacheprovider"],
        cwd=followed,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
