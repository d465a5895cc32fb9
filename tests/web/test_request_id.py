"""A page's X-Request-ID goes with every call the web process makes to the APIs.

The web runs as its Procfile process; between it and each API process a forwarder
records what the API received and what it echoed back.
"""

from __future__ import annotations

import pytest
import requests

from support.forwarder import Forwarder
from support.servers import Process, wait_http

APIS = ("articles", "counter", "weather")


@pytest.fixture
def forwarders(stack):
    """One forwarder in front of each API process of the stack."""
    made = {name: Forwarder(stack.url(name)).start() for name in APIS}
    yield made
    for forwarder in made.values():
        forwarder.stop()


@pytest.fixture
def web_process(stack, content, forwarders, redis_url):
    """The web's Procfile process, reaching the APIs through the forwarders."""
    env = {**stack.env, "REDIS_URL": redis_url}  # an empty cache: every part is fetched
    env.update({f"{name.upper()}_URL": forwarder.url for name, forwarder in forwarders.items()})
    web = Process("exec " + stack.commands["web"], env=env, name="web", shell=True).start()
    try:
        wait_http(stack.url("web") + "/healthz", timeout=60)
        yield stack.url("web")
    finally:
        web.stop()


def test_a_page_passes_its_request_id_to_every_api_it_calls(web_process, forwarders, content):
    item = content.feature
    for forwarder in forwarders.values():
        forwarder.forget()

    page = requests.get(
        f"{web_process}/{item['category']['slug']}/{item['slug']}-{item['id']}.html",
        headers={"X-Request-ID": "reader-page-0042"},
        timeout=30,
    )

    assert page.status_code == 200
    assert page.headers["X-Request-ID"] == "reader-page-0042"
    for name, forwarder in forwarders.items():
        calls = forwarder.exchanges
        assert calls, f"the page called {name} for nothing"
        ids = {(call.sent_id, call.echoed_id) for call in calls}
        assert ids == {("reader-page-0042", "reader-page-0042")}, (name, calls)


def test_what_the_web_keeps_it_asks_the_apis_for_as_current(web_process, forwarders, content):
    """The web keeps what it reads until an event says it changed, so it must not be
    given what an API process read a moment before that change."""
    item = content.feature
    for forwarder in forwarders.values():
        forwarder.forget()

    page = requests.get(
        f"{web_process}/{item['category']['slug']}/{item['slug']}-{item['id']}.html"
    )

    assert page.status_code == 200
    for name, forwarder in forwarders.items():
        gets = [call for call in forwarder.exchanges if call.method == "GET"]
        assert gets and {call.cache_control for call in gets} == {"no-cache"}, (name, gets)
