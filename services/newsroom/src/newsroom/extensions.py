"""What the app factory builds for the views, read back typed."""

from __future__ import annotations

from flask_wtf.csrf import CSRFProtect

from newsroom.db import Database
from newsroom.desk_api import DeskApi
from newsroom.lockout import Lockout
from portalkit.extensions import AppSlot

csrf = CSRFProtect()
"""Every POST of the newsroom carries a CSRF token (Flask-WTF)."""
database = AppSlot[Database]("newsroom.database")
lockout = AppSlot[Lockout]("newsroom.lockout")
desk_api = AppSlot[DeskApi]("newsroom.desk_api")
"""The articles, counter and weather APIs, called with the newsroom's token."""
