"""The editor's form: what a person typed, turned into the articles API's fields.

The form is kept as typed (:class:`Draft`) so that a refused save, a 412 above all, shows
the person their own text again, never the server's in its place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.datastructures import MultiDict

PORTAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TEXT_FIELDS = ("title", "summary", "category", "author", "source", "language", "body_html")


class FormError(ValueError):
    """What is wrong with the form, by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Draft:
    """The editor's fields as strings, as the person typed them."""

    title: str = ""
    summary: str = ""
    category: str = ""
    author: str = ""
    source: str = ""
    language: str = "vi"
    body_html: str = ""
    tags: str = ""
    publish_date: str = ""
    publish_time: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: MultiDict[str, str]) -> Draft:
        values = {name: form.get(name, "").strip() for name in TEXT_FIELDS}
        values["body_html"] = form.get("body_html", "")
        return cls(
            **values,
            tags=form.get("tags", ""),
            publish_date=form.get("publish_date", ""),
            publish_time=form.get("publish_time", ""),
        )

    @classmethod
    def from_article(cls, article: dict[str, Any]) -> Draft:
        category = article.get("category") or {}
        published = _local(article.get("published_at"))
        return cls(
            title=article.get("title") or "",
            summary=article.get("summary") or "",
            category=category.get("slug", "") if isinstance(category, dict) else str(category),
            author=article.get("author") or "",
            source=article.get("source") or "",
            language=article.get("language") or "vi",
            body_html=article.get("body_html") or "",
            tags=", ".join(article.get("tags") or []),
            publish_date=published.strftime("%Y-%m-%d") if published else "",
            publish_time=published.strftime("%H:%M:%S") if published else "",
        )

    def fields(self) -> dict[str, Any]:
        """The API's fields for a save (status and time are the workflow's)."""
        errors = {}
        if not self.title:
            errors["title"] = "Cần có tiêu đề."
        if not self.category:
            errors["category"] = "Hãy chọn chuyên mục."
        if errors:
            raise FormError(errors)
        values = {name: getattr(self, name) for name in TEXT_FIELDS}
        values["tags"] = [tag.strip() for tag in self.tags.split(",") if tag.strip()]
        return values

    def publish_at(self) -> str:
        """The scheduled time, typed in the portal's zone, as ISO 8601 with its offset."""
        moment = None
        for shape in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
            try:
                moment = datetime.strptime(f"{self.publish_date} {self.publish_time}", shape)
                break
            except ValueError:
                continue
        if moment is None:
            raise FormError({"publish_date": "Hãy nhập ngày và giờ đăng."})
        moment = moment.replace(tzinfo=PORTAL_ZONE)
        if moment <= datetime.now(PORTAL_ZONE):
            raise FormError({"publish_date": "Giờ hẹn phải ở tương lai."})
        return moment.isoformat()

    def fields_as_typed(self) -> dict[str, Any]:
        """The text fields without checks, for showing the person what they wrote."""
        values: dict[str, Any] = {name: getattr(self, name) for name in TEXT_FIELDS}
        values["tags"] = [tag.strip() for tag in self.tags.split(",") if tag.strip()]
        return values


def _local(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).astimezone(PORTAL_ZONE)
    except ValueError:
        return None
