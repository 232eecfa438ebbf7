"""The project's structure rules, checked over dbt's manifest.json (and the YAML and seed files it names).

Each check returns the list of what breaks its rule, one readable line each, so that a failing
test says what to fix. The rules (README "Project structure"):

* refs only point down the layers: staging <- intermediate <- marts (a layer may read itself);
* only staging reads sources; marts read no seed;
* every model, column, seed, seed column (every CSV header) and macro is described; an adapter
  variant `<adapter>__<name>` of a macro `<name>` of the project is described by `<name>`'s entry;
* a column description is written once: one shared by two places is a docs block;
* every mart has an enforced contract and a primary-key test (unique, or unique_combination,
  with no `where`);
* the models that carry catalog metric columns list exactly the metric_catalog seed's metrics;
* colors are tested only against the score_color_bands seed, never against a literal list;
* every mart foreign key (account_id, use_case, a text `*_color` column) has a relationships test
  (dbt's, or an entry of the mart's row_checks test);
* no model casts to `varchar(n)`: text is `var('string_type')`;
* every mart is read by an exposure, kept in its folder's `_<folder>__exposures.yml`, which names an
  owner (name and email) and reads marts only.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import yaml

PACKAGE = "adoption_scoring"
LAYERS = {"staging": 0, "intermediate": 1, "marts": 2}
# The docs blocks that describe catalog metric columns (models/_shared__docs.md).
METRIC_DOC = f"doc.{PACKAGE}.col_catalog_metric"
METRIC_PRIORITY_DOC = f"doc.{PACKAGE}.col_catalog_metric_path_priority"
PRIMARY_KEY_TESTS = {"unique", "unique_combination"}
# A mart column -> the models or seeds its relationships test may point to (the accounts mart or
# staging, the use-case seed, the color seed); a text column named `*_color` holds a color.
MART_FOREIGN_KEYS = {
    "account_id": ("dim_accounts", "stg_landing__accounts"),
    "use_case": ("use_cases",),
}
COLOR_PARENT = ("score_color_bands",)
TEXT_TYPES = ("varchar", "text", "string")
# The prefixes of the adapter variants `adapter.dispatch` picks from (`default__` when no engine's own).
ADAPTER_PREFIXES = ("default", "duckdb", "postgres", "spark")


def project_nodes(manifest: dict, resource_type: str) -> dict[str, dict]:
    return {
        key: node
        for key, node in manifest["nodes"].items()
        if node["resource_type"] == resource_type and node["package_name"] == PACKAGE
    }


def yaml_of(node: dict) -> str:
    """The YAML file that describes a model or seed (where a missing entry is to be added)."""
    patch = node.get("patch_path")
    return patch.split("://")[-1] if patch else f"a .yml beside {node['original_file_path']}"


def layer(node: dict) -> str:
    """staging / intermediate / marts: the model's first folder under models/."""
    return node["fqn"][1]


def layer_violations(manifest: dict) -> list[str]:
    models = project_nodes(manifest, "model")
    problems = []
    for _key, node in sorted(models.items()):
        own = layer(node)
        if own not in LAYERS:
            problems.append(f"{node['name']}: in models/{own}/, not in a layer ({', '.join(LAYERS)})")
            continue
        for parent in node["depends_on"]["nodes"]:
            kind = parent.split(".")[0]
            name = parent.split(".")[-1]
            if kind == "model" and parent in models:
                theirs = layer(models[parent])
                if LAYERS.get(theirs, -1) > LAYERS[own]:
                    problems.append(f"{node['name']} ({own}) refs {name} ({theirs}): refs only point down the layers")
            elif kind == "source" and own != "staging":
                problems.append(f"{node['name']} ({own}) reads source {name}: only staging reads sources")
            elif kind == "seed" and own == "marts":
                problems.append(f"{node['name']} (marts) reads seed {name}: marts read no seed")
    return problems


def description_violations(manifest: dict) -> list[str]:
    problems = []
    for kind in ("model", "seed"):
        for node in sorted(project_nodes(manifest, kind).values(), key=lambda n: n["name"]):
            where = yaml_of(node)
            if not node["description"].strip():
                problems.append(f"{kind} {node['name']}: no description: add one to its entry in {where}")
            for column in node["columns"].values():
                if not (column.get("description") or "").strip():
                    problems.append(
                        f"{kind} {node['name']}: column {column['name']} has no description: add one in {where}"
                    )
            if kind == "seed":
                header = seed_header(Path(node["root_path"]) / node["original_file_path"])
                for column in header:
                    if column.lower() not in {name.lower() for name in node["columns"]}:
                        problems.append(
                            f"seed {node['name']}: CSV column {column} is not in its YAML entry: "
                            f"add it, described, to the seed's columns in {where}"
                        )
    macros = {macro["name"]: macro for macro in manifest["macros"].values() if macro["package_name"] == PACKAGE}
    for name, macro in sorted(macros.items()):
        if macro["description"].strip():
            continue
        dispatcher = macros.get(dispatching_macro(name) or "")
        if dispatcher is None:
            problems.append(
                f"macro {name} ({macro['original_file_path']}): no description: add one in {yaml_of(macro)}"
            )
        elif not dispatcher["description"].strip():
            problems.append(
                f"macro {name} ({macro['original_file_path']}): no description, nor has its dispatching macro "
                f"{dispatcher['name']}: add one to {dispatcher['name']} in {yaml_of(dispatcher)}"
            )
    return problems


def dispatching_macro(name: str) -> str | None:
    """`<name>` for an adapter variant `<adapter>__<name>` (which its entry describes), else None."""
    prefix, separator, rest = name.partition("__")
    return rest if separator and prefix in ADAPTER_PREFIXES else None


def seed_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle), [])


def mart_violations(manifest: dict) -> list[str]:
    models = project_nodes(manifest, "model")
    tests_by_model: dict[str, list[dict]] = defaultdict(list)
    for test in project_nodes(manifest, "test").values():
        if test.get("attached_node"):
            tests_by_model[test["attached_node"]].append(test)
    problems = []
    for key, node in sorted(models.items()):
        if layer(node) != "marts":
            continue
        name = node["name"]
        if not node["config"].get("contract", {}).get("enforced"):
            problems.append(
                f"{name}: the mart's contract is not enforced: set contract: {{enforced: true}} in {yaml_of(node)}"
            )
        keys = []
        for test in tests_by_model[key]:
            metadata = test.get("test_metadata") or {}
            if metadata.get("name") not in PRIMARY_KEY_TESTS or test["config"].get("where"):
                continue
            kwargs = metadata.get("kwargs", {})
            keys.append(kwargs.get("columns") or [kwargs.get("column_name")])
        if not keys:
            problems.append(
                f"{name}: no primary-key test: add unique (or unique_combination) without a where in {yaml_of(node)}"
            )
    return problems


def metric_column_violations(manifest: dict, catalog_csv: Path) -> list[str]:
    with catalog_csv.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    metrics = {row["metric"] for row in rows}
    path_counts: dict[str, int] = defaultdict(int)
    for row in rows:
        path_counts[row["metric"]] += 1
    fallback = {metric for metric, count in path_counts.items() if count > 1}
    metric_text = manifest["docs"][METRIC_DOC]["block_contents"].strip()
    priority_text = manifest["docs"][METRIC_PRIORITY_DOC]["block_contents"].strip()
    problems = []
    carriers = 0
    for node in sorted(project_nodes(manifest, "model").values(), key=lambda n: n["name"]):
        described = {
            column["name"] for column in node["columns"].values() if column["description"].strip() == metric_text
        }
        if not described:
            continue
        carriers += 1
        where = yaml_of(node)
        for metric in sorted(metrics - described):
            problems.append(
                f"{node['name']}: catalog metric {metric} is not listed: add `- name: {metric}` with "
                f"`description: '{{{{ doc(\"col_catalog_metric\") }}}}'` to the model's columns in {where}"
            )
        for column in sorted(described - metrics):
            problems.append(
                f"{node['name']}: column {column} is described as a catalog metric but seeds/metric_catalog.csv "
                f"has no such metric: remove the column from {where} (or add the metric's row to the seed)"
            )
        priorities = {
            column["name"] for column in node["columns"].values() if column["description"].strip() == priority_text
        }
        if not priorities:
            continue
        expected = {f"{metric}_path_priority" for metric in fallback}
        for column in sorted(expected - priorities):
            problems.append(
                f"{node['name']}: catalog metric {column.removesuffix('_path_priority')} has several paths: add "
                f"`- name: {column}` with `description: '{{{{ doc(\"col_catalog_metric_path_priority\") }}}}'` "
                f"to the model's columns in {where}"
            )
        for column in sorted(priorities - expected):
            problems.append(
                f"{node['name']}: {column} is described as a path priority but its metric has no second path in "
                f"seeds/metric_catalog.csv: remove the column from {where}"
            )
    if not carriers:
        problems.append(
            "no model lists catalog metric columns: describe each with '{{ doc(\"col_catalog_metric\") }}' "
            "(models/_shared__docs.md) in the three models that carry them"
        )
    return problems


def literal_descriptions(yaml_paths: list[Path]) -> dict[str, list[str]]:
    """Literal (not docs-block) column descriptions of the YAML files -> where each is written."""
    written: dict[str, list[str]] = defaultdict(list)
    for path in yaml_paths:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for kind in ("models", "seeds", "sources"):
            for entry in document.get(kind) or []:
                columns = list(entry.get("columns") or [])
                for table in entry.get("tables") or []:
                    columns += [
                        dict(column, name=f"{table['name']}.{column['name']}") for column in table.get("columns") or []
                    ]
                for column in columns:
                    text = " ".join(str(column.get("description") or "").split())
                    if text and "doc(" not in text:
                        written[text].append(f"{path.name}: {entry['name']}.{column['name']}")
    return written


def repeated_description_violations(yaml_paths: list[Path]) -> list[str]:
    return [
        f"written {len(places)} times, make it one docs block in models/_shared__docs.md: "
        f"{text[:80]!r} ({'; '.join(places)})"
        for text, places in sorted(literal_descriptions(yaml_paths).items())
        if len(places) > 1
    ]


def yaml_files(project_root: Path) -> list[Path]:
    return sorted(
        path
        for folder in ("models", "seeds")
        for path in (project_root / folder).rglob("*.yml")
        if not re.search(r"unit_tests\.yml$", path.name)
    )


def test_metadata(test: dict) -> tuple[str | None, dict]:
    metadata = test.get("test_metadata") or {}
    return metadata.get("name"), metadata.get("kwargs") or {}


def ref_name(to: str) -> str:
    """`ref('x')` (as a test's YAML writes it) -> x."""
    match = re.fullmatch(r"\s*ref\(\s*['\"](\w+)['\"]\s*\)\s*", to or "")
    return match.group(1) if match else (to or "")


def relationships_tested(test: dict) -> list[tuple[str, str]]:
    """(column, parent) of each relationships check a test makes: dbt's test, or row_checks entries."""
    name, kwargs = test_metadata(test)
    if name == "relationships":
        return [(kwargs.get("column_name"), ref_name(kwargs.get("to")))]
    if name == "row_checks":
        return [(entry["column"], ref_name(entry["to"])) for entry in kwargs.get("relationships") or []]
    return []


def yaml_home(node: dict) -> str:
    return (node.get("patch_path") or "").split("://")[-1] or node["original_file_path"]


def color_literal_violations(manifest: dict, color_bands_csv: Path) -> list[str]:
    """No accepted_values test lists a color: colors are checked against the score_color_bands seed."""
    with color_bands_csv.open(newline="", encoding="utf-8") as handle:
        colors = {row["color"] for row in csv.DictReader(handle)}
    models = project_nodes(manifest, "model") | project_nodes(manifest, "seed")
    problems = []
    for test in sorted(project_nodes(manifest, "test").values(), key=lambda n: n["name"]):
        name, kwargs = test_metadata(test)
        lists = {}
        if name == "accepted_values":
            lists[kwargs.get("column_name")] = kwargs.get("values") or []
        elif name == "row_checks":
            lists.update(kwargs.get("accepted_values") or {})
        owner = models.get(test.get("attached_node") or "", {})
        for column, values in sorted(lists.items()):
            if colors & {str(value) for value in values}:
                problems.append(
                    f"{owner.get('name', test['name'])}.{column}: colors tested against a literal list "
                    f"{list(values)}; test them against the seed instead: add "
                    f"{{column: {column}, to: \"ref('score_color_bands')\", field: color}} to the relationships "
                    f"of the model's row_checks test ({yaml_home(owner)})"
                )
    return problems


def mart_foreign_key_violations(manifest: dict) -> list[str]:
    """Every mart foreign key (MART_FOREIGN_KEYS, text `*_color` columns) has a relationships test."""
    tested: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for test in project_nodes(manifest, "test").values():
        if test.get("attached_node"):
            tested[test["attached_node"]].update(relationships_tested(test))
    problems = []
    for key, node in sorted(project_nodes(manifest, "model").items()):
        if layer(node) != "marts":
            continue
        for column in node["columns"].values():
            name = column["name"]
            parents = MART_FOREIGN_KEYS.get(name)
            if parents is None and name.endswith("_color") and (column.get("data_type") or "").lower() in TEXT_TYPES:
                parents = COLOR_PARENT
            if parents is None:
                continue
            parents = tuple(parent for parent in parents if parent != node["name"])
            if any((name, parent) in tested[key] for parent in parents):
                continue
            field = "color" if parents == COLOR_PARENT else name
            problems.append(
                f"{node['name']}.{name}: foreign key without a relationships test; add "
                f"{{column: {name}, to: \"ref('{parents[0]}')\", field: {field}}} to the relationships of "
                f"the mart's row_checks test ({yaml_home(node)})"
            )
    return problems


def varchar_length_violations(root: Path, model_files: list[Path]) -> list[str]:
    """No model casts to varchar(n): a length is a limit no engine needs here, and Spark has none."""
    problems = []
    for path in model_files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in re.finditer(r"varchar\s*\(\s*\d+\s*\)", line, flags=re.IGNORECASE):
                problems.append(
                    f"{path.relative_to(root).as_posix()}:{number}: {match.group(0)} in a model; cast to "
                    f"{{{{ var('string_type')[target.type] }}}} (dbt_project.yml vars) instead"
                )
    return problems


def model_files(project_root: Path) -> list[Path]:
    return sorted((project_root / "models").rglob("*.sql"))


def exposure_violations(manifest: dict) -> list[str]:
    """Every mart is read by some exposure; an exposure lives in its mart folder's
    `_<folder>__exposures.yml`, names an owner with an email, and reads only the published set:
    marts (models under models/marts) and the metrics defined over them, never another model,
    a seed or a source."""
    models = project_nodes(manifest, "model")
    exposures = {key: node for key, node in manifest.get("exposures", {}).items() if node["package_name"] == PACKAGE}
    problems = []
    read: set[str] = set()
    for _key, exposure in sorted(exposures.items()):
        name, path = exposure["name"], exposure["original_file_path"]
        folder = Path(path).parent
        if folder.parent.as_posix() != "models/marts" or Path(path).name != f"_{folder.name}__exposures.yml":
            problems.append(
                f"exposure {name} ({path}): not in a mart folder's exposures file; "
                "move it to models/marts/<folder>/_<folder>__exposures.yml beside the marts it reads"
            )
        owner = exposure.get("owner") or {}
        if not (owner.get("name") or "").strip() or not (owner.get("email") or "").strip():
            problems.append(f"exposure {name} ({path}): no owner with a name and an email: add owner: {{name, email}}")
        for parent in exposure["depends_on"]["nodes"]:
            kind, parent_name = parent.split(".")[0], parent.split(".")[-1]
            if parent in models and layer(models[parent]) == "marts":
                read.add(parent)
            elif kind != "metric":
                where = f"{layer(models[parent])} model" if parent in models else kind
                problems.append(
                    f"exposure {name} ({path}) reads {parent_name} ({where}): exposures read the published "
                    "marts only (or metrics over them)"
                )
    for key, node in sorted(models.items()):
        if layer(node) == "marts" and key not in read:
            folder = node["fqn"][2] if len(node["fqn"]) > 3 else "<folder>"
            problems.append(
                f"{node['name']}: no exposure reads it: add ref('{node['name']}') to the depends_on of the "
                f"dashboard, notebook or application that does, in models/marts/{folder}/_{folder}__exposures.yml"
            )
    return problems
