"""The problem body: always JSON, whatever keys the validation errors came with."""

from __future__ import annotations

from flask import Flask

from portalkit.problems import problem


def test_errors_keyed_none_are_answered_not_a_500():
    with Flask(__name__).app_context():
        response = problem(422, errors={None: ["Unknown field."], "file": ["Missing data."]})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "_unnamed": ["Unknown field."],
        "file": ["Missing data."],
    }
