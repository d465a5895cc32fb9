"""Vietnamese first, with an English switch for the interface (``?lang=en``, then a cookie).

Article text is not translated. The language and catalog are resolved once per request:
flask-babel's ``gettext`` resolved them on every call, a quarter of a page's render time.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from babel.support import NullTranslations
from flask import Flask, Response, g, request
from flask_babel import Babel, get_translations

from portalkit.http import add_vary, given, request_cookie
from web.links import PAGE_PARAMETERS

LANGUAGES = ("vi", "en")
DEFAULT = "vi"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
_UNTRANSLATED = NullTranslations()


def select_locale() -> str:
    asked = given(request.args, "lang")
    if asked in LANGUAGES:
        return asked
    remembered = request_cookie(COOKIE)
    return remembered if remembered in LANGUAGES else DEFAULT


def current_language() -> str:
    """This request's interface language, resolved on first use."""
    try:
        return g._web_language
    except AttributeError:
        # select_locale's answer is the locale's name: Babel's Locale (get_locale) is
        # made only where a date or number is formatted, not for every page cache key.
        language = g._web_language = select_locale()
        return language
    except RuntimeError:  # no application context: the templates' own language
        return DEFAULT


def _translations() -> NullTranslations:
    """This request's catalog, looked up on first use."""
    try:
        return g._web_translations
    except AttributeError:
        translations = g._web_translations = get_translations()
        return translations
    except RuntimeError:
        return _UNTRANSLATED


def gettext(string: str, **variables: Any) -> str:
    text = _translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


def url_with_language(code: str) -> str:
    """The current page in another language (other query parameters are left out)."""
    args = {name: request.args[name] for name in PAGE_PARAMETERS if name in request.args}
    args["lang"] = code
    return f"{request.path}?{urlencode(args)}"


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale, default_locale=DEFAULT, default_timezone="UTC")
    # Replaces the callables flask-babel installed: the same catalogs, resolved once.
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: _translations().ugettext(string),
        ngettext=lambda singular, plural, n: _translations().ungettext(singular, plural, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(
        current_language=current_language, url_with_language=url_with_language
    )

    @app.after_request
    def _remember_language(response: Response) -> Response:
        asked = given(request.args, "lang")
        if asked in LANGUAGES and request_cookie(COOKIE) != asked:
            response.set_cookie(
                COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True
            )
        if response.mimetype == "text/html":
            add_vary(response, "Cookie")
        return response
