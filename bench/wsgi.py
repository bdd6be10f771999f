"""What the benchmark serves: the service's own ``wsgi:app``, unchanged, plus the SQL
statement counter (bench/sqlcount.py) when DHR_BENCH_COUNT_SQL=1."""
import os

from wsgi import app

if os.environ.get("DHR_BENCH_COUNT_SQL") == "1":
    from bench.sqlcount import install

    install(app)
