"""Roles are enforced by the server: admin pages, user management and the audit log."""

from __future__ import annotations

import pytest
from newsroom_kit import login, post_form

from newsroom import extensions
from newsroom.accounts import find_user


@pytest.mark.parametrize("username", ["tac-gia", "bien-tap"])
@pytest.mark.parametrize("path", ["/admin/users", "/admin/audit"])
def test_only_admins_open_admin_pages(client, username, path):
    login(client, username)
    assert client.get(path).status_code == 403


def test_an_author_cannot_create_users_even_with_a_valid_form(app, client):
    login(client, "tac-gia")
    reply = post_form(
        client,
        "/admin/users",
        {"username": "ke-gian", "role": "admin", "password": "mat-khau-ke-gian"},
        "/",
    )

    assert reply.status_code == 403
    with extensions.database(app).session() as session:
        assert find_user(session, "ke-gian") is None


def test_an_admin_creates_a_user_who_can_then_sign_in(app, client):
    login(client, "quan-tri")
    created = post_form(
        client,
        "/admin/users",
        {
            "username": "phong-vien-2",
            "display_name": "Phạm Phóng Viên",
            "role": "author",
            "password": "mat-khau-moi-123",
        },
        "/admin/users",
    )

    assert created.status_code == 302
    assert login(app.test_client(), "phong-vien-2", "mat-khau-moi-123").status_code == 302
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Phạm Phóng Viên" in page
    with extensions.database(app).session() as session:
        stored = find_user(session, "phong-vien-2").password_hash
    assert stored.startswith("$argon2id$")


def test_the_audit_log_shows_who_did_what(client):
    login(client, "quan-tri")
    post_form(
        client,
        "/admin/users",
        {"username": "moi", "role": "editor", "password": "mat-khau-moi-123"},
        "/admin/users",
    )

    page = client.get("/admin/audit").get_data(as_text=True)
    assert "user.created" in page
    assert "quan-tri" in page
    assert "login" in page


def test_a_typed_script_in_a_display_name_is_shown_as_text(client):
    login(client, "quan-tri")
    post_form(
        client,
        "/admin/users",
        {
            "username": "xss",
            "display_name": '<script>alert("x")</script>',
            "role": "author",
            "password": "mat-khau-moi-123",
        },
        "/admin/users",
    )

    page = client.get("/admin/users").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page
