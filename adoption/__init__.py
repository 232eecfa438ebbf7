"""Python that users run over the published set of marts (docs/publishing.md).

`adoption.published` opens the published DuckDB file read-only; `adoption.report` writes the
CSM report (`python -m adoption.report`, `./scripts/report.sh`; docs/report.md).
"""
