"""Signing in: session cookies, rotation, lockout that reveals no account, CSRF, logout."""

from __future__ import annotations

import pyotp
from newsroom_kit import csrf_token, login, post_form

from newsroom import extensions
from newsroom.accounts import find_user
from newsroom.guard import COOKIE

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
LOCKED = "Quá nhiều lần đăng nhập sai"


def session_cookie(client):
    return client.get_cookie(COOKIE)


def test_a_signed_in_user_gets_an_http_only_lax_session_cookie(client):
    reply = login(client, "tac-gia")

    assert reply.status_code == 302
    cookie = next(h for h in reply.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # PUBLIC_URL is not https here
    assert client.get("/").status_code == 200


def test_cookies_are_secure_when_the_public_address_is_https(app, settings):
    from dataclasses import replace

    from newsroom.app import create_app

    secure = create_app(replace(settings, public_url="https://portal.example.vn"))
    client = secure.test_client()
    reply = login(client, "tac-gia")

    cookies = reply.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies)
    extensions.database(secure).dispose()


def test_the_session_id_changes_at_sign_in_and_a_planted_one_is_worthless(client):
    client.set_cookie(COOKIE, "planted-by-an-attacker")
    login(client, "tac-gia")
    first = session_cookie(client).value
    assert first != "planted-by-an-attacker"

    login(client, "tac-gia")
    second = session_cookie(client).value
    assert second != first

    client.set_cookie(COOKIE, first)
    assert client.get("/").status_code == 302  # the old id ended


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(client):
    wrong = login(client, "tac-gia", "not-the-password")
    unknown = login(client, "nobody-here", "not-the-password")

    assert wrong.status_code == unknown.status_code == 401
    assert WRONG in wrong.get_data(as_text=True)
    assert WRONG in unknown.get_data(as_text=True)


def test_repeated_failures_lock_an_account_whether_or_not_it_exists(client, settings):
    for name in ("tac-gia", "nobody-here"):
        for _ in range(settings.login_max_failures):
            login(client, name, "guess-guess-guess")

    existing = login(client, "tac-gia")  # the right password, too late
    unknown = login(client, "nobody-here", "guess-guess-guess")

    assert existing.status_code == unknown.status_code == 429
    assert LOCKED in existing.get_data(as_text=True)
    assert LOCKED in unknown.get_data(as_text=True)
    assert session_cookie(client) is None


def test_the_lockout_is_kept_in_redis_not_in_the_process(client, settings, app, redis_client):
    for _ in range(settings.login_max_failures):
        login(client, "bien-tap", "guess-guess-guess")

    assert any(key.startswith("newsroom:login-failures:") for key in redis_client.keys("*"))
    from newsroom.app import create_app

    other = create_app(settings)  # another process of the newsroom
    assert login(other.test_client(), "bien-tap").status_code == 429
    extensions.database(other).dispose()


def test_many_failures_from_one_address_lock_that_address(client, settings):
    for attempt in range(settings.address_max_failures):
        login(client, f"guess-{attempt}", "guess-guess-guess")

    assert login(client, "tac-gia").status_code == 429


def test_a_form_without_its_csrf_token_is_refused(client):
    refused = client.post("/login", data={"username": "tac-gia", "password": "mat-khau-tac-gia-1"})
    assert refused.status_code == 400
    assert session_cookie(client) is None

    login(client, "tac-gia")
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200  # still signed in


def test_logout_ends_the_session_on_the_server(client):
    login(client, "tac-gia")
    token = session_cookie(client).value

    assert post_form(client, "/logout", {}, "/").status_code == 302
    client.set_cookie(COOKIE, token)  # replayed
    assert client.get("/").status_code == 302


def test_disabling_a_user_ends_their_session_at_their_next_request(app, client):
    login(client, "tac-gia")
    assert client.get("/").status_code == 200
    admin = app.test_client()
    login(admin, "quan-tri")
    with extensions.database(app).session() as session:
        author_id = find_user(session, "tac-gia").id

    disabled = post_form(admin, f"/admin/users/{author_id}/active", {"active": "0"}, "/admin/users")

    assert disabled.status_code == 302
    assert client.get("/").status_code == 302
    assert login(client, "tac-gia").status_code == 401


def test_after_sign_in_only_paths_of_the_newsroom_are_followed(client):
    token = csrf_token(client)
    reply = client.post(
        "/login?next=//evil.example/",
        data={
            "csrf_token": token,
            "username": "tac-gia",
            "password": "mat-khau-tac-gia-1",
            "next": "//evil.example/",
        },
    )
    assert reply.headers["Location"] == "/"


def test_a_user_with_totp_needs_the_code_after_the_password(app, client):
    secret = pyotp.random_base32()
    with extensions.database(app).session() as session:
        find_user(session, "bien-tap").totp_secret = secret

    assert login(client, "bien-tap").headers["Location"] == "/login/code"
    assert client.get("/").status_code == 302
    token = csrf_token(client, "/login/code")
    wrong = client.post("/login/code", data={"csrf_token": token, "code": "000000"})
    right = client.post("/login/code", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})

    assert wrong.status_code == 401
    assert right.status_code == 302
    assert client.get("/").status_code == 200


def test_admins_must_enrol_a_second_factor_when_required(app, settings):
    from dataclasses import replace

    from newsroom.app import create_app

    strict = create_app(replace(settings, require_2fa=True))
    client = strict.test_client()
    login(client, "quan-tri")

    assert client.get("/admin/users").headers["Location"] == "/account/2fa"
    page = client.get("/account/2fa").get_data(as_text=True)
    secret = page.split('class="secret">')[1].split("<")[0]
    enrolled = post_form(client, "/account/2fa", {"code": pyotp.TOTP(secret).now()}, "/account/2fa")
    assert enrolled.status_code == 302
    assert client.get("/admin/users").status_code == 200
    extensions.database(strict).dispose()
