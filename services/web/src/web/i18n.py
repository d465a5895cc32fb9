"""Vietnamese first, with an English switch for the interface (``?lang=en``, then a cookie).

The templates are written in Vietnamese; the English catalog translates them. Article
text is not translated: it is shown as the newsroom wrote it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, request
from flask_babel import Babel, get_locale

LANGUAGES = ("vi", "en")
DEFAULT = "vi"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def select_locale() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE)
    return remembered if remembered in LANGUAGES else DEFAULT


def current_language() -> str:
    return str(get_locale() or DEFAULT)


def url_with_language(code: str) -> str:
    """The current page in another language."""
    args = request.args.to_dict()
    args["lang"] = code
    return f"{request.path}?{urlencode(args)}"


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale, default_locale=DEFAULT, default_timezone="UTC")
    app.jinja_env.globals.update(
        current_language=current_language, url_with_language=url_with_language
    )

    @app.after_request
    def _remember_language(response: Response) -> Response:
        asked = request.args.get("lang")
        if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
            response.set_cookie(
                COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True
            )
        if response.mimetype == "text/html":
            response.vary.add("Cookie")
        return response
