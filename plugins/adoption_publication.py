"""dbt-duckdb plugin: what publishing needs that SQL cannot do.

One build at a time: before dbt opens the build database, the plugin takes an
exclusive lock on `<build database>.lock` (held until the process ends, however
it ends), so a second job stops at once with a message naming the running one,
before it changes anything.

At run start (`check`), a misconfigured published file stops the run before
anything is built: `ADOPTION_SERVING_PATH` must name a file (not a directory),
in a directory that exists and can be written, and not the build database.

The publish step (macros/publication/) first claims its work file
`<published>.publishing-<build id>` (`prepare`): it takes an exclusive lock on
`<work file>.lock`, held until the process ends, and removes the work files of
builds that are provably gone (their lock is free, or they never had one),
never those of a live build publishing to the same path from another build
database. It then writes every mart into the work file and `publish`es it: the
file is made durable and renamed over the published file in one `rename(2)`:
a BI tool that has the old file open keeps reading it (its inode lives on until
it closes), a process opens the new one once it has no connection to the path
left open (DuckDB shares one database instance per path within a process), and
nobody ever sees half a file. Any failure of these steps ends in one documented line, `Nothing
published: <why, with the OS error>. The published set is unchanged.`, with the
work file removed.

Registered in profiles.yml (`plugins`, `module_paths`); nothing else imports it.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import glob
import os
from typing import Any

from dbt.adapters.duckdb.credentials import DuckDBCredentials
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.duckdb.utils import TargetConfig
from dbt_common.exceptions import DbtRuntimeError

# A file being written for publication: `<published file><suffix><build id>`, and its build's lock.
WORK_FILE_SUFFIX = ".publishing-"
LOCK_SUFFIX = ".lock"
# How a misconfiguration found at run start ends.
STOPPED = "This run stopped before building anything; the published set is unchanged."


def fsync_path(path: str) -> None:
    """Flush a file, or a directory's entries, to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class PublicationError(RuntimeError):
    """A publication setting or step that cannot work; its text is the whole message."""


def check_published_file(published_file: str, build_database: str) -> None:
    """Stop the run, naming the setting, when `published_file` cannot be the published file."""
    setting = f"ADOPTION_SERVING_PATH ({published_file})"
    directory = os.path.dirname(os.path.abspath(published_file))
    if os.path.isdir(published_file):
        raise PublicationError(f"{setting} is a directory; it must name the published DuckDB file. {STOPPED}")
    same = os.path.realpath(published_file) == os.path.realpath(build_database)
    if not same and os.path.exists(published_file) and os.path.exists(build_database):
        same = os.path.samefile(published_file, build_database)
    if same:
        raise PublicationError(
            f"{setting} is the build database DBT_DUCKDB_PATH ({build_database}); the published set must be "
            f"another file, which BI tools read while builds rewrite the build database. {STOPPED}"
        )
    if not os.path.isdir(directory):
        raise PublicationError(f"{setting}: its directory {directory} does not exist. {STOPPED}")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise PublicationError(
            f"{setting}: its directory {directory} cannot be written (a publication writes a new file "
            f"beside the published one, then renames it). {STOPPED}"
        )


def replace_published_file(work_file: str, published_file: str) -> None:
    """Atomically replace `published_file` with the finished `work_file`."""
    if not os.path.isfile(work_file):
        raise RuntimeError(f"the new published file {work_file} was not written")
    if os.path.exists(work_file + ".wal"):
        raise RuntimeError(f"{work_file} still has a write-ahead log; it was not closed cleanly")
    directory = os.path.dirname(os.path.abspath(published_file))
    if os.path.dirname(os.path.abspath(work_file)) != directory:
        raise RuntimeError("the new file must be written beside the published one (same file system)")
    fsync_path(work_file)
    os.replace(work_file, published_file)
    fsync_path(directory)


def remove_quietly(*paths: str) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            os.remove(path)


def claim_work_file(work_file: str) -> int:
    """A descriptor holding the exclusive lock of `work_file`'s build: `<work file>.lock`, made under
    a temporary name, locked, then renamed into place, so that another build never finds it unlocked
    while this one lives."""
    lock_path = work_file + LOCK_SUFFIX
    if os.path.lexists(work_file) or os.path.lexists(lock_path):
        raise RuntimeError(f"{work_file} (or its lock) is already there; it is this build's work file")
    # Not named like a work file: a scan by another build never mistakes it for one.
    temporary = os.path.join(os.path.dirname(os.path.abspath(lock_path)), f".adoption-publication-lock-{os.getpid()}")
    descriptor = os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(temporary, lock_path)
    except BaseException:
        os.close(descriptor)
        remove_quietly(temporary)
        raise
    return descriptor


def build_is_gone(work_file: str) -> bool:
    """True when the build that wrote `work_file` no longer runs: its lock is free, or it has none
    (a work file is only ever written after its lock is taken)."""
    try:
        descriptor = os.open(work_file + LOCK_SUFFIX, os.O_RDONLY)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True


def remove_work_files(published_file: str, keep: str | None = None) -> list[str]:
    """Remove the work files (with their WAL and lock) of builds that are gone; leave a live build's,
    `keep`, and anything named like a work file that is a directory (not ours). Returns the work
    files removed."""
    found = glob.glob(glob.escape(published_file + WORK_FILE_SUFFIX) + "*")
    # A work file, its WAL or its lock: each names the work file of one build.
    work_files = {path.removesuffix(".wal").removesuffix(LOCK_SUFFIX) for path in found} - {keep}
    removed = []
    for work_file in sorted(work_files):
        if os.path.isdir(work_file) or not build_is_gone(work_file):
            continue
        if os.path.isfile(work_file):
            removed.append(work_file)
        # The lock last: until it is gone, a later scan still sees this work file's build as it was.
        remove_quietly(work_file, work_file + ".wal", work_file + LOCK_SUFFIX)
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

    * `check`: stop the run when `location.path` (the published file) is misconfigured;
    * `prepare`: claim `location.path` (this build's work file), remove the work files of gone builds;
    * `publish`: replace `config['published_file']` with `location.path` (the work file).

    A failure of `prepare` or `publish` removes this build's work file and is reported as the
    documented `Nothing published: ...` line.
    """

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self.lock_descriptor: int | None = None
        self.work_file_descriptors: dict[str, int] = {}

    def update_connection_config(self, creds: DuckDBCredentials, config: dict[str, Any]) -> None:
        if self.lock_descriptor is None and creds.path and creds.path != ":memory:":
            self.lock_descriptor = take_build_lock(creds.path)

    def store(self, target_config: TargetConfig) -> None:
        """Do `config['action']`; a failure is not raised but written to `config['failure']` (one
        sentence, with the OS error), which the calling macro reads: an exception here would surface
        in dbt as an interrupted run, not as the hook's own error."""
        config: dict[str, Any] = target_config.config if target_config.config is not None else {}
        path = target_config.location.path if target_config.location else None
        action = config.get("action")
        if not path or action not in ("check", "prepare", "publish"):
            raise RuntimeError(f"publication: no file given, or an unknown action {action!r}")
        try:
            if action == "check":
                check_published_file(path, config["build_database"])
            elif action == "prepare":
                check_published_file(config["published_file"], config["build_database"])
                self.work_file_descriptors[path] = claim_work_file(path)
                remove_work_files(config["published_file"], keep=path)
            else:
                replace_published_file(path, config["published_file"])
                self.release_work_file(path)
        except (OSError, RuntimeError) as error:
            if action == "check":
                config["failure"] = str(error)
                return
            self.release_work_file(path)
            why = str(error).removesuffix(STOPPED).strip().rstrip(".")
            config["failure"] = f"Nothing published: the publish step failed: {why}. The published set is unchanged."

    def release_work_file(self, work_file: str) -> None:
        """Remove this build's work file (when still there) and its lock."""
        remove_quietly(work_file, work_file + ".wal")
        descriptor = self.work_file_descriptors.pop(work_file, None)
        if descriptor is not None:
            remove_quietly(work_file + LOCK_SUFFIX)
            os.close(descriptor)
