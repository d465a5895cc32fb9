"""The outbox backlog and the relay's figures, as Prometheus reads them."""

from __future__ import annotations

from prometheus_client import generate_latest

from articles.relay import Relay
from support.scrape import sample


def relay_figures(relay: Relay) -> str:
    return generate_latest(relay.metrics.registry).decode()


def test_the_relay_reports_the_backlog_until_it_sends_it(make_article, db, settings):
    make_article(title="Một")
    make_article(title="Hai")
    relay = Relay(settings, database=db)

    before = relay_figures(relay)
    assert sample(before, "articles_outbox_pending_events") == 2
    assert sample(before, "articles_outbox_oldest_age_seconds") > 0
    assert sample(before, "articles_relay_published_events_total") == 0

    relay.run_once()
    after = relay_figures(relay)
    assert sample(after, "articles_outbox_pending_events") == 0
    assert sample(after, "articles_outbox_oldest_age_seconds") == 0
    assert sample(after, "articles_relay_published_events_total") == 2


def test_the_api_reports_the_backlog_too(client, make_article):
    make_article()
    text = client.get("/metrics").get_data(as_text=True)
    assert sample(text, "articles_outbox_pending_events") == 1
    assert sample(text, "articles_outbox_oldest_age_seconds") >= 0
