"""What the benchmark serves: the service's own ``wsgi:app``, unchanged, plus, for the
benchmark only:

- ``DHR_BENCH_COUNT_SQL=1``: the SQL statement counter (bench/sqlcount.py);
- ``DHR_BENCH_AUDIT_OFF=1``: audit writes switched off, so one run can compare the same
  requests with and without them (issue 12: with audit on, 50 clients over 50 partnerships
  must keep at least 0.8 × the throughput without). The service itself has no such switch:
  only this file, which production never serves, replaces ``core.audit.service.record``.
"""
import os

from wsgi import app

if os.environ.get("DHR_BENCH_COUNT_SQL") == "1":
    from bench.sqlcount import install

    install(app)

if os.environ.get("DHR_BENCH_AUDIT_OFF") == "1":
    from bench.audit_off import install as audit_off

    audit_off()
