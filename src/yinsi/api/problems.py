"""Errors as application/problem+json (RFC 9457), each with a stable ``code`` and a message in zh-CN or en.

Nothing in a problem ever repeats what the client sent: a rejected value may
be PI. Validation problems name the field and the rule, never the input.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from yinsi.core.access import Deny
from yinsi.core.errors import AccessDenied, Busy, CancellationBlocked, RateLimited, YinsiError
from yinsi.core.i18n import Msg, pick_lang

PROBLEM_TYPE = "application/problem+json"
TYPE_BASE = "https://yinsi.invalid/problems/"

STATUS: dict[str, int] = {
    "bad_request": 400,
    "malformed_json": 400,
    "purpose_required": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "cancellation_blocked": 409,
    "privacy_budget_exhausted": 409,
    "field_immutable": 409,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "invalid_value": 422,
    "invalid_request": 422,
    "rate_limited": 429,
    "code_invalid": 401,
    "credentials_invalid": 401,
    "guardian_link_invalid": 401,
    "policy_acceptance_required": 400,
    "consent_not_affirmative": 422,
    "invalid_consent": 422,
    "invalid_policy": 422,
    "guardian_consent_required": 403,
    "minor_not_allowed": 403,
    "legal_retention_applies": 409,
    "accounts_unavailable": 503,
    "busy": 503,
    "staff_login_refused": 401,
    "request_not_possible": 409,
    "collection_stopped": 409,
    "job_running": 409,
    "internal_error": 500,
    **{reason.value: 403 for reason in Deny},
}

TITLES: dict[str, Msg] = {
    "bad_request": Msg("请求有误", "Bad request"),
    "purpose_required": Msg("未说明处理目的", "No purpose given"),
    "unauthenticated": Msg("未认证", "Not authenticated"),
    "forbidden": Msg("无权操作", "Forbidden"),
    "conflict": Msg("与当前状态冲突", "Conflict with the current state"),
    "cancellation_blocked": Msg("仍有阻碍注销的事项", "Something still blocks the cancellation"),
    "privacy_budget_exhausted": Msg("本期隐私预算已用完", "The privacy budget of this period is spent"),
    "field_immutable": Msg("字段不可更改", "Field cannot be changed"),
    "invalid_value": Msg("取值无效", "Invalid value"),
    "rate_limited": Msg("请求过于频繁", "Too many requests"),
    "busy": Msg("系统繁忙", "Service busy"),
    "code_invalid": Msg("验证未通过", "Verification failed"),
    "credentials_invalid": Msg("登录信息不正确", "Wrong login details"),
    "guardian_link_invalid": Msg("确认码无效", "Invalid confirmation code"),
    "policy_acceptance_required": Msg("需要同意隐私政策", "The privacy policy must be accepted"),
    "consent_not_affirmative": Msg("同意必须是主动作出的", "Consent must be an explicit act"),
    "invalid_consent": Msg("同意内容无效", "Invalid consent"),
    "guardian_consent_required": Msg("需要监护人同意", "A guardian's consent is needed"),
    "minor_not_allowed": Msg("本服务只面向成年人", "For adults only"),
    "legal_retention_applies": Msg("依法需要保存", "Kept by law"),
    "staff_login_refused": Msg("员工登录未通过", "Staff login failed"),
    "request_not_possible": Msg("无法提出这项请求", "This request cannot be made"),
    "collection_stopped": Msg("已停止收集个人信息", "Collection has stopped"),
    "job_running": Msg("任务正在运行", "The job is running"),
    "internal_error": Msg("服务器内部错误", "Internal error"),
    "invalid_request": Msg("请求格式不正确", "The request is not well formed"),
    "malformed_json": Msg("JSON 格式错误", "Malformed JSON"),
    "payload_too_large": Msg("请求体过大", "Request body too large"),
    "not_found": Msg("找不到", "Not found"),
    "method_not_allowed": Msg("不支持该方法", "Method not allowed"),
    "unsupported_media_type": Msg("不支持的内容类型", "Unsupported media type"),
    **{reason.value: Msg("访问被拒绝", "Access denied") for reason in Deny},
}


def problem(
    request: Request | None,
    code: str,
    message: Msg,
    *,
    status: int | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    lang = pick_lang(request.headers.get("accept-language") if request is not None else None)
    status = status or STATUS.get(code, 400)
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": TITLES.get(code, Msg("请求未能完成", "The request was not completed")).get(lang),
        "status": status,
        "code": code,
        "detail": message.get(lang),
    }
    if extra:
        body.update(extra)
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_TYPE, headers={"Content-Language": lang, **(headers or {})}
    )


async def yinsi_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, YinsiError)  # noqa: S101 - registered for YinsiError only
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if exc.field is not None:
        extra["field"] = exc.field
    if isinstance(exc, AccessDenied):
        extra["reasons"] = {f: r.value for f, r in exc.decision.denied.items()}
        extra["purpose"] = exc.decision.purpose
    if isinstance(exc, CancellationBlocked):
        extra["blockers"] = exc.blockers
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    return problem(request, exc.code, exc.message, extra=extra, headers=headers)


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this type only
    errors = []
    for err in exc.errors():
        if err.get("type") == "missing" and tuple(err.get("loc", ())) == ("query", "purpose"):
            # Required in the contract, and refused with the code integrators already switch on.
            return problem(
                request,
                "purpose_required",
                Msg(
                    "每次读取都必须写明目的：请加上 ?purpose=...。",
                    "Every read must name its purpose: add ?purpose=....",
                ),
                extra={"field": "purpose"},
            )
        if err.get("type") == "json_invalid":
            return problem(
                request, "malformed_json", Msg("请求体不是有效的 JSON。", "The request body is not valid JSON.")
            )
        location = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        errors.append({"field": location, "rule": err.get("type", "invalid")})
    names = ", ".join(e["field"] for e in errors[:5])
    return problem(
        request,
        "invalid_request",
        Msg(f"请求不符合要求：{names}。", f"The request does not match what this endpoint accepts: {names}."),
        extra={"errors": errors},
    )


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - registered for this type only
    code = {
        404: "not_found",
        405: "method_not_allowed",
        413: "payload_too_large",
        415: "unsupported_media_type",
        401: "unauthenticated",
    }.get(exc.status_code, "bad_request")
    message = {
        "not_found": Msg("没有这个地址。", "There is nothing at this address."),
        "method_not_allowed": Msg("这个地址不支持该 HTTP 方法。", "This address does not support that HTTP method."),
    }.get(code, Msg("请求无法处理。", "The request cannot be handled."))
    return problem(request, code, message, status=exc.status_code)


async def busy(request: Request, exc: Exception) -> JSONResponse:
    """No pooled connection in time (the store's own lock timeouts arrive as ``Busy`` already)."""
    return await yinsi_error(request, Busy())


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    return problem(
        request,
        "internal_error",
        Msg(
            "服务器出错了，请求没有完成。请稍后再试。",
            "Something went wrong on our side; the request was not completed.",
        ),
        status=500,
    )
