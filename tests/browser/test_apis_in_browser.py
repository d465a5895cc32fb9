"""The APIs in Chromium: each one's interactive docs render from the API's own origin (no
CDN) and "Try it out" gets a 200, directly and through the gateway's prefix; a page on
another origin reads the public lists only when that origin is in CORS_ORIGINS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from support.api_stack import ApiStack, running_api_stack

pytestmark = pytest.mark.browser

# (service, gateway prefix, an operation "Try it out" can run without input)
APIS = [
    ("articles", "/api/articles", "/v1/articles"),
    ("counter", "/api/views", "/v1/top"),
    ("weather", "/api/weather", "/v1/locations"),
]


@pytest.fixture(scope="module")
def api_stack(tmp_path_factory) -> Iterator[ApiStack]:
    yield from running_api_stack(tmp_path_factory)


@pytest.fixture
def docs_tab(browser: Browser, problems) -> Iterator[Page]:
    """A tab that fails its test on console errors or requests leaving loopback."""
    context = browser.new_context()
    tab = context.new_page()
    tab.on("console", problems.on_console)
    tab.on("pageerror", lambda error: problems.exceptions.append(str(error)))
    outside: list[str] = []
    tab.on(
        "request",
        lambda req: None if req.url.startswith("http://127.0.0.1:") else outside.append(req.url),
    )
    yield tab
    context.close()
    assert outside == [], "the docs page reached beyond the API"
    assert problems.unexpected() == [], "console errors"
    assert problems.exceptions == [], "uncaught exceptions"


def try_it_out(tab: Page, path: str) -> None:
    """Open the GET operation at ``path``, press Try it out, Execute, expect a 200."""
    operation = tab.locator(f".opblock-get:has(.opblock-summary-path[data-path='{path}'])")
    operation.locator(".opblock-summary").first.click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text("200", timeout=15_000)


@pytest.mark.parametrize(("service", "prefix", "path"), APIS)
def test_docs_render_and_try_it_out_works_directly(
    docs_tab: Page, api_stack: ApiStack, service, prefix, path
):
    reply = docs_tab.goto(api_stack.stack.url(service) + "/docs")

    assert reply.status == 200
    expect(docs_tab.locator(".swagger-ui .info .title")).to_be_visible(timeout=15_000)
    try_it_out(docs_tab, path)
    request_url = docs_tab.locator(".request-url pre").first.inner_text()
    assert request_url.startswith(api_stack.stack.url(service) + path)


@pytest.mark.parametrize(("service", "prefix", "path"), APIS)
def test_docs_render_and_try_it_out_works_through_the_gateway(
    docs_tab: Page, api_stack: ApiStack, service, prefix, path
):
    reply = docs_tab.goto(api_stack.gateway.url + prefix + "/docs")

    assert reply.status == 200
    expect(docs_tab.locator(".swagger-ui .info .title")).to_be_visible(timeout=15_000)
    try_it_out(docs_tab, path)
    request_url = docs_tab.locator(".request-url pre").first.inner_text()
    assert request_url.startswith(api_stack.gateway.url + prefix + path)


def test_the_gateway_serves_each_document_naming_its_prefix(api_stack: ApiStack):
    for _service, prefix, _path in APIS:
        document = requests.get(api_stack.gateway.url + prefix + "/openapi.json", timeout=10)
        assert document.json()["servers"][0]["url"] == prefix


FETCH = """async (url) => {
  try {
    const reply = await fetch(url, {headers: {"X-Request-ID": "cors-check-1"}});
    const body = await reply.json();
    return {status: reply.status, items: body.items.length,
            total: reply.headers.get("X-Total-Count")};
  } catch (error) {
    return {refused: String(error)};
  }
}"""


@pytest.fixture
def other_site(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_a_page_on_a_listed_origin_reads_the_article_list(other_site: Page, api_stack: ApiStack):
    other_site.goto(api_stack.allowed.url + "/")

    answer = other_site.evaluate(FETCH, api_stack.stack.url("articles") + "/v1/articles")

    assert answer["status"] == 200
    assert answer["items"] >= 2


def test_a_page_on_another_origin_is_refused(other_site: Page, api_stack: ApiStack, problems):
    other_site.goto(api_stack.refused.url + "/")

    answer = other_site.evaluate(FETCH, api_stack.stack.url("articles") + "/v1/articles")

    assert "refused" in answer, answer
    assert "Failed to fetch" in answer["refused"]


def test_a_page_on_a_listed_origin_cannot_write(other_site: Page, api_stack: ApiStack):
    other_site.goto(api_stack.allowed.url + "/")

    answer = other_site.evaluate(
        """async (url) => {
          try {
            const reply = await fetch(url, {method: "POST",
              headers: {"Content-Type": "application/json"},
              body: JSON.stringify({article_id: 1})});
            return {status: reply.status};
          } catch (error) { return {refused: String(error)}; }
        }""",
        api_stack.stack.url("counter") + "/v1/views",
    )

    assert "refused" in answer, answer
