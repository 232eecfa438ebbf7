"""A candidate directory: methodology seed files, and nothing else (docs/preview.md)."""

from __future__ import annotations

from pathlib import Path


class CandidateError(Exception):
    """The candidate directory cannot be previewed; the text names the file and why."""


def project_seed_names(seeds_dir: Path) -> list[str]:
    """The project's seeds, by name: every `<name>.csv` of seeds/."""
    return sorted(path.stem for path in seeds_dir.glob("*.csv") if path.is_file())


def candidate_files(candidate_dir: Path, seeds_dir: Path) -> list[Path]:
    """Every file of `candidate_dir`, each `<name>.csv` for a seed of the project; else CandidateError."""
    if not candidate_dir.is_dir():
        raise CandidateError(f"{candidate_dir} is not a directory of candidate seed files")
    seeds = set(project_seed_names(seeds_dir))
    files = sorted(candidate_dir.iterdir())
    if not files:
        raise CandidateError(
            f"{candidate_dir} is empty: put the seed files to preview in it (e.g. measure_thresholds.csv)"
        )
    problems = []
    for path in files:
        if path.is_dir():
            problems.append(f"{path}: a directory; a candidate directory holds seed files only")
        elif not path.is_file():
            problems.append(f"{path}: not a regular file")
        elif path.suffix != ".csv" or path.stem not in seeds:
            problems.append(
                f"{path}: not a methodology seed of this project (a candidate file is named like one of "
                f"seeds/*.csv: {', '.join(sorted(seeds))})"
            )
    if problems:
        raise CandidateError("\n".join(problems))
    return files
