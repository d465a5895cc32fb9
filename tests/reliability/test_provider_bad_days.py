"""Provider bad days through the real weather stack: the API, ``weather-worker`` and
``weather-beat`` (their Procfile lines) on a one-second interval, against the local fake
provider, and the portal page rendered by the web app over that API.

For each kind of trouble (500, 429, hang, truncated JSON, wrong types) ten rounds of
fetches pass (each: one more attempt per place, read from the API's /metrics). After
every round, for every place: the API answers the last good reading (never
a blank field), the rendered page prints no unit without its number and no empty value,
and the shared breaker opens (read as the weather service's own tests read it).
Between kinds the provider is good again and a new reading (a new temperature) comes in;
every other kind starts from a reading without pressure, humidity and wind, the case
the old portal printed as "Áp suất không khí hPa".
"""

from __future__ import annotations

import re
import socket
from collections import Counter
from html.parser import HTMLParser

import pytest
import requests
from reliability_kit import figures

from portalkit.redis_client import connect
from support.servers import wait_until
from support.stack import Stack
from weather.breaker import SharedBreaker
from web.app import create_app
from web.settings import Settings as WebSettings

pytestmark = pytest.mark.slow

INTERVAL_S = 1.0
CYCLES = 10
KINDS = {
    "500": {"mode": "500"},
    "429": {"mode": "429", "retry_after": 1},
    "hang": {"mode": "hang", "seconds": 1.5},
    "truncated": {"mode": "truncated"},
    "wrong-types": {"mode": "wrong-types"},
}
MEASURES = ("temperature_c", "temp_min_c", "temp_max_c", "pressure_hpa", "humidity_pct", "wind_kmh")
UNITS = ("hPa", "%", "km/h", "°C", "°")
ATTEMPTS = ("stored", "failed", "rate-limited", "cooldown", "breaker-open")
STACK_ENV = {
    "WEATHER_INTERVAL_S": str(INTERVAL_S),
    "WEATHER_CONNECT_TIMEOUT_S": "0.3",
    "WEATHER_READ_TIMEOUT_S": "0.4",
    "WEATHER_RETRIES": "1",
    "WEATHER_BACKOFF_S": "0.05",
    "WEATHER_BACKOFF_MAX_S": "0.1",
    "WEATHER_RETRY_AFTER_MAX_S": "1",
    "WEATHER_BREAKER_FAIL_MAX": "5",
    "WEATHER_BREAKER_RESET_S": "2",
    "WEATHER_WORKER_CONCURRENCY": "2",
}


class WeatherBoxText(HTMLParser):
    """The text of the page's weather box (``section.weather-box``)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.depth or (tag == "section" and "weather-box" in classes):
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)

    @classmethod
    def of(cls, page: str) -> str:
        parser = cls()
        parser.feed(page)
        return " ".join(" ".join(parser.parts).split())


def blank_spots(text: str) -> list[str]:
    """Units without a number before them, and empty values ("gió km/h", "mây, .")."""
    spots = []
    for unit in UNITS:
        for match in re.finditer(re.escape(unit), text):
            before = text[max(0, match.start() - 2) : match.start()]
            if not re.search(r"\d\s?$", before) and not (unit == "°" and "°C" in text):
                spots.append(text[max(0, match.start() - 25) : match.end()])
    for match in re.finditer(r"[,:]\s*[.,;]|\s[.,]|\(\s*\)", text):
        spots.append(text[max(0, match.start() - 25) : match.end() + 5])
    return spots


def blank_fields(value) -> int:
    if isinstance(value, dict):
        return sum(blank_fields(item) for item in value.values())
    if isinstance(value, list):
        return sum(blank_fields(item) for item in value)
    return int(value == "")


def fetch_attempts(api: str) -> int:
    """Fetches that reached a decision about the provider, across all workers (/metrics)."""
    text = requests.get(api + "/metrics", timeout=5).text
    counts = re.findall(r'^weather_fetches_total\{outcome="([a-z-]+)"\} ([0-9.e+]+)$', text, re.M)
    return int(sum(float(value) for outcome, value in counts if outcome in ATTEMPTS))


def reading_of(body: dict) -> dict:
    return {key: body[key] for key in (*MEASURES, "condition", "observed_at")}


@pytest.fixture
def weather_stack(redis_url, tmp_path):
    stack = Stack(tmp_path, redis_url, env=STACK_ENV)
    stack.provider.set("ok", temperature=20.0)
    stack.migrate()
    stack.start("articles", "weather", "weather-worker", "weather-beat")
    try:
        wait_until(
            lambda: requests.get(stack.url("weather") + "/v1/weather", timeout=2).ok, 90, 0.2
        )
        yield stack
    except AssertionError:
        logs = "\n".join(f"--- {n}\n{stack.output(n)[-3000:]}" for n in stack.processes)
        raise AssertionError(f"no first weather reading:\n{logs}") from None
    finally:
        stack.close()


@pytest.fixture
def web_client(weather_stack, redis_url):
    closed = socket.socket()  # the counter is not needed: a port nothing answers on
    closed.bind(("127.0.0.1", 0))
    nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}"
    app = create_app(
        WebSettings(
            redis_url=redis_url,
            articles_url=weather_stack.url("articles"),
            counter_url=nowhere,
            weather_url=weather_stack.url("weather"),
            weather_cache_s=0,
            page_cache_s=0,
        )
    )
    app.config["TESTING"] = True
    yield app.test_client()
    closed.close()


def test_ten_intervals_of_each_bad_day_serve_the_last_good_reading(
    weather_stack, web_client, redis_url
):
    api = weather_stack.url("weather")
    places = [p["slug"] for p in requests.get(api + "/v1/locations", timeout=5).json()["items"]]
    breaker = SharedBreaker(
        connect(redis_url), "open-meteo", fail_max=5, reset_s=2, probe_lease_s=1
    )
    provider = weather_stack.provider
    report: dict[str, dict] = {}
    problems: list[str] = []

    def readings() -> dict[str, dict]:
        return {slug: requests.get(f"{api}/v1/weather/{slug}", timeout=5).json() for slug in places}

    for number, (kind, options) in enumerate(KINDS.items()):
        temperature = 21.0 + number
        missing = number % 2 == 1
        provider.set("missing" if missing else "ok", temperature=temperature)
        wait_until(
            lambda t=temperature: all(r["temperature_c"] == t for r in readings().values()),
            timeout=60,
            interval=0.3,
        )
        good = {slug: reading_of(body) for slug, body in readings().items()}
        options = dict(options)
        asked_before = provider.total_requests()
        provider.set(options.pop("mode"), **options)
        states: Counter[str] = Counter()
        statuses: Counter[int] = Counter()
        blanks = spots = changed = 0
        for _cycle in range(CYCLES):
            attempts = fetch_attempts(api)
            wait_until(
                lambda a=attempts: fetch_attempts(api) >= a + len(places), timeout=60, interval=0.2
            )
            states[breaker.state()] += 1
            for slug in places:
                reply = requests.get(f"{api}/v1/weather/{slug}", timeout=5)
                statuses[reply.status_code] += 1
                if reply.status_code != 200:
                    problems.append(f"{kind}: {slug} answered {reply.status_code}")
                    continue
                body = reply.json()
                blanks += blank_fields(body)
                if reading_of(body) != good[slug]:
                    changed += 1
                    problems.append(f"{kind}: {slug} changed to {reading_of(body)}")
            for slug in (places[0], places[-1]):
                page = web_client.get(f"/?place={slug}")
                text = WeatherBoxText.of(page.get_data(as_text=True))
                found = blank_spots(text)
                if page.status_code != 200 or not text or found:
                    problems.append(f"{kind}: page for {slug}: {page.status_code} {found} {text}")
                spots += len(found) + (not text)
        report[kind] = {
            "started_from": "missing" if missing else "full",
            "api_statuses": dict(statuses),
            "changed": changed,
            "blank_fields": blanks,
            "page_blank_spots": spots,
            "breaker": dict(states),
            "provider_calls": provider.total_requests() - asked_before,
        }

    provider.set("ok", temperature=30.0)
    wait_until(
        lambda: all(r["temperature_c"] == 30.0 for r in readings().values()), 60, interval=0.3
    )
    line = figures(
        "provider-bad-days",
        **{kind: report[kind] for kind in KINDS},
        recovered=breaker.state(),
    )

    assert not problems, (line, problems[:10])
    for kind in KINDS:
        assert report[kind]["breaker"].get("open", 0) >= 1, line
        assert report[kind]["blank_fields"] == 0 and report[kind]["page_blank_spots"] == 0, line
    assert breaker.state() == "closed", line
