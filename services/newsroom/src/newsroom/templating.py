"""Filters and globals the newsroom's templates use."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask

PORTAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
STATUS_NAMES = {
    "draft": "Bản nháp",
    "review": "Chờ duyệt",
    "scheduled": "Hẹn giờ",
    "published": "Đã đăng",
    "archived": "Lưu trữ",
}
ROLE_NAMES = {"author": "Phóng viên", "editor": "Biên tập viên", "admin": "Quản trị"}


def local_time(value: datetime | str | None) -> str:
    """``dd/mm/yyyy HH:MM:SS`` in the portal's zone; empty for no time."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is None:
        return value.strftime("%d/%m/%Y %H:%M:%S")
    return value.astimezone(PORTAL_ZONE).strftime("%d/%m/%Y %H:%M:%S")


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_time=local_time,
        status_name=lambda status: STATUS_NAMES.get(status, status),
        role_name=lambda role: ROLE_NAMES.get(role, role),
    )
    app.jinja_env.globals.update(STATUS_NAMES=STATUS_NAMES)
