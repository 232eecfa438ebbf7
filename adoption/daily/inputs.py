"""What a build reads, fingerprinted: every landing file, every project file dbt reads, and the
two things the clock decides (which months are complete, which future-stamped pings are due).

File contents are hashed (sha256). As git does for its index, a file whose size, modification
time, change time and inode are those recorded with its hash is not read again: a daily run
re-reads only the files that were written since, not the whole landing zone.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# What dbt reads of the project: a change to any of these can change what a build publishes.
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "selectors.yml")
PROJECT_DIRS = ("models", "macros", "seeds", "snapshots", "tests", "plugins")
SKIPPED_PARTS = {"__pycache__"}
READ_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileStamp:
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    sha256: str

    def same_file_as(self, stat: os.stat_result) -> bool:
        return (self.size, self.mtime_ns, self.ctime_ns, self.inode) == (
            stat.st_size,
            stat.st_mtime_ns,
            stat.st_ctime_ns,
            stat.st_ino,
        )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def stamp(path: Path, known: FileStamp | None) -> FileStamp:
    """The file's stamp; its recorded hash reused when the file is untouched since."""
    stat = path.stat()
    if known is not None and known.same_file_as(stat):
        return known
    digest = sha256_of(path)
    # Written while being hashed: hash again once it holds still, so the stamp matches the bytes.
    after = path.stat()
    if (after.st_size, after.st_mtime_ns) != (stat.st_size, stat.st_mtime_ns):
        return stamp(path, None)
    return FileStamp(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, digest)


def files_under(root: Path, entries: Iterable[str] | None = None) -> Iterator[Path]:
    """Every file under `root` (or under its `entries`), in a stable order."""
    tops = [root] if entries is None else [root / entry for entry in entries]
    for top in tops:
        if top.is_file():
            yield top
        elif top.is_dir():
            for path in sorted(top.rglob("*")):
                if path.is_file() and not SKIPPED_PARTS.intersection(path.relative_to(root).parts):
                    yield path


def stamps(root: Path, known: dict[str, FileStamp], entries: Iterable[str] | None = None) -> dict[str, FileStamp]:
    """{path relative to root: stamp} of every file under `root` (or its `entries`)."""
    found = {}
    for path in files_under(root, entries):
        name = path.relative_to(root).as_posix()
        found[name] = stamp(path, known.get(name))
    return found


def stamps_from_json(data: dict[str, dict]) -> dict[str, FileStamp]:
    return {name: FileStamp(**fields) for name, fields in data.items()}


def stamps_to_json(found: dict[str, FileStamp]) -> dict[str, dict]:
    return {name: asdict(value) for name, value in found.items()}


def changed_files(before: dict[str, FileStamp], now: dict[str, FileStamp]) -> list[str]:
    """'<file> added' / 'changed' / 'removed', by file name."""
    lines = []
    for name in sorted(before.keys() | now.keys()):
        if name not in before:
            lines.append(f"{name} added")
        elif name not in now:
            lines.append(f"{name} removed")
        elif before[name].sha256 != now[name].sha256:
            lines.append(f"{name} changed")
    return lines


def project_vars(project_root: Path = PROJECT_ROOT) -> dict:
    with (project_root / "dbt_project.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle).get("vars") or {}


def first_open_month(now: datetime, grace_days: float) -> date:
    """The first month that is not complete (macros/complete_months.sql): the month of the
    data cut-off, `now` (UTC) minus `month_complete_grace_days`."""
    cutoff = now - timedelta(days=grace_days)
    return date(cutoff.year, cutoff.month, 1)


def future_pings_due_at(recorded_at: list[datetime | None], tolerance_hours: float) -> datetime | None:
    """When the earliest ping rejected as future_recorded_at would be accepted: its stamp minus
    `future_ping_tolerance_hours` (macros/landing/ping_parse_plan.sql). A stamp that cannot be
    read is due at once (datetime.min): the build decides, not this job."""
    if not recorded_at:
        return None
    if any(value is None for value in recorded_at):
        return datetime.min
    return min(recorded_at) - timedelta(hours=tolerance_hours)
