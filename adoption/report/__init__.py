"""The CSM report: a static, self-contained HTML site written from the published set
(Account Landscape, a CSM Portfolio per CSM, a Customer 360 per account, CSV exports).
Run it with `./scripts/report.sh` or `python -m adoption.report`; docs/report.md."""
