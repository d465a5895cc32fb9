"""Redis and PostgreSQL keep their data in named volumes across `down` and `up`.

Runs last in this folder: it takes the whole stack down and brings it up again.
"""

from __future__ import annotations

import pytest
import requests
from harness import podman, wait_healthy

# The first test to ask for the stack builds and starts it: minutes on a fresh machine.
pytestmark = pytest.mark.timeout(1800)


def test_the_article_and_its_count_survive_down_and_up(stack, published):
    article_id = published.article["id"]
    reply = requests.get(f"{stack.url}/api/views/v1/views/{article_id}", timeout=30)
    assert reply.status_code == 200, f"{reply.text}\ngateway:\n{stack.gateway_errors()}"
    views = reply.json()
    assert views["views"] >= 1

    stack.stack("down")
    assert not stack.containers("articles", every=True)
    volumes = podman("volume", "ls", "--quiet").split()
    assert {f"{stack.project}_postgres-data", f"{stack.project}_redis-data"} <= set(volumes)

    stack.stack("up", "--no-build")
    wait_healthy(stack)
    article = requests.get(f"{stack.url}/api/articles/v1/articles/{article_id}", timeout=30)
    assert article.status_code == 200
    assert article.json()["title"] == published.article["title"]
    page = requests.get(published.page_url, timeout=30)
    assert page.status_code == 200 and published.article["title"] in page.text
    after = requests.get(f"{stack.url}/api/views/v1/views/{article_id}", timeout=30).json()
    assert after["views"] == views["views"]
    assert after["unique_visitors"] == views["unique_visitors"]
