"""The production shape for real: every image built, the Compose stack up under podman.

One stack serves the whole folder (bringing it up takes minutes): its .env is generated
with random secrets, the gateway published on a free loopback port, and the weather
worker pointed at a fake Open-Meteo on this host. The tests run in file order and the
last one takes the stack down and up again; after it, the stack goes down for good.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from harness import ComposeStack, require_tools, wait_healthy, write_env

from support.provider import FakeProvider
from support.servers import free_port, wait_until

PROJECT = "portaltest"


@pytest.fixture(scope="session")
def provider():
    # Containers reach this host at host.containers.internal, not at its loopback.
    fake = FakeProvider(host="0.0.0.0").start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, provider) -> ComposeStack:
    require_tools()
    workdir = tmp_path_factory.mktemp("compose")
    port = free_port()
    token = secrets.token_hex(16)
    write_env(
        workdir / ".env",
        {
            "GATEWAY_HOST_PORT": f"127.0.0.1:{port}",
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "OPEN_METEO_URL": (
                f"http://host.containers.internal:{provider.server.server_port}/v1/forecast"
            ),
            "WEB_CONCURRENCY": "1",
        },
        api_tokens=f"editor:{token}",
    )
    stack = ComposeStack(workdir, PROJECT, port)
    stack.token = token
    stack.stack("down", "--volumes", "--remove-orphans")  # what a run cut short left
    started = time.monotonic()
    _up.append(stack)
    try:
        stack.stack("up", "--local-images")
        wait_healthy(stack)
        print(f"\nimages built and the stack healthy in {time.monotonic() - started:.0f} s")
        yield stack
    finally:
        _take_down()


_up: list[ComposeStack] = []
"""The stack while it runs (one at most)."""
HERE = Path(__file__).parent


def _take_down() -> None:
    while _up:
        _up.pop().stack("down", "--volumes", "--remove-orphans")


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After this folder's last test the stack goes down, not at the end of the whole
    session: the rest of the suite runs without a dozen containers and their checks."""
    if nextitem is None or not nextitem.path.is_relative_to(HERE):
        _take_down()


@pytest.fixture(scope="session")
def editor(stack) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {stack.token}"
    return session


@dataclass
class Published:
    article: dict
    page_url: str
    first_view: dict


@pytest.fixture(scope="session")
def published(stack, editor) -> Published:
    """An article published through the gateway, and the first view of one visitor."""
    api = stack.url + "/api/articles/v1"
    made = editor.post(
        api + "/categories",
        json={"slug": "tin-trong-tinh", "name": "Tin trong tỉnh"},
        timeout=30,
    )
    assert made.status_code in (201, 409), made.text
    created = editor.post(
        api + "/articles",
        json={
            "title": "Yên Bái: Sơ kết công tác bảo đảm an ninh trật tự",
            "summary": "Bài viết do bộ kiểm thử container đăng.",
            "body_html": "<p>CTTĐT - Nội dung bài viết.</p>",
            "category": "tin-trong-tinh",
            "status": "published",
        },
        timeout=30,
    )
    assert created.status_code == 201, created.text
    article = created.json()
    page_url = f"{stack.url}/{article['category']['slug']}/{article['slug']}-{article['id']}.html"

    # The counter counts from publication on, which it learns from the article events
    # (articles' outbox -> relay -> stream -> counter-consumer).
    replies: list[requests.Response] = []

    def counted() -> dict | None:
        replies.append(stack.view(article["id"], "container-reader"))
        answer = replies[-1].json() if replies[-1].status_code == 200 else {}
        return answer if answer.get("counted") else None

    try:
        first_view = wait_until(counted, timeout=90, interval=1)
    except AssertionError:
        raise AssertionError(f"the view was never counted: {replies[-1].text}") from None
    return Published(article, page_url, first_view)
