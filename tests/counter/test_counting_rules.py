"""Which views count: published articles, real browsers, outside addresses, once per window."""

from __future__ import annotations

import ipaddress

import pytest
import redis
from counter_kit import BROWSER, auth, view

from support.servers import wait_until

GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
CRAWLERS = [
    GOOGLEBOT,
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "python-requests/2.32.3",
    "curl/8.5.0",
    "Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
]


def test_a_first_view_of_a_published_article_counts_and_answers_the_contract(client, articles):
    articles.publish(42)

    response = view(client, 42, visitor_id="reader-1")

    assert response.status_code == 200
    assert response.get_json() == {"article_id": 42, "views": 1, "counted": True, "reason": None}


def test_the_same_visitor_within_the_window_counts_once(client, articles):
    articles.publish(42)

    replies = [view(client, 42, visitor_id="reader-1").get_json() for _ in range(50)]

    assert replies[0]["counted"] is True
    assert {r["reason"] for r in replies[1:]} == {"duplicate"}
    assert {r["views"] for r in replies} == {1}
    # 1,000 views of one visitor from 50 threads: see test_concurrency.py


def test_an_anonymous_visitor_is_its_address_and_user_agent(client, articles):
    articles.publish(42)

    first = view(client, 42, forwarded_for="203.0.113.7").get_json()
    again = view(client, 42, forwarded_for="203.0.113.7").get_json()
    other_browser = view(client, 42, ua=BROWSER + " Edg/124", forwarded_for="203.0.113.7")
    other_address = view(client, 42, forwarded_for="203.0.113.8").get_json()

    assert (first["counted"], again["reason"]) == (True, "duplicate")
    assert other_browser.get_json()["counted"] is True
    assert other_address["counted"] is True
    assert other_address["views"] == 3


def test_a_visitor_counts_again_after_the_window(make_app, settings, articles):
    client = make_app(settings, count_window_s=1).test_client()
    articles.publish(42)
    assert view(client, 42, visitor_id="reader-1").get_json()["counted"] is True

    counted_again = wait_until(
        lambda: view(client, 42, visitor_id="reader-1").get_json()["counted"], timeout=10
    )

    assert counted_again is True
    assert client.get("/v1/views/42").get_json()["views"] == 2


@pytest.mark.parametrize("agent", CRAWLERS)
def test_crawlers_are_not_counted(client, articles, agent):
    articles.publish(42)

    reply = view(client, 42, visitor_id="bot", ua=agent).get_json()

    assert reply == {"article_id": 42, "views": 0, "counted": False, "reason": "crawler"}


@pytest.mark.parametrize("agent", ["", "   ", "\t"])
def test_an_empty_user_agent_is_a_crawler(client, articles, agent):
    articles.publish(42)

    reply = view(client, 42, visitor_id="someone", ua=agent).get_json()

    assert (reply["counted"], reply["reason"]) == (False, "crawler")
    assert client.get("/v1/views/42").get_json()["views"] == 0


@pytest.mark.parametrize(
    "address", ["10.1.2.3", "10.255.0.1", "192.0.2.10", "2001:db8::5", "::ffff:10.9.9.9"]
)
def test_excluded_addresses_and_ranges_are_not_counted(make_app, settings, articles, address):
    excluded = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "192.0.2.10", "2001:db8::/32"))
    client = make_app(settings, count_exclude_ips=excluded).test_client()
    articles.publish(42)

    reply = view(client, 42, visitor_id="staff", forwarded_for=address).get_json()
    outside = view(client, 42, visitor_id="reader", forwarded_for="198.51.100.1").get_json()

    assert (reply["counted"], reply["reason"]) == (False, "excluded")
    assert (outside["counted"], outside["views"]) == (True, 1)


def test_an_unknown_article_is_not_counted(client, redis_client):
    reply = view(client, 777, visitor_id="reader").get_json()

    assert reply == {"article_id": 777, "views": 0, "counted": False, "reason": "not_published"}
    assert not [k for k in redis_client.scan_iter("counter:article:777:*")]


def test_an_unpublished_article_stops_counting_but_keeps_its_count(client, articles):
    articles.publish(42)
    view(client, 42, visitor_id="a")
    articles.unpublish(42)

    reply = view(client, 42, visitor_id="b").get_json()

    assert reply == {"article_id": 42, "views": 1, "counted": False, "reason": "not_published"}
    articles.publish(42)
    assert view(client, 42, visitor_id="b").get_json()["views"] == 2


def test_a_deleted_article_counts_nothing_and_leaves_no_key(client, articles, redis_client):
    articles.publish(42, 43)
    for visitor in ("a", "b", "c"):
        view(client, 42, visitor_id=visitor)
        view(client, 43, visitor_id=visitor)
    client.get("/v1/top?window=week")  # leaves a cached merge that holds 42

    articles.delete(42)

    assert view(client, 42, visitor_id="d").get_json()["reason"] == "not_published"
    assert client.get("/v1/views/42").get_json() == {
        "article_id": 42,
        "views": 0,
        "unique_visitors": 0,
        "today": 0,
    }
    leftover_keys = [k for k in redis_client.scan_iter("counter:*") if ":42:" in k + ":"]
    sets_holding_it = [
        k
        for k in redis_client.scan_iter("counter:*", _type="zset")
        if redis_client.zscore(k, "42") is not None
    ]
    assert leftover_keys == []
    assert sets_holding_it == []
    assert client.get("/v1/views/43").get_json()["views"] == 3


def test_the_address_comes_from_forwarded_for_only_behind_a_trusted_proxy(
    make_app, settings, articles
):
    # The test client's peer is 127.0.0.1; with no trusted proxy, X-Forwarded-For is ignored.
    untrusting = make_app(settings, trusted_proxies=()).test_client()
    trusting = make_app(
        settings, trusted_proxies=(ipaddress.ip_network("127.0.0.1/32"),)
    ).test_client()
    articles.publish(42)

    assert view(untrusting, 42, forwarded_for="198.51.100.1").get_json()["counted"] is True
    spoofed = view(untrusting, 42, forwarded_for="198.51.100.2").get_json()
    assert spoofed["reason"] == "duplicate"  # same peer, same agent: same visitor
    forwarded = view(trusting, 42, forwarded_for="198.51.100.3").get_json()
    assert forwarded["counted"] is True


def test_forwarded_for_is_read_from_the_right_past_trusted_hops(make_app, settings, articles):
    excluded = (ipaddress.ip_network("192.0.2.0/24"),)
    client = make_app(settings, count_exclude_ips=excluded).test_client()
    articles.publish(42)

    # The left entry is whatever the client wrote; the proxy appended the real peer.
    forged = view(client, 42, visitor_id="x", forwarded_for="198.51.100.9, 192.0.2.4")
    through_two_proxies = view(client, 42, visitor_id="y", forwarded_for="192.0.2.5, 127.0.0.1")

    assert forged.get_json()["reason"] == "excluded"
    assert through_two_proxies.get_json()["reason"] == "excluded"


def test_raw_addresses_are_never_stored(client, articles, redis_url):
    articles.publish(42)
    view(client, 42, forwarded_for="198.51.100.77")
    view(client, 42, visitor_id="cookie-id-123", forwarded_for="198.51.100.78")

    raw = redis.Redis.from_url(redis_url)
    stored = []
    for key in raw.scan_iter(b"counter:*"):
        stored.append(key)
        kind = raw.type(key)
        if kind == b"string":
            stored.append(raw.get(key))
        elif kind == b"zset":
            stored.extend(raw.zrange(key, 0, -1))
    raw.close()

    everything = b"\n".join(stored)
    assert b"198.51.100.77" not in everything
    assert b"198.51.100.78" not in everything
    assert b"cookie-id-123" not in everything


def test_an_address_over_its_rate_gets_429_with_retry_after(make_app, settings, articles):
    client = make_app(settings, rate_limit_per_min=5).test_client()
    articles.publish(42)

    statuses = [
        view(client, 42, visitor_id=f"v{i}", forwarded_for="198.51.100.1").status_code
        for i in range(6)
    ]
    limited = view(client, 42, visitor_id="v9", forwarded_for="198.51.100.1")
    elsewhere = view(client, 42, visitor_id="v10", forwarded_for="198.51.100.2")

    assert statuses == [200] * 5 + [429]
    assert limited.status_code == 429
    assert limited.mimetype == "application/problem+json"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert elsewhere.status_code == 200
    assert client.get("/v1/views/42").get_json()["views"] == 6


def test_one_view_reads_back_with_unique_visitors_and_today(client, articles):
    articles.publish(42)
    for visitor in ("a", "b", "c", "a"):
        view(client, 42, visitor_id=visitor)

    assert client.get("/v1/views/42").get_json() == {
        "article_id": 42,
        "views": 3,
        "unique_visitors": 3,
        "today": 3,
    }


def test_counts_of_several_articles_answer_zero_for_unknown_ids(client, articles):
    articles.publish(1, 2)
    view(client, 1, visitor_id="a")
    view(client, 1, visitor_id="b")
    view(client, 2, visitor_id="a")

    response = client.get("/v1/views?ids=1,2,3")

    assert response.get_json() == {"counts": {"1": 2, "2": 1, "3": 0}}


def test_a_set_count_continues_from_the_migrated_figure(client, articles):
    articles.publish(42)

    put = client.put("/v1/views/42", json={"views": 1799}, headers=auth())
    after = view(client, 42, visitor_id="reader").get_json()

    assert put.status_code == 200
    assert put.get_json() == {"article_id": 42, "views": 1799}
    assert after["views"] == 1800


def test_a_count_near_the_largest_allowed_is_answered_to_the_digit(client, articles):
    # Totals are numbers in Lua: written with every digit, not as 9.007199254741e+15.
    articles.publish(42)
    client.put("/v1/views/42", json={"views": 2**53 - 3}, headers=auth())

    first = view(client, 42, visitor_id="reader-1")
    second = view(client, 42, visitor_id="reader-2")

    assert first.status_code == second.status_code == 200
    assert [first.get_json()["views"], second.get_json()["views"]] == [2**53 - 2, 2**53 - 1]
    assert client.get("/v1/views/42").get_json()["views"] == 2**53 - 1


def test_setting_a_count_needs_a_token(client):
    response = client.put("/v1/views/42", json={"views": 5})

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert client.get("/v1/views/42").get_json()["views"] == 0


def test_a_counted_view_is_one_script_call_by_sha(client, articles, redis_client, auth):
    articles.publish(42)
    view(client, 42, visitor_id="warm-up")  # the script is loaded on first use
    redis_client.config_resetstat()

    for n in range(10):
        assert view(client, 42, visitor_id=f"reader-{n}").get_json()["counted"] is True
    client.post(
        "/v1/views/batch",
        json={"views": [{"article_id": 42, "client_ip": "198.51.100.1", "user_agent": BROWSER}]},
        headers=auth,
    )

    # Redis counts the commands a script runs too; those are the script's own.
    inside_script = {"exists", "set", "incr", "incrby", "expire", "pfadd", "zincrby", "get"}
    calls = {
        name.removeprefix("cmdstat_"): row["calls"]
        for name, row in redis_client.info("commandstats").items()
    }
    sent_by_the_app = set(calls) - inside_script - {"config|resetstat", "info"}
    assert sent_by_the_app == {"evalsha"}
    assert calls["evalsha"] == 11
    assert calls["exists"] == 11  # one published check per view
