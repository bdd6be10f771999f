"""Fuzzing: schemathesis generates requests from the OpenAPI spec of a running instance
(gunicorn, the invented demo) and sends them with a real token. Every response must be a
non-5xx that matches the spec: status, content type and body schema."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.e2e.server import BIN, ROOT, _env, served

CHECKS = ("not_a_server_error,response_schema_conformance,status_code_conformance,"
          "content_type_conformance")


def test_a_thousand_generated_requests_and_not_one_failure(tmp_path):
    with served(tmp_path) as base:
        token = subprocess.run(
            [str(BIN / "flask"), "dhr", "tokens", "create", "coordinator@bolton.example",
             "bolton", "--name", "fuzzing"], cwd=ROOT, env=_env(tmp_path), check=True,
            capture_output=True, text=True).stdout.strip().splitlines()[-1]
        run = subprocess.run(
            [str(BIN / "schemathesis"), "--config-file", "schemathesis.toml", "run",
             f"{base}/api/v1/openapi.json", "-H", f"Authorization: Bearer {token}",
             "--max-examples", "25", "--seed", "20261123", "--checks", CHECKS,
             "--no-color"],
            cwd=Path(__file__).parent, capture_output=True, text=True, timeout=900)
    report = run.stdout[-4000:]
    generated = re.search(r"(\d+) generated", run.stdout)
    assert generated and int(generated.group(1)) >= 1000, report
    assert run.returncode == 0, report
    print(f"schemathesis: {generated.group(1)} cases, no failures")
