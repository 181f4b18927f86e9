"""Every API answer is JSON, refusals included: ``{"error": ..., "field": ..., "code": ...}``.

Views raise ``ApiError`` (or a service's ``DomainError``); the blueprint turns both, and any
HTTP error raised inside an API view, into that shape. Unknown paths and wrong methods under
/api/v1 never reach a view, so a ``before_app_request`` hook answers them in the same shape
(the pages' own error handlers would answer HTML, or JSON of another shape).
"""

from __future__ import annotations

from flask import Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from outlet_pos.core.errors import DomainError, PermissionDenied
from outlet_pos.core.errors import NotFound as DomainNotFound

PREFIX = "/api/v1"

MESSAGES = {
    400: ("bad_request", "Permintaan tidak valid."),
    401: ("unauthorized", "Token API wajib dikirim: Authorization: Bearer <token>."),
    403: ("forbidden", "Akses ditolak."),
    404: ("not_found", "Tidak ditemukan."),
    405: ("method_not_allowed", "Metode HTTP ini tidak didukung untuk alamat ini."),
    409: ("conflict", "Permintaan bertabrakan dengan permintaan sebelumnya."),
    413: ("too_large", "Badan permintaan terlalu besar."),
    415: ("unsupported_media_type", "Kirim badan permintaan sebagai application/json."),
    422: ("unprocessable", "Permintaan ditolak oleh aturan usaha."),
    429: ("too_many_requests", "Terlalu banyak permintaan; tunggu sebentar."),
    500: ("server_error", "Terjadi kesalahan di sistem; tidak ada data yang tersimpan sebagian."),
}


class ApiError(Exception):
    """A refusal with its HTTP status, an Indonesian message and the field at fault."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        field: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict | None = None,
    ) -> None:
        default_code, default_message = MESSAGES.get(status, MESSAGES[400])
        super().__init__(message or default_message)
        self.status = status
        self.message = message or default_message
        self.field = field
        self.code = code or default_code
        self.headers = headers or {}
        self.extra = extra or {}


def error_response(
    status: int,
    message: str | None = None,
    *,
    field: str | None = None,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    err = ApiError(status, message, field=field, code=code, headers=headers)
    return as_response(err)


def as_response(err: ApiError) -> Response:
    resp = jsonify({"error": err.message, "field": err.field, "code": err.code, **err.extra})
    resp.status_code = err.status
    for name, value in err.headers.items():
        resp.headers[name] = value
    if err.status == 401:
        resp.headers.setdefault("WWW-Authenticate", 'Bearer realm="outlet_pos"')
    return resp


def from_domain(exc: DomainError) -> ApiError:
    """A service's refusal: 404 for a record out of reach (another cooperative's included),
    403 for a permission, 422 for every other business rule."""
    if isinstance(exc, DomainNotFound):
        status = 404
    elif isinstance(exc, PermissionDenied):
        status = 403
    else:
        status = 422
    return ApiError(status, exc.message, field=exc.field, code=exc.code)


def from_http(exc: HTTPException) -> ApiError:
    status = exc.code or 500
    if status not in MESSAGES:
        status = 400 if status < 500 else 500
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return ApiError(status, headers=headers)


def register(bp) -> None:
    """Install the JSON error handling on the API blueprint."""

    @bp.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return as_response(exc)

    @bp.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        return as_response(from_domain(exc))

    def _http_error(exc: HTTPException):
        err = from_http(exc)
        # An app-wide hook (the NUL guard) refuses before the view runs: the simulator's
        # errors still carry its documented "parameter" (found by tests/fuzz_api).
        view = current_app.view_functions.get(request.endpoint or "")
        if getattr(getattr(view, "api_operation", None), "legacy_parameter", False):
            err.extra = {"parameter": err.field}
        return as_response(err)

    # Flask looks handlers up by status code before class, and the pages register theirs by
    # code (shell/errors.py): the API registers the same codes, so an ``abort(400)`` from an
    # app-wide hook (the NUL guard in app.py) still answers in the API's shape.
    bp.register_error_handler(HTTPException, _http_error)
    for status in MESSAGES:
        bp.register_error_handler(status, _http_error)

    @bp.before_app_request
    def _routing_errors():
        """No view matched a path under /api/v1 (or not with this method): answer here, in
        the API's shape, before the pages' error handlers could."""
        exc = request.routing_exception
        path = request.path
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            return None
        if isinstance(exc, NotFound | MethodNotAllowed):
            return as_response(from_http(exc))
        return None
