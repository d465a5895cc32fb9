"""Helpers for the newsroom's tests: users of each role, signing in through the form."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

PASSWORDS = {
    "tac-gia": "mat-khau-tac-gia-1",
    "bien-tap": "mat-khau-bien-tap-1",
    "quan-tri": "mat-khau-quan-tri-1",
}
ROLES = {"tac-gia": "author", "bien-tap": "editor", "quan-tri": "admin"}
NAMES = {"tac-gia": "Nguyễn Văn Tác", "bien-tap": "Trần Thị Biên", "quan-tri": "Lê Quản Trị"}
CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the form on ``path``, as a browser would read it."""
    page = client.get(path).get_data(as_text=True)
    match = CSRF.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client: FlaskClient, username: str, password: str | None = None):
    token = csrf_token(client)
    return client.post(
        "/login",
        data={
            "csrf_token": token,
            "username": username,
            "password": PASSWORDS.get(username, "") if password is None else password,
        },
    )


def post_form(client: FlaskClient, path: str, data: dict, form_page: str = "/"):
    """A POST carrying the CSRF token of the signed-in session."""
    return client.post(path, data={"csrf_token": csrf_token(client, form_page), **data})
