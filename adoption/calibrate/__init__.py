"""Calibration: the distribution of each measure's account values, the share of account-months
and ARR in each color under the current thresholds, and the same for the CSM-confirmed
reference accounts, from the published set. Run it with `./scripts/calibrate.sh` or
`python -m adoption.calibrate`; docs/calibration.md."""
