"""Talking to the provider: retries with backoff, Retry-After, what counts as a bad reply."""

from __future__ import annotations

import pytest
from werkzeug import Response

from portalkit.http_client import Session
from weather.backoff import window_named
from weather.providers import ProviderRateLimited, ProviderReplyInvalid, ProviderUnavailable
from weather.providers.transport import Transport, parse_retry_after


@pytest.fixture
def waits():
    return []


@pytest.fixture
def transport(waits):
    return Transport(
        session=Session(timeout=(0.5, 0.3)),
        retries=2,
        backoff_s=0.1,
        backoff_max_s=0.4,
        retry_after_max_s=5,
        sleep=waits.append,
    )


def test_a_server_error_is_retried_with_growing_jittered_backoff(httpserver, transport, waits):
    httpserver.expect_ordered_request("/f").respond_with_data("oops", status=500)
    httpserver.expect_ordered_request("/f").respond_with_data("oops", status=503)
    httpserver.expect_ordered_request("/f").respond_with_json({"ok": 1})

    assert transport.get_json(httpserver.url_for("/f"), {}) == {"ok": 1}
    assert len(waits) == 2
    assert 0.05 <= waits[0] <= 0.1 and 0.1 <= waits[1] <= 0.2


def test_a_429_is_retried_after_the_time_it_asks_for(httpserver, transport, waits):
    httpserver.expect_ordered_request("/f").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "2"})
    )
    httpserver.expect_ordered_request("/f").respond_with_json({"ok": 1})

    assert transport.get_json(httpserver.url_for("/f"), {}) == {"ok": 1}
    assert waits == [2.0]


def test_a_429_asking_for_longer_than_allowed_ends_the_attempt(httpserver, transport, waits):
    httpserver.expect_request("/f").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "600"})
    )

    with pytest.raises(ProviderRateLimited) as caught:
        transport.get_json(httpserver.url_for("/f"), {})
    assert caught.value.retry_after == 600
    assert waits == []
    assert len(httpserver.log) == 1


def test_retry_after_reads_seconds_and_http_dates():
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412500) == 10
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_a_reply_that_is_not_json_is_invalid_and_not_retried(httpserver, transport):
    httpserver.expect_request("/f").respond_with_data('{"current": {', status=200)

    with pytest.raises(ProviderReplyInvalid):
        transport.get_json(httpserver.url_for("/f"), {})
    assert len(httpserver.log) == 1


def test_a_hang_past_the_read_timeout_is_unavailable_after_every_retry(provider, transport):
    provider.set("hang", seconds=1)

    with pytest.raises(ProviderUnavailable, match="Timeout"):
        transport.get_json(provider.url, {"latitude": 1, "longitude": 2})
    assert provider.total_requests() == 3


def test_without_retry_a_single_attempt_is_made(httpserver, transport):
    httpserver.expect_request("/f").respond_with_data("oops", status=500)

    with pytest.raises(ProviderUnavailable):
        transport.get_json(httpserver.url_for("/f"), {}, retry=False)
    assert len(httpserver.log) == 1


def test_a_429_without_retry_after_ends_the_attempt_at_once_with_its_reason(provider, transport):
    provider.set("429")

    with pytest.raises(ProviderRateLimited) as caught:
        transport.get_json(provider.url, {"latitude": 1, "longitude": 2})
    assert caught.value.retry_after is None
    assert caught.value.reason.startswith("Minutely API request limit exceeded")
    assert provider.total_requests() == 1


@pytest.mark.parametrize(
    ("reason", "step"),
    [
        ("Minutely API request limit exceeded. Please try again in one minute.", 1),
        ("Hourly API request limit exceeded. Please try again in the next hour.", 2),
        ("Daily API request limit exceeded. Please try again tomorrow.", 3),
        ("Your account is temporary blocked due to exceeding of requests limitation.", 0),
        ("", 0),
    ],
)
def test_the_window_a_429_names_is_read_from_its_reason(reason, step):
    assert window_named(reason) == step
