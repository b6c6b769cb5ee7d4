"""How people log in, read from the spec's facts rather than declared by its author.

A spec says what a basic function collects to register and log in (A: 手机号注册/登录): a look-up mobile
number with an SMS code (seed 001), a mobile number with a password and a verification code (seed 002), or
a user name and a password (seed 003). The privacy centre offers exactly that way in, so a person logs in
as the operator's own policy tells them they will.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.vocabulary import FieldType, FunctionKind


class LoginMethod(StrEnum):
    PHONE_CODE = "phone_code"  # phone number and SMS code
    PHONE_PASSWORD_CODE = "phone_password_code"  # noqa: S105 (a way to log in, not a password): phone, password, code
    USERNAME_PASSWORD = "username_password"  # noqa: S105 (a way to log in, not a password)


@dataclass(frozen=True, slots=True)
class LoginScheme:
    method: LoginMethod
    field: str  # the look-up field people are found by (a mobile number or a user name)
    purpose: str  # the basic purpose that collects it

    @property
    def by_phone(self) -> bool:
        return self.method is not LoginMethod.USERNAME_PASSWORD

    @property
    def needs_password(self) -> bool:
        return self.method is not LoginMethod.PHONE_CODE


def _is_password(spec: PolicySpec, field_id: str) -> bool:
    field = spec.fields[field_id]
    return field.type is FieldType.CREDENTIAL and "密码" in (field.label.get("zh-CN") or "")


def login_scheme(spec: PolicySpec) -> LoginScheme | None:
    """The way in of the first basic purpose that collects a look-up mobile number (with a password when it
    collects one too), else of one that collects a look-up account name and a password; None if neither."""
    for wanted in (FieldType.MOBILE, FieldType.ACCOUNT):
        for purpose_id, purpose in spec.purposes.items():
            if purpose.function is not FunctionKind.BASIC:
                continue
            found = [f for f in purpose.fields if spec.fields[f].type is wanted and spec.fields[f].lookup]
            if not found:
                continue
            password = any(_is_password(spec, f) for f in purpose.fields)
            if wanted is FieldType.MOBILE:
                method = LoginMethod.PHONE_PASSWORD_CODE if password else LoginMethod.PHONE_CODE
                return LoginScheme(method, found[0], purpose_id)
            if password:
                return LoginScheme(LoginMethod.USERNAME_PASSWORD, found[0], purpose_id)
    return None
