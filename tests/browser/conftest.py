"""Headless Chromium against the whole Procfile stack, web process included.

Debian's Chromium is used (CHROMIUM_PATH, else /usr/bin/chromium). Without it the
suite skips on a developer machine and fails under CI, where it must run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
import requests
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from support.ci import missing
from support.portal_content import Content
from support.servers import ROOT, RedisServer, wait_until
from support.stack import Stack

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PROCESSES = (
    "articles",
    "articles-relay",
    "articles-worker",
    "counter",
    "counter-consumer",
    "weather",
    "weather-worker",
    "weather-beat",
    "web",
    "web-consumer",
    "newsroom",
)
# Headless Chromium says "HeadlessChrome", which the counter rightly takes for a bot.
READER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Safari/537.36"
)
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations = window.__cspViolations || [];
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def chromium_path() -> str | None:
    wanted = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    found = shutil.which(wanted)
    return found if found else None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    if path is None:
        missing("Chromium not found (set CHROMIUM_PATH or install Debian's chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=path, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    redis_server = RedisServer().start()
    # A slower read timeout than production's 1 s: the test machine is shared and busy,
    # and a page missing a part because of the machine's load is not what is under test.
    # Rendered pages are kept 2 s instead of 10: a test waiting for a new count waits less.
    portal = Stack(
        tmp_path_factory.mktemp("stack"),
        redis_server.url,
        env={"API_READ_TIMEOUT_S": "5", "PAGE_CACHE_S": "2"},
    )
    try:
        portal.migrate()
        portal.start(*PROCESSES)
        yield portal
    finally:
        portal.close()
        redis_server.cleanup()


@pytest.fixture(scope="session")
def content(stack: Stack) -> Content:
    made = Content.publish(stack, economy_articles=3)
    made.wait_until_consumed(groups=("counter", "web"))
    wait_until(lambda: requests.get(stack.url("weather") + "/v1/weather", timeout=2).ok, 60, 0.2)
    return made


@pytest.fixture
def web_cache(stack: Stack) -> Iterator[redis.Redis]:
    """The web's own page cache (its ``web:`` keys in the stack's Redis)."""
    client = redis.Redis.from_url(stack.env["REDIS_URL"], decode_responses=True)
    yield client
    client.close()


@dataclass
class Problems:
    """What a page must never show: console errors, uncaught exceptions, CSP violations."""

    console: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def allow(self, text: str) -> None:
        """A console message the test expects (the browser's note on a 404 document)."""
        self.allowed.append(text)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            self.console.append(f"{message.type}: {message.text}")

    def unexpected(self) -> list[str]:
        return [line for line in self.console if not any(a in line for a in self.allowed)]


@pytest.fixture
def context(browser: Browser, stack: Stack, content: Content) -> Iterator[BrowserContext]:
    """A fresh reader: no cookies, no stored font size."""
    reader = browser.new_context(base_url=stack.url("web"), locale="vi-VN", user_agent=READER)
    reader.add_init_script(CSP_LISTENER)
    yield reader
    reader.close()


@pytest.fixture
def problems() -> Problems:
    return Problems()


@pytest.fixture
def page(context: BrowserContext, problems: Problems) -> Iterator[Page]:
    """A page whose console errors and CSP violations fail the test that made them."""
    tab = context.new_page()
    tab.on("console", problems.on_console)
    tab.on("pageerror", lambda error: problems.exceptions.append(str(error)))
    yield tab
    violations = tab.evaluate("window.__cspViolations || []") if not tab.is_closed() else []
    assert problems.unexpected() == [], "console errors"
    assert problems.exceptions == [], "uncaught exceptions"
    assert violations == [], "CSP violations"


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
