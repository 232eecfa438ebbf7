"""The what-if preview: what a candidate seed change would do, before it ships (docs/preview.md).

`python -m adoption.preview CANDIDATE_DIR` (or ./scripts/preview.sh) checks the candidate seed
files, builds the models the comparison needs in a scratch location from the published build's
inputs (schema `build_inputs` of the published file) with the candidate seeds, and reports what
would change against the published set. It reads the published file read-only, never opens the
build database, and never publishes.
"""
