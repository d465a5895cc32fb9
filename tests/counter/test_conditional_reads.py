"""Counter reads carry an ETag; If-None-Match with it answers 304 until a view changes them."""

from __future__ import annotations

import pytest
from counter_kit import view


@pytest.mark.parametrize("path", ["/v1/views/42", "/v1/views?ids=42,43", "/v1/top?window=all"])
def test_an_unchanged_count_is_a_304_and_a_new_view_a_200(client, articles, path):
    articles.publish(42, 43)
    view(client, 42, visitor_id="reader-1")
    first = client.get(path)

    same = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    view(client, 42, visitor_id="reader-2")
    changed = client.get(path, headers={"If-None-Match": first.headers["ETag"]})

    assert first.status_code == 200 and first.headers["ETag"]
    assert same.status_code == 304
    assert same.data == b""
    assert same.headers["ETag"] == first.headers["ETag"]
    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_a_write_carries_no_etag(client, articles):
    articles.publish(42)

    reply = view(client, 42, visitor_id="reader-1")

    assert "ETag" not in reply.headers
