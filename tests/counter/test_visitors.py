"""Visitor identity: replicas agree on a visitor, a new day brings a new salt."""

from __future__ import annotations

from dataclasses import replace

from counter_kit import view


def test_replicas_without_a_secret_share_the_days_random_salt(make_app, settings, articles):
    no_secret = replace(settings, salt_secret="")
    first = make_app(no_secret).test_client()
    second = make_app(no_secret).test_client()
    articles.publish(42)

    counted = view(first, 42, forwarded_for="198.51.100.1").get_json()
    again_elsewhere = view(second, 42, forwarded_for="198.51.100.1").get_json()

    assert counted["counted"] is True
    assert again_elsewhere["reason"] == "duplicate"


def test_an_anonymous_visitor_gets_a_new_digest_each_day(make_app, settings, articles, clock):
    client = make_app(settings, count_window_s=3 * 86400).test_client()
    articles.publish(42)
    assert view(client, 42, forwarded_for="198.51.100.1").get_json()["counted"] is True

    clock.advance(days=1)

    # Yesterday's digest cannot be linked to today's, so the dedupe marker no longer matches.
    assert view(client, 42, forwarded_for="198.51.100.1").get_json()["counted"] is True
    assert view(client, 42, visitor_id="cookie", forwarded_for="198.51.100.1").get_json()["counted"]
    clock.advance(days=1)
    assert view(client, 42, visitor_id="cookie").get_json()["reason"] == "duplicate"
