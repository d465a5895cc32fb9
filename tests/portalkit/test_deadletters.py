"""``python -m portalkit.deadletters``: an operator sees why an event failed, sends it
back to its stream after the fix, or drops it."""

from __future__ import annotations

import pytest

from portalkit import deadletters
from portalkit.events import ARTICLES_STREAM, DEAD_LETTER_STREAM, ArticlePublished
from portalkit.redis_client import connect
from portalkit.streams import Consumer, EventBus

GROUP = "deadletters-test"


class Handler:
    """Fails every event until fixed; remembers the articles it applied."""

    def __init__(self) -> None:
        self.fixed = False
        self.applied: list[int] = []

    def __call__(self, event, pipe) -> None:
        if not self.fixed:
            raise RuntimeError("the handler has a bug")
        self.applied.append(event.article_id)


@pytest.fixture
def cli(redis_url, monkeypatch, capsys):
    monkeypatch.setenv("REDIS_URL", redis_url)

    def run(*argv: str) -> tuple[int, str, str]:
        status = deadletters.main(list(argv))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.fixture
def failed(redis_url):
    """A consumer whose handler failed article 7 until it was dead-lettered."""
    client = connect(redis_url)
    handler = Handler()
    consumer = Consumer(
        client, ARTICLES_STREAM, GROUP, handler, "test", block_ms=10, max_deliveries=1
    )
    consumer.ensure_group()
    EventBus(client).publish(ArticlePublished(article_id=7, slug="bai-7"))
    consumer.poll()
    consumer.claim_idle_ms = 0
    consumer.reclaim()
    assert client.xlen(DEAD_LETTER_STREAM) == 1
    return client, consumer, handler


def test_list_and_show_say_where_an_event_failed_and_why(failed, cli):
    client, _consumer, _handler = failed
    ((dead_id, _fields),) = client.xrange(DEAD_LETTER_STREAM)

    status, out, _ = cli("list")
    assert status == 0
    assert dead_id in out and GROUP in out and "article.published" in out
    assert "failed 1 deliveries" in out
    assert out.strip().endswith("1 dead letters")

    status, out, _ = cli("show", dead_id)
    assert status == 0
    assert f"stream       {ARTICLES_STREAM}" in out
    assert '"article_id": 7' in out


def test_replay_after_the_fix_applies_the_event_once(failed, cli):
    client, consumer, handler = failed
    ((dead_id, _fields),) = client.xrange(DEAD_LETTER_STREAM)
    handler.fixed = True

    status, out, _ = cli("replay", dead_id)
    consumer.poll()

    assert status == 0 and f"replayed {dead_id}" in out
    assert handler.applied == [7]
    assert client.xlen(DEAD_LETTER_STREAM) == 0
    assert client.xpending(ARTICLES_STREAM, GROUP)["pending"] == 0


def test_drop_removes_it_and_an_unknown_id_is_an_error(failed, cli):
    client, _consumer, _handler = failed
    ((dead_id, _fields),) = client.xrange(DEAD_LETTER_STREAM)

    assert cli("drop", dead_id)[0] == 0
    assert client.xlen(DEAD_LETTER_STREAM) == 0
    for command in ("show", "replay", "drop"):
        status, _out, err = cli(command, dead_id)
        assert status == 1 and f"no dead letter {dead_id}" in err
    assert cli("show", "not-an-id")[0] == 1
