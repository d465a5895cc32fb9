"""Looking up request values and adding to ``Vary`` without werkzeug's exceptions."""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.datastructures import ImmutableMultiDict

from portalkit.http import add_missing_headers, add_vary, given, request_cookie


def test_given_answers_the_first_value_or_none():
    values = ImmutableMultiDict([("place", "hue"), ("place", "hoi-an"), ("empty", "")])

    assert given(values, "place") == "hue"
    assert given(values, "empty") == ""
    assert given(values, "lang") is None


def test_add_vary_sets_the_header_or_adds_to_it_once():
    bare = Response("x")
    add_vary(bare, "Cookie")
    assert bare.headers.getlist("Vary") == ["Cookie"]

    varied = Response("x", headers={"Vary": "Accept-Encoding"})
    add_vary(varied, "Cookie")
    add_vary(varied, "cookie")
    assert varied.headers["Vary"] == "Accept-Encoding, Cookie"


def test_request_cookie_reads_a_sent_cookie_and_none_without_the_header():
    app = Flask(__name__)
    with app.test_request_context("/", headers={"Cookie": "lang=en; place=hue"}):
        assert request_cookie("place") == "hue"
        assert request_cookie("theme") is None
    with app.test_request_context("/"):
        assert request_cookie("place") is None


def test_add_missing_headers_keeps_what_the_response_set():
    response = Response("x", headers={"x-frame-options": "SAMEORIGIN"})

    add_missing_headers(response, (("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer")))

    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
