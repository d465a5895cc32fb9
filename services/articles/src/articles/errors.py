"""What the domain functions raise; the API turns each into its problem+json answer."""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, detail: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """A slug (or another unique value) already taken."""

    status = 409


class PreconditionFailed(DomainError):
    """``If-Match`` named a version that is no longer current."""

    status = 412


class Invalid(DomainError):
    """Fields that are well-formed but do not fit the data (an unknown category...)."""

    status = 422

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("some fields are invalid; see errors", errors)


class PayloadTooLarge(DomainError):
    status = 413


class UnsupportedMediaType(DomainError):
    """A file whose content is not one of the accepted types."""

    status = 415


class Forbidden(DomainError):
    """A valid token without the scope this change needs."""

    status = 403
