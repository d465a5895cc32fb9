"""Each worker freezes what it made at start: full garbage-collector passes skip it."""

from __future__ import annotations

import pytest
import requests

from support.servers import ROOT, free_port, python_process, wait_http


@pytest.mark.parametrize("target", ["gc_probe_app:create_app()", "gc_probe_app:app"])
@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_a_served_worker_has_frozen_its_start(server, target):
    port = free_port()
    process = python_process(
        ["-m", "portalkit.serve", "-b", f"127.0.0.1:{port}", target],
        env={
            "HTTP_SERVER": server,
            "WEB_CONCURRENCY": "2",
            "PYTHONPATH": str(ROOT / "tests" / "portalkit"),
        },
        name=f"gc-{server}",
    ).start()
    try:
        wait_http(f"http://127.0.0.1:{port}/", timeout=60)
        answers = [requests.get(f"http://127.0.0.1:{port}/", timeout=5).json() for _ in range(8)]
    finally:
        process.stop()

    # the app's 5,000 dicts and everything imported before it, in every worker that answered
    assert all(answer["frozen"] > 5000 for answer in answers), (answers, process.output()[-2000:])


def test_load_app_makes_the_app_then_freezes(monkeypatch):
    import gc

    from portalkit.serve import load_app

    monkeypatch.syspath_prepend(str(ROOT / "tests" / "portalkit"))
    try:
        app = load_app("gc_probe_app:create_app()")
        assert app.__name__ == "app"
        assert gc.get_freeze_count() > 5000
        assert load_app("gc_probe_app:app") is app
    finally:
        gc.unfreeze()
