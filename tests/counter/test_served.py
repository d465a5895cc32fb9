"""The Procfile's counter lines, served for real: the HTTP server plus the consumer process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import requests
from counter_kit import BROWSER

from portalkit.events import ArticlePublished
from portalkit.redis_client import connect
from portalkit.streams import EventBus
from support.servers import ROOT, Process, free_port, wait_http, wait_until


def procfile_command(name: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        process, _, command = line.partition(":")
        if process.strip() == name:
            return command.strip()
    raise AssertionError(f"no {name} line in the Procfile")


def test_the_procfile_processes_count_a_view_end_to_end(redis_url):
    port = free_port()
    env = {
        "REDIS_URL": redis_url,
        "COUNTER_PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    api = Process(procfile_command("counter"), env=env, name="counter", shell=True).start()
    consumer = Process(
        procfile_command("counter-consumer"), env=env, name="counter-consumer", shell=True
    ).start()
    base = f"http://127.0.0.1:{port}"
    bus_client = connect(redis_url)
    try:
        wait_http(f"{base}/healthz", timeout=60)
        assert requests.get(f"{base}/readyz", timeout=5).status_code == 200
        EventBus(bus_client).publish(
            ArticlePublished(article_id=5, slug="bai-5", status="published")
        )

        def counted():
            reply = requests.post(
                f"{base}/v1/views",
                json={"article_id": 5},
                headers={"User-Agent": BROWSER, "X-Forwarded-For": "198.51.100.20"},
                timeout=5,
            ).json()
            return reply["counted"]

        wait_until(counted, timeout=30)
        count = requests.get(f"{base}/v1/views/5", timeout=5).json()
        assert count == {"article_id": 5, "views": 1, "unique_visitors": 1, "today": 1}
        assert requests.get(f"{base}/openapi.json", timeout=5).status_code == 200

        def chunked_body():  # no Content-Length: the limit must hold while reading
            yield b'{"article_id": 5, "visitor_id": "x"'
            for _ in range(20):
                yield b" " * 1024
            yield b"}"

        too_big = requests.post(
            f"{base}/v1/views",
            data=chunked_body(),
            headers={"Content-Type": "application/json", "User-Agent": BROWSER},
            timeout=5,
        )
        assert too_big.status_code == 413
        assert too_big.headers["Content-Type"] == "application/problem+json"
        batch_too_big = requests.post(
            f"{base}/v1/views/batch",
            data=(b" " * 65536 for _ in range(40)),
            headers={
                "Content-Type": "application/json",
                "Authorization": "Bearer dev-editor-token",
            },
            timeout=10,
        )
        assert batch_too_big.status_code == 413
        assert requests.get(f"{base}/v1/views/5", timeout=5).json()["views"] == 1
    except AssertionError:
        print(api.output(), consumer.output())
        raise
    finally:
        bus_client.close()
        api.stop()
        consumer.stop()
    assert '"level": "ERROR"' not in consumer.output(), consumer.output()
