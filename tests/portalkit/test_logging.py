"""One JSON object per log line, carrying the service and the request id."""

from __future__ import annotations

import json
import subprocess
import sys


def test_a_request_is_logged_as_one_json_line_with_its_request_id():
    code = (
        "import sys, logging; sys.path.insert(0, 'tests/portalkit')\n"
        "from demo_app import create_app\n"
        "from portalkit.logging import configure_logging\n"
        "configure_logging('demo', 'INFO')\n"
        "app = create_app()\n"
        "app.test_client().get('/v1/things/boom', headers={'X-Request-ID': 'rid-42'})\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    error = next(line for line in lines if line["msg"] == "unhandled error")
    assert error["level"] == "ERROR"
    assert error["service"] == "demo"
    assert error["request_id"] == "rid-42"
    assert "exc_info" in error
