"""Condense `dbt build` output for a person watching: a progress line every few seconds instead of
one line per node, every problem line in full, and dbt's closing lines. Reads dbt's output on
stdin (the full log is still written by dbt to its log file).

    dbt build | python scripts/lib/dbt_progress.py
"""

from __future__ import annotations

import re
import sys
import time

NODE_DONE = re.compile(r"\b(\d+) of (\d+) (OK|PASS|WARN|ERROR|FAIL|SKIP|NO-OP)\b")
SHOW = re.compile(
    r"\b(ERROR|FAIL|WARN)\b|Nothing published|Published |Publication guard "
    r"|Database Error|Compilation Error|Runtime Error"
)
CLOSING = re.compile(r"^(Done\.|Finished running|Completed with|Completed successfully)")
EVERY_SECONDS = 5.0
MIN_NODES = 20


def main() -> int:
    began = last = time.monotonic()
    closing = False
    for raw in sys.stdin:
        line = re.sub(r"\x1b\[[0-9;]*m", "", raw.rstrip("\n"))
        text = re.sub(r"^\d\d:\d\d:\d\d\s+", "", line)
        done = NODE_DONE.search(text)
        now = time.monotonic()
        if CLOSING.match(text):
            closing = True
        if closing or (SHOW.search(text) and not (done and done.group(3) in ("OK", "PASS", "SKIP", "NO-OP"))):
            print(text, flush=True)
        # Hooks are numbered apart ("1 of 4"): only the build's nodes make progress lines.
        elif done and int(done.group(2)) >= MIN_NODES and now - last >= EVERY_SECONDS:
            print(f"    {done.group(1)} of {done.group(2)} nodes done ({now - began:.0f} s)", flush=True)
            last = now
        elif text.startswith("Running with dbt") or text.startswith("Found "):
            print(text, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
