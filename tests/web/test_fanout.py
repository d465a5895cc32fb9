"""An article page's reads run side by side and carry the page's request id."""

from __future__ import annotations

import threading

from portalkit.logging import request_id_var
from web.fanout import gather


def test_gathered_calls_see_the_request_id_of_the_page(app):
    with app.test_request_context("/", headers={"X-Request-ID": "page-42"}):
        app.preprocess_request()
        results = gather(first=request_id_var.get, second=request_id_var.get)

    assert results == {"first": "page-42", "second": "page-42"}


def test_calls_run_concurrently(app):
    both_started = threading.Barrier(2, timeout=5)

    def part() -> str:
        both_started.wait()  # only returns when the other call is running too
        return "ok"

    with app.test_request_context("/"):
        results = gather(article=part, weather=part)

    assert results == {"article": "ok", "weather": "ok"}


def test_a_failing_call_gives_its_exception_and_spares_the_others(app):
    def broken() -> None:
        raise ConnectionError("counter is down")

    with app.test_request_context("/"):
        results = gather(views=broken, article=lambda: {"id": 1})

    assert isinstance(results["views"], ConnectionError)
    assert results["article"] == {"id": 1}
