"""`make bench`: the benchmark (bench/run.py). Never part of the test suite."""
