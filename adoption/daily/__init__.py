"""The scheduled job (`python -m adoption.daily`, docs/performance.md "The daily job").

It runs `dbt build` only when something the build reads has changed since the build that
published the set BI tools read: a landing file, the project (models, macros, seeds, tests,
snapshots, configuration) or the clock (a month closing, a ping rejected as future falling
due). When nothing has, it says so, naming that build, and leaves the published set as it is.
"""
