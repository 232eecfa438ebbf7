"""dbt-duckdb plugin: what publishing needs that SQL cannot do.

One build at a time: before dbt opens the build database, the plugin takes an
exclusive lock on `<build database>.lock` (held until the process ends, however
it ends), so a second job stops at once with a message naming the running one,
before it changes anything.

The publish step (macros/publication/) writes every mart into a new DuckDB file
beside the published one, then calls `adapter.store_relation('adoption_publication',
...)` to put it in place. This plugin's `store` then makes that file durable and
renames it over the published file (`ADOPTION_SERVING_PATH`) in one `rename(2)`:
a BI tool that has the old file open keeps reading it (its inode lives on until it
closes), a new connection opens the new one, and nobody ever sees half a file.
Leftovers of builds killed while writing (`<published>.publishing-*`) are removed.

Registered in profiles.yml (`plugins`, `module_paths`); nothing else imports it.
"""

from __future__ import annotations

import datetime
import fcntl
import glob
import os
from typing import Any

from dbt.adapters.duckdb.credentials import DuckDBCredentials
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.duckdb.utils import TargetConfig
from dbt_common.exceptions import DbtRuntimeError

# A file being written for publication: `<published file><suffix><build id>`.
WORK_FILE_SUFFIX = ".publishing-"


def fsync_path(path: str) -> None:
    """Flush a file, or a directory's entries, to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def replace_published_file(work_file: str, published_file: str) -> None:
    """Atomically replace `published_file` with the finished `work_file`."""
    if not os.path.isfile(work_file):
        raise RuntimeError(f"publication: the new published file {work_file} was not written")
    if os.path.exists(work_file + ".wal"):
        raise RuntimeError(f"publication: {work_file} still has a write-ahead log; it was not closed cleanly")
    directory = os.path.dirname(os.path.abspath(published_file))
    if os.path.dirname(os.path.abspath(work_file)) != directory:
        raise RuntimeError("publication: the new file must be written beside the published one (same file system)")
    fsync_path(work_file)
    os.replace(work_file, published_file)
    fsync_path(directory)


def remove_work_files(published_file: str, keep: str | None = None) -> list[str]:
    """Remove files (and their WALs) left by publications that were killed mid-write;
    create the published file's directory when missing."""
    os.makedirs(os.path.dirname(os.path.abspath(published_file)), exist_ok=True)
    removed = []
    for path in glob.glob(glob.escape(published_file + WORK_FILE_SUFFIX) + "*"):
        if keep and path in (keep, keep + ".wal"):
            continue
        os.remove(path)
        removed.append(path)
    return removed


def take_build_lock(database: str) -> int:
    """An open descriptor holding the exclusive lock of `database`'s builds (DuckDB creates the
    database file, not its directory: a first build in a fresh clone creates it here)."""
    path = database + ".lock"
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(descriptor, 200, 0).decode(errors="replace").strip() or "unknown"
        os.close(descriptor)
        raise DbtRuntimeError(
            f"Another build is running on {database} ({holder}). This run stopped before changing "
            "anything; the published set is unchanged."
        ) from None
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, f"PID {os.getpid()}, started {started}".encode(), 0)
    return descriptor


class Plugin(BasePlugin):
    """Takes the build lock; `store` actions, chosen by `config['action']` (see macros/publication/duckdb.sql):

    * `clean`: remove leftover work files of `location.path` (the published file);
    * `publish`: replace `config['published_file']` with `location.path` (the work file).
    """

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self.lock_descriptor: int | None = None

    def update_connection_config(self, creds: DuckDBCredentials, config: dict[str, Any]) -> None:
        if self.lock_descriptor is None and creds.path and creds.path != ":memory:":
            self.lock_descriptor = take_build_lock(creds.path)

    def store(self, target_config: TargetConfig) -> None:
        config: dict[str, Any] = target_config.config or {}
        path = target_config.location.path if target_config.location else None
        if not path:
            raise RuntimeError("publication: no file given")
        action = config.get("action")
        if action == "clean":
            remove_work_files(path, keep=config.get("keep"))
        elif action == "publish":
            replace_published_file(path, config["published_file"])
        else:
            raise RuntimeError(f"publication: unknown action {action!r}")
