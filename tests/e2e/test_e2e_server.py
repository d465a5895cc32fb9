"""The HTTP server is the one ``HTTP_SERVER`` names, for every service of the Procfile."""

from __future__ import annotations

import requests

from support.stack import HTTP_PROCESSES


def test_every_http_service_is_served_by_the_server_http_server_names(stack, http_server):
    served_by = {
        name: requests.get(stack.url(name) + "/healthz", timeout=10).headers.get("Server", "")
        for name in HTTP_PROCESSES
    }

    assert served_by == {name: http_server for name in HTTP_PROCESSES}
