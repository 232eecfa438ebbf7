"""The project guards its own structure: layers, descriptions, contracts, one home per description.

`dbt parse` writes the manifest once (about 10 s, no database; a second or two where the worker's
workplace holds dbt's saved parse); every rule of `structure.py` runs over it, and the metadata
linter dbt-score runs over it with the floor set in pyproject.toml.
Each rule is also shown failing: the same check over a copy of the manifest (or of a YAML file)
broken on purpose must name what broke.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import structure
from conftest import BIN, PROJECT_ROOT, WITH_ARTIFACTS, Workplace, run_dbt

CATALOG = PROJECT_ROOT / "seeds" / "metric_catalog.csv"
COLOR_BANDS = PROJECT_ROOT / "seeds" / "score_color_bands.csv"


@pytest.fixture(scope="module")
def manifest_path(tmp_path_factory: pytest.TempPathFactory, workplace: Workplace) -> Path:
    root = tmp_path_factory.mktemp("structure")
    # parse needs no landing zone and no database file (it never connects). At the workplace's
    # database path, dbt's saved parse of the builds there holds: a second or two, not ten.
    result = run_dbt(["parse", "--quiet"], root / "no_landing_zone", workplace.database, extra_env=WITH_ARTIFACTS)
    assert result.ok, result.output[-3000:]
    target = workplace.root / f"target_{workplace.database.stem}"
    return Path(shutil.copy(target / "manifest.json", root / "manifest.json"))


@pytest.fixture(scope="module")
def manifest(manifest_path: Path) -> dict:
    return json.loads(manifest_path.read_text())


def model_key(name: str) -> str:
    return f"model.{structure.PACKAGE}.{name}"


def test_refs_point_down_the_layers(manifest: dict) -> None:
    assert structure.layer_violations(manifest) == []


def test_everything_is_described(manifest: dict) -> None:
    assert structure.description_violations(manifest) == []


def test_every_mart_has_an_enforced_contract_and_a_primary_key_test(manifest: dict) -> None:
    assert structure.mart_violations(manifest) == []


def test_metric_columns_follow_the_catalog(manifest: dict) -> None:
    assert structure.metric_column_violations(manifest, CATALOG) == []


def test_colors_are_tested_only_against_the_seed(manifest: dict) -> None:
    assert structure.color_literal_violations(manifest, COLOR_BANDS) == []


def test_every_mart_foreign_key_is_tested(manifest: dict) -> None:
    assert structure.mart_foreign_key_violations(manifest) == []


def test_no_model_casts_to_a_sized_varchar() -> None:
    assert structure.varchar_length_violations(PROJECT_ROOT, structure.model_files(PROJECT_ROOT)) == []


def test_no_column_description_is_written_twice() -> None:
    assert structure.repeated_description_violations(structure.yaml_files(PROJECT_ROOT)) == []


def test_every_mart_is_read_by_an_exposure_with_an_owner(manifest: dict) -> None:
    assert structure.exposure_violations(manifest) == []


def test_the_exposure_rule_names_what_breaks_it(manifest: dict) -> None:
    broken = copy.deepcopy(manifest)
    exposures = broken["exposures"]
    notebook = exposures[f"exposure.{structure.PACKAGE}.adoption_analysis_notebook"]
    # The only exposure reading two instance marts lets go of them, reads an intermediate model and a
    # seed instead, and loses its owner's email; another exposure is written outside a mart folder.
    notebook["depends_on"]["nodes"] = [
        model_key("fct_account_measures"),
        model_key("int_account_months"),
        f"seed.{structure.PACKAGE}.use_cases",
    ]
    notebook["owner"] = {"name": "Product analytics", "email": None}
    exposures[f"exposure.{structure.PACKAGE}.data_quality_dashboard"]["original_file_path"] = "models/exposures.yml"
    assert structure.exposure_violations(broken) == [
        "exposure adoption_analysis_notebook (models/marts/instances/_instances__exposures.yml): no owner with a "
        "name and an email: add owner: {name, email}",
        "exposure adoption_analysis_notebook (models/marts/instances/_instances__exposures.yml) reads "
        "int_account_months (intermediate model): exposures read the published marts only (or metrics over them)",
        "exposure adoption_analysis_notebook (models/marts/instances/_instances__exposures.yml) reads use_cases "
        "(seed): exposures read the published marts only (or metrics over them)",
        "exposure data_quality_dashboard (models/exposures.yml): not in a mart folder's exposures file; move it "
        "to models/marts/<folder>/_<folder>__exposures.yml beside the marts it reads",
        "fct_instance_measures: no exposure reads it: add ref('fct_instance_measures') to the depends_on of the "
        "dashboard, notebook or application that does, in models/marts/instances/_instances__exposures.yml",
        "fct_instance_use_case_health: no exposure reads it: add ref('fct_instance_use_case_health') to the "
        "depends_on of the dashboard, notebook or application that does, in "
        "models/marts/instances/_instances__exposures.yml",
    ]


def row_checks(nodes: dict, model: str) -> dict:
    """The arguments of a model's row_checks test, in a (copied) manifest."""
    [test] = [
        node
        for node in nodes.values()
        if node.get("attached_node") == model_key(model)
        and (node.get("test_metadata") or {}).get("name") == "row_checks"
    ]
    return test["test_metadata"]["kwargs"]


def test_each_rule_names_what_breaks_it(manifest: dict, tmp_path: Path) -> None:
    broken = copy.deepcopy(manifest)
    nodes = broken["nodes"]
    # A staging model that refs a mart, an intermediate model that reads a source, a mart that reads a seed.
    nodes[model_key("stg_landing__accounts")]["depends_on"]["nodes"].append(model_key("dim_accounts"))
    nodes[model_key("int_account_months")]["depends_on"]["nodes"].append("source.adoption_scoring.landing.accounts")
    nodes[model_key("dim_accounts")]["depends_on"]["nodes"].append("seed.adoption_scoring.use_cases")
    # A column without a description, a macro without one, a seed column missing from its YAML.
    nodes[model_key("int_account_months")]["columns"]["total_arr"]["description"] = ""
    broken["macros"]["macro.adoption_scoring.build_id"]["description"] = " "
    # Adapter variants with no entry of their own: described by their dispatching macro while it is
    # described (add_months), named with it when it is not (month_start).
    for name in ("default__add_months", "default__month_start", "month_start", "spark__month_start"):
        broken["macros"][f"macro.adoption_scoring.{name}"]["description"] = ""
    del nodes["seed.adoption_scoring.use_cases"]["columns"]["display_order"]
    # A mart whose contract is off, a mart without its primary-key test.
    nodes[model_key("dim_accounts")]["config"]["contract"]["enforced"] = False
    alerts = model_key("fct_adoption_alerts")
    for key, node in list(nodes.items()):
        if node.get("attached_node") == alerts and key.startswith("test.adoption_scoring.unique"):
            del nodes[key]
    # A model that forgets one catalog metric, one with the path priority of a metric that has one path.
    del nodes[model_key("int_instance_monthly_pings")]["columns"]["ci_builds_28_days_event"]
    pings = nodes[model_key("stg_landing__usage_pings")]["columns"]
    pings["license_user_count_path_priority"] = dict(
        pings["billable_user_count_path_priority"], name="license_user_count_path_priority"
    )
    # A mart color checked against a literal list instead of the seed; a mart use_case left untested.
    health = row_checks(nodes, "fct_account_use_case_health")
    health["accepted_values"]["use_case_color"] = ["Red", "Yellow", "Green"]
    health["relationships"] = [entry for entry in health["relationships"] if entry["column"] != "use_case_color"]
    measures = row_checks(nodes, "fct_account_measures")
    measures["relationships"] = [entry for entry in measures["relationships"] if entry["column"] != "use_case"]

    assert structure.layer_violations(broken) == [
        "dim_accounts (marts) reads seed use_cases: marts read no seed",
        "int_account_months (intermediate) reads source accounts: only staging reads sources",
        "stg_landing__accounts (staging) refs dim_accounts (marts): refs only point down the layers",
    ]
    assert structure.description_violations(broken) == [
        "model int_account_months: column total_arr has no description: "
        "add one in models/intermediate/accounts/_accounts__models.yml",
        "seed use_cases: CSV column display_order is not in its YAML entry: "
        "add it, described, to the seed's columns in seeds/_seeds.yml",
        "macro build_id (macros/build_id.sql): no description: add one in macros/_macros.yml",
        "macro default__month_start (macros/cross_db/dates.sql): no description, nor has its dispatching macro "
        "month_start: add one to month_start in macros/cross_db/_cross_db__macros.yml",
        "macro month_start (macros/cross_db/dates.sql): no description: "
        "add one in macros/cross_db/_cross_db__macros.yml",
        "macro spark__month_start (macros/cross_db/dates.sql): no description, nor has its dispatching macro "
        "month_start: add one to month_start in macros/cross_db/_cross_db__macros.yml",
    ]
    assert structure.mart_violations(broken) == [
        "dim_accounts: the mart's contract is not enforced: "
        "set contract: {enforced: true} in models/marts/accounts/_accounts__models.yml",
        "fct_adoption_alerts: no primary-key test: "
        "add unique (or unique_combination) without a where in models/marts/accounts/_accounts__models.yml",
    ]
    # Only what the break added: the project's own state (a recipe half followed) is another test's.
    clean = set(structure.metric_column_violations(manifest, CATALOG))
    assert [p for p in structure.metric_column_violations(broken, CATALOG) if p not in clean] == [
        "int_instance_monthly_pings: catalog metric ci_builds_28_days_event is not listed: add "
        "`- name: ci_builds_28_days_event` with `description: '{{ doc(\"col_catalog_metric\") }}'` "
        "to the model's columns in models/intermediate/pings/_pings__models.yml",
        "stg_landing__usage_pings: license_user_count_path_priority is described as a path priority but "
        "its metric has no second path in seeds/metric_catalog.csv: "
        "remove the column from models/staging/landing/_landing__models.yml",
    ]
    assert structure.color_literal_violations(broken, COLOR_BANDS) == [
        "fct_account_use_case_health.use_case_color: colors tested against a literal list ['Red', 'Yellow', "
        "'Green']; test them against the seed instead: add {column: use_case_color, "
        "to: \"ref('score_color_bands')\", field: color} to the relationships of the model's row_checks test "
        "(models/marts/accounts/_accounts__models.yml)"
    ]
    assert structure.mart_foreign_key_violations(broken) == [
        "fct_account_measures.use_case: foreign key without a relationships test; add {column: use_case, "
        "to: \"ref('use_cases')\", field: use_case} to the relationships of the mart's row_checks test "
        "(models/marts/accounts/_accounts__models.yml)",
        "fct_account_use_case_health.use_case_color: foreign key without a relationships test; add "
        "{column: use_case_color, to: \"ref('score_color_bands')\", field: color} to the relationships of the "
        "mart's row_checks test (models/marts/accounts/_accounts__models.yml)",
    ]

    # A model that casts to a sized varchar.
    sized = tmp_path / "models" / "m_sized.sql"
    sized.parent.mkdir()
    sized.write_text("select\n    cast(x as VARCHAR(10)) as x\nfrom y\n")
    assert structure.varchar_length_violations(tmp_path, [sized]) == [
        "models/m_sized.sql:2: VARCHAR(10) in a model; cast to {{ var('string_type')[target.type] }} "
        "(dbt_project.yml vars) instead"
    ]

    # The same literal description in two YAML files.
    for name in ("a", "b"):
        (tmp_path / f"_{name}.yml").write_text(
            f"version: 2\nmodels:\n  - name: m_{name}\n    columns:\n      - name: c\n"
            "        description: The same words.\n      - name: d\n"
            "        description: '{{ doc(\"col_x\") }}'\n"
        )
    [repeated] = structure.repeated_description_violations(sorted(tmp_path.glob("*.yml")))
    assert "written 2 times" in repeated and "m_a.c" in repeated and "m_b.c" in repeated


def dbt_score(manifest_path: Path) -> subprocess.CompletedProcess:
    """dbt-score with the project's configuration (pyproject.toml: its floor)."""
    return subprocess.run(
        [str(BIN / "dbt-score"), "lint", "--manifest", str(manifest_path), "--show", "failing-items"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )


def project_score(output: str) -> float:
    return float(re.search(r"Project score: \S*?([0-9.]+)", output).group(1))


def test_metadata_linter_keeps_its_floor(manifest_path: Path) -> None:
    result = dbt_score(manifest_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_metadata_linter_fails_below_its_floor(manifest: dict, manifest_path: Path, tmp_path: Path) -> None:
    broken = copy.deepcopy(manifest)
    # A mart that lost its descriptions and its primary-key test.
    mart = broken["nodes"][model_key("dim_accounts")]
    mart["description"] = ""
    for column in mart["columns"].values():
        column["description"] = ""
    for key in [k for k, n in broken["nodes"].items() if n.get("attached_node") == model_key("dim_accounts")]:
        del broken["nodes"][key]
    broken_path = tmp_path / "manifest.json"
    broken_path.write_text(json.dumps(broken))
    result = dbt_score(broken_path)
    assert result.returncode != 0
    assert "dim_accounts" in result.stdout
    assert project_score(dbt_score(manifest_path).stdout) >= project_score(result.stdout)
