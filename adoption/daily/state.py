"""The job's record of what the published build was built from: `<build database>.daily.json`.

Written only after a run of this job published a new build, with the fingerprints taken before
that run started. A file that changed during the run therefore differs from the record, and the
next run builds again: the record never claims more than the build read.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from adoption.daily.inputs import FileStamp, stamps_from_json, stamps_to_json

VERSION = 1


@dataclass
class Record:
    build_id: str
    published_at: datetime
    target: str
    raw_path: str
    published_path: str
    first_open_month: date
    future_pings_due_at: datetime | None
    landing: dict[str, FileStamp] = field(default_factory=dict)
    project: dict[str, FileStamp] = field(default_factory=dict)


def state_path(database: Path) -> Path:
    return database.with_name(database.name + ".daily.json")


def load(path: Path) -> Record | None:
    """The record, or None when there is none (or it is not one this version wrote)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    due = data["future_pings_due_at"]
    return Record(
        build_id=data["build_id"],
        published_at=datetime.fromisoformat(data["published_at"]),
        target=data["target"],
        raw_path=data["raw_path"],
        published_path=data["published_path"],
        first_open_month=date.fromisoformat(data["first_open_month"]),
        future_pings_due_at=None if due is None else datetime.fromisoformat(due),
        landing=stamps_from_json(data["landing"]),
        project=stamps_from_json(data["project"]),
    )


def save(path: Path, record: Record) -> None:
    """Written beside and renamed into place: a reader sees the old record or the new one."""
    due = record.future_pings_due_at
    data = {
        "version": VERSION,
        "build_id": record.build_id,
        "published_at": record.published_at.isoformat(),
        "target": record.target,
        "raw_path": record.raw_path,
        "published_path": record.published_path,
        "first_open_month": record.first_open_month.isoformat(),
        "future_pings_due_at": None if due is None else due.isoformat(),
        "landing": stamps_to_json(record.landing),
        "project": stamps_to_json(record.project),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1, sort_keys=True)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
