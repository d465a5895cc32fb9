"""Filters and globals the templates use."""

from __future__ import annotations

from flask import Flask, current_app

from web.formatting import machine_datetime, portal_datetime, portal_number
from web.i18n import current_language, ngettext
from web.links import article_url, category_url, site_root
from web.photos import picture


def view_count(views: int) -> str:
    """``1.799 lượt xem`` (vi), ``1,799 views`` (en)."""
    return ngettext(
        "%(count)s lượt xem",
        "%(count)s lượt xem",
        views,
        count=portal_number(views, current_language()),
    )


def number(value: int) -> str:
    return portal_number(value, current_language())


def portal_name() -> str:
    """The portal's name in the reader's language."""
    config = current_app.config
    return config["PORTAL_NAME_EN"] if current_language() == "en" else config["PORTAL_NAME"]


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        portal_datetime=portal_datetime,
        machine_datetime=machine_datetime,
        view_count=view_count,
        number=number,
        photo=picture,
    )
    app.jinja_env.globals.update(
        article_url=article_url,
        category_url=category_url,
        portal_name=portal_name,
        site_root=site_root,
    )
