"""HTML error pages for people; problem+json stays for the operational endpoints."""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from newsroom.desk_api import ApiError
from portalkit.errors import http_exception_response, unavailable_response
from portalkit.problems import problem
from portalkit.redis_errors import is_redis_trouble

log = logging.getLogger(__name__)
MACHINE_PATHS = ("/healthz", "/readyz", "/metrics")
MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    403: "Bạn không có quyền làm việc này.",
    404: "Không tìm thấy trang.",
    409: "Thao tác xung đột với dữ liệu hiện có.",
    405: "Phương thức không được hỗ trợ.",
    413: "Dữ liệu gửi lên quá lớn.",
    429: "Quá nhiều yêu cầu; hãy thử lại sau.",
    500: "Đã có lỗi; lỗi đã được ghi lại.",
    502: "Dịch vụ bài viết trả lời không như mong đợi.",
    503: "Một dịch vụ đang không trả lời; hãy thử lại sau ít phút.",
}


def error_page(status: int, message: str = "") -> Response:
    body = render_template("error.html", status=status, message=message or MESSAGES.get(status, ""))
    return Response(body, status=status, mimetype="text/html")


def init_app(app: Flask, unavailable: tuple[type[BaseException], ...]) -> None:
    """Registered after ``init_http`` so these handlers take precedence for pages."""

    @app.errorhandler(CSRFError)
    def _csrf(_exc: CSRFError) -> Response:
        return error_page(400, "Phiên biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang.")

    @app.errorhandler(ApiError)
    def _refused(exc: ApiError) -> Response:
        log.warning("an API refused the desk: %s", exc)
        return error_page(exc.status if exc.status in (403, 404, 409) else 502)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        if request.path.startswith(MACHINE_PATHS):
            return http_exception_response(exc)
        return error_page(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if isinstance(exc, unavailable) or is_redis_trouble(exc):
            if request.path.startswith(MACHINE_PATHS):
                return unavailable_response(exc)
            log.warning("backing service unavailable: %s", exc)
            return error_page(503)
        log.exception("unhandled error")
        if request.path.startswith(MACHINE_PATHS):
            return problem(500, "an unexpected error occurred; it has been logged")
        return error_page(500)
