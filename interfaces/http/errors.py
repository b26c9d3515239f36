"""One JSON error shape for the admin API: ``{"error": {"code", "message", "field"?}}``.

Framework defaults (``{"detail": ...}``, 422, HTML, tracebacks) never reach a client, and no
error echoes the input it refused — a refused body may hold a password.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from application.errors import ConflictError, NotFoundError
from domain.errors import (
    AliasTakenError,
    DomainError,
    InvalidValueError,
    KeyExpiredError,
    KeyRevokedError,
    NotPermittedError,
    ProjectRetiredError,
)

log = logging.getLogger("mcphub.http")

CHALLENGE = 'Bearer realm="mcphub"'


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    merged = {"Cache-Control": "no-store", **(headers or {})}
    if status == 401:
        merged.setdefault("WWW-Authenticate", CHALLENGE)
    return JSONResponse({"error": body}, status_code=status, headers=merged)


_DOMAIN_STATUS: list[tuple[type[Exception], int, str]] = [
    (InvalidValueError, 400, "invalid_request"),
    (NotPermittedError, 403, "forbidden"),
    (NotFoundError, 404, "not_found"),
    (AliasTakenError, 409, "conflict"),
    (ConflictError, 409, "conflict"),
    (KeyRevokedError, 409, "key_revoked"),
    (KeyExpiredError, 409, "key_expired"),
    (ProjectRetiredError, 409, "project_retired"),
]

_HTTP_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, error: ApiError) -> JSONResponse:
        return error_response(error.status, error.code, error.message, error.field)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": "invalid request"}
        field = _field(tuple(first.get("loc", ())))
        message = str(first.get("msg", "invalid request"))
        if first.get("type") == "json_invalid":
            message, field = "request body is not valid JSON", "body"
        return error_response(400, "invalid_request", f"{field}: {message}", field)

    @app.exception_handler(DomainError)
    async def _domain(_: Request, error: DomainError) -> JSONResponse:
        field = getattr(error, "field", None)
        for kind, status, code in _DOMAIN_STATUS:
            if isinstance(error, kind):
                return error_response(status, code, str(error), field)
        return error_response(400, "invalid_request", str(error))

    @app.exception_handler(NotFoundError)
    async def _not_found(_: Request, error: NotFoundError) -> JSONResponse:
        return error_response(404, "not_found", str(error))

    @app.exception_handler(ConflictError)
    async def _conflict(_: Request, error: ConflictError) -> JSONResponse:
        return error_response(409, "conflict", str(error))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, error: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, "error")
        message = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
        headers = dict(error.headers) if error.headers else None
        return error_response(error.status_code, code, message, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, error: Exception) -> JSONResponse:
        # The type only: exception text can carry request data.
        log.error("unhandled %s", type(error).__name__)
        return error_response(500, "internal_error", "internal error")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in {
        400: "Invalid input; nothing was written.",
        401: "Missing or invalid credential.",
        403: "The credential lacks the scope or project.",
        404: "No such resource (or not visible to this credential).",
        409: "Conflicts with current state, or lost a concurrent change.",
        413: "Body too large.",
    }.items()
}
