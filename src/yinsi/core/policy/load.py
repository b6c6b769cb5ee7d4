"""Reading a spec from YAML text into a ``PolicySpec``, with every problem pinned to a line.

ruamel.yaml keeps the position of each key and value; pydantic's errors name a
path; this module joins the two and says each problem in plain words, in
Chinese and English. Nothing here raises for bad input: every failure becomes
a ``Problem``.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from yinsi.core.i18n import Msg
from yinsi.core.policy import model as model_module
from yinsi.core.policy.check import check_spec
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.problems import Finding, Path, Problem, Severity

MAX_SPEC_BYTES = 2 * 1024 * 1024
MAX_SPEC_NODES = 100_000
"""How many values a spec may hold, each alias (``*name``) counted as a copy: stops "billion laughs".

The seeds hold under 1,000; pydantic takes seconds to validate a million."""
MAX_FLOW_DEPTH = 256
"""Deeper [ ] or { } nesting fails in the parser anyway, after seconds of quadratic scanning; fail at once."""
_BRACKETS = re.compile(r"[\[\]{}]")


@dataclass
class LoadResult:
    """The spec when it is structurally valid, and every problem found on the way."""

    file: str
    spec: PolicySpec | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]


class Locator:
    """Finds the line and column of a path in the parsed YAML tree (1-based, as editors count)."""

    def __init__(self, root: Any) -> None:
        self._root = root

    def find(self, path: Path, at_key: bool = False) -> tuple[int, int]:
        node = self._root
        line, col = 1, 1
        for depth, step in enumerate(path):
            last = depth == len(path) - 1
            if isinstance(node, CommentedMap) and step in node:
                pos = node.lc.key(step) if (at_key and last) else node.lc.value(step)
                if pos is None or pos[0] is None:
                    pos = node.lc.key(step)
                if pos is not None and pos[0] is not None:  # !!omap and other tagged maps keep no positions
                    line, col = pos[0] + 1, pos[1] + 1
                node = node[step]
            elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
                pos = node.lc.item(step)
                if pos is not None and pos[0] is not None:
                    line, col = pos[0] + 1, pos[1] + 1
                node = node[step]
            else:
                break
        return line, col


def load_policy_file(path: str | FsPath, display_name: str | None = None) -> LoadResult:
    """Read and validate a spec file; a missing or unreadable file is a problem, not an exception."""
    name = display_name or str(path)
    try:
        with FsPath(path).open("rb") as stream:  # bounded: /dev/zero must not fill the memory
            raw = stream.read(MAX_SPEC_BYTES + 1)
    except FileNotFoundError:
        return _fail(name, "file_not_found", Msg("找不到这个文件。", "The file does not exist."))
    except IsADirectoryError:
        return _fail(name, "not_a_file", Msg("这是一个目录，不是规范文件。", "This is a directory, not a spec file."))
    except OSError as exc:
        return _fail(
            name, "unreadable", Msg(f"无法读取文件：{exc.strerror}。", f"The file cannot be read: {exc.strerror}.")
        )
    return load_policy_bytes(raw, name)


def load_policy_bytes(raw: bytes, name: str) -> LoadResult:
    if len(raw) > MAX_SPEC_BYTES:
        return _fail(
            name,
            "too_large",
            Msg(
                "规范文件超过 2 MiB，不像是一份隐私政策。",
                "The spec is larger than 2 MiB, which no privacy policy needs.",
            ),
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.object  # without the BOM, if any: exc.start counts from there
        line_start = bad.rfind(b"\n", 0, exc.start) + 1
        return _fail(
            name,
            "not_utf8",
            Msg(f"文件不是 UTF-8 编码（第 {exc.start} 字节）。", f"The file is not UTF-8 text (byte {exc.start})."),
            bad.count(b"\n", 0, exc.start) + 1,
            len(bad[line_start : exc.start].decode("utf-8", "replace")) + 1,
        )
    return load_policy_text(text, name)


def load_policy_text(text: str, name: str = "<spec>") -> LoadResult:
    """Parse YAML, validate the structure, then run the semantic checks of ``check``."""

    if _too_deep(text):
        return _fail(name, "too_deep", Msg("YAML 嵌套过深。", "The YAML is nested too deeply."))
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        what = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        if "duplicate key" in what or "found duplicate key" in str(exc):
            key = re.search(r'duplicate key "(.*?)" with value', what)
            named = f" '{key.group(1)}'" if key else ""
            msg = Msg(
                f"同一个键{named}{' ' if key else ''}在这里出现了两次。", f"The same key{named} appears twice here."
            )
            return _fail(name, "duplicate_key", msg, line, col)
        return _fail(name, "yaml_syntax", Msg(f"YAML 语法错误：{what}。", f"YAML syntax error: {what}."), line, col)
    except RecursionError:
        return _fail(name, "too_deep", Msg("YAML 嵌套过深。", "The YAML is nested too deeply."))
    except (YAMLError, ValueError) as exc:
        what = " ".join(str(exc).split())[:200]
        return _fail(name, "yaml_syntax", Msg(f"YAML 语法错误：{what}。", f"YAML syntax error: {what}."))
    except Exception:  # ruamel's constructors fail in their own ways on a tag that does not fit (!!set 1)
        return _fail(
            name,
            "yaml_syntax",
            Msg(
                "YAML 无法解析：某个标签（如 !!set、!!omap）用在了不合适的值上，或结构无效。",
                "The YAML cannot be read: a tag (such as !!set or !!omap) is used on a value it does not fit, "
                "or the structure is invalid.",
            ),
        )

    locator = Locator(tree)
    if tree is None:
        return _fail(
            name,
            "empty_file",
            Msg(
                "文件是空的：规范至少需要 policy、operator、fields 等部分。",
                "The file is empty: a spec needs at least policy, operator, fields and so on.",
            ),
        )
    if not isinstance(tree, CommentedMap):
        return _fail(
            name,
            "not_mapping",
            Msg(
                "规范的顶层必须是键值映射（例如 policy: ...）。",
                "The top of a spec must be a mapping of keys (policy: ..., fields: ...).",
            ),
        )
    try:
        data = _plain(tree, [MAX_SPEC_NODES])
    except RecursionError:
        return _fail(name, "too_deep", Msg("YAML 嵌套过深。", "The YAML is nested too deeply."))
    except _TooManyNodes:
        return _fail(
            name,
            "too_many_values",
            Msg(
                f"展开别名（*name）后，规范超过 {MAX_SPEC_NODES:,} 个值，不像是一份隐私政策。",
                f"Once its aliases (*name) are expanded the spec has more than {MAX_SPEC_NODES:,} values, "
                "which no privacy policy needs.",
            ),
        )

    try:
        spec = PolicySpec.model_validate(data)
    except ValidationError as exc:
        problems = [_pin(name, locator, f) for f in _translate(exc, data)]
        return LoadResult(name, None, _dedupe(problems))

    problems = _dedupe([_pin(name, locator, f) for f in check_spec(spec)])
    usable = not any(p.severity is Severity.ERROR for p in problems)
    return LoadResult(name, spec if usable else None, problems)


def _too_deep(text: str) -> bool:
    """Whether brackets nest deeper than ``MAX_FLOW_DEPTH`` (counted roughly: quotes are not skipped)."""
    depth = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                return True
        elif depth:
            depth -= 1
    return False


def _fail(name: str, code: str, message: Msg, line: int = 1, col: int = 1) -> LoadResult:
    return LoadResult(name, None, [Problem(name, line, col, Severity.ERROR, code, message)])


def _pin(name: str, locator: Locator, finding: Finding) -> Problem:
    line, col = locator.find(finding.path, at_key=finding.at_key)
    return Problem(name, line, col, finding.severity, finding.code, finding.message)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[int, int, str, str]] = set()
    unique = []
    for p in sorted(problems, key=lambda p: (p.line, p.column, p.severity != Severity.ERROR)):
        key = (p.line, p.column, p.code, p.message.en)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


class _TooManyNodes(Exception):
    pass


def _plain(node: Any, budget: list[int]) -> Any:
    """ruamel's round-trip types to plain Python, so pydantic sees dicts, lists, str, int, date.

    ``budget`` counts down the values left to produce: aliases share nodes in the YAML tree but are copied
    here, so without a bound nine nested aliases of nine items each would expand to 9**9 values.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooManyNodes
    if isinstance(node, dict):
        return {(str(k) if not isinstance(k, str) else k): _plain(v, budget) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v, budget) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, datetime):
        return node
    if isinstance(node, date):
        return date(node.year, node.month, node.day)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


# --------------------------------------------------------------------------- pydantic errors in plain words

_KIND_NAMES: dict[str, Msg] = {
    "string_type": Msg("文本", "text"),
    "int_type": Msg("整数", "a whole number"),
    "int_parsing": Msg("整数", "a whole number"),
    "int_from_float": Msg("整数", "a whole number"),
    "bool_type": Msg("true 或 false", "true or false"),
    "bool_parsing": Msg("true 或 false", "true or false"),
    "list_type": Msg("列表（- 开头的各项）", "a list (items starting with -)"),
    "dict_type": Msg("键值映射", "a mapping of keys"),
    "model_type": Msg("键值映射", "a mapping of keys"),
    "model_attributes_type": Msg("键值映射", "a mapping of keys"),
    "date_type": Msg("日期（如 2024-05-30）", "a date such as 2024-05-30"),
    "date_parsing": Msg("日期（如 2024-05-30）", "a date such as 2024-05-30"),
    "date_from_datetime_parsing": Msg("日期（如 2024-05-30）", "a date such as 2024-05-30"),
    "date_from_datetime_inexact": Msg("日期（如 2024-05-30）", "a date such as 2024-05-30"),
}


def _describe(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "...'"


def _translate(exc: ValidationError, data: Any) -> list[Finding]:
    findings: list[Finding] = []
    # A misspelt required key is one mistake: say "did you mean 'x'?" and not also "'x' is required".
    missing: dict[int, tuple[tuple[str | int, ...], str]] = {}
    suggested: set[tuple[tuple[str | int, ...], str]] = set()
    for err in exc.errors(include_url=False):
        loc: tuple[str | int, ...] = tuple(err["loc"])
        etype = err["type"]
        # Errors inside a union (Duration | 'session', LocalText | None) carry a branch name; drop it.
        loc = tuple(step for step in loc if not (isinstance(step, str) and _is_branch_tag(step)))
        is_key = bool(loc) and loc[-1] == "[key]"
        if is_key:
            loc = loc[:-1]
        where = ".".join(str(step) for step in loc) or "(top)"
        name = str(loc[-1]) if loc else "(top)"
        if etype == "missing":
            parent = loc[:-1]
            missing[len(findings)] = (parent, name)
            if name == "retention" and len(parent) == 2 and parent[0] == "purposes":
                msg = Msg(
                    f"目的 '{parent[1]}' 没有写保存期限：请写 'retention: {{period: 6 months}}' 或 "
                    "'retention: {until: account_cancellation}'；政策确实没有说明的，写 'retention: unstated'。",
                    f"Purpose '{parent[1]}' has no retention: say how long its PI is kept, for example "
                    "'retention: {period: 6 months}' or 'retention: {until: account_cancellation}'; where the policy "
                    "really does not say, write 'retention: unstated'.",
                )
                findings.append(Finding(parent, Severity.ERROR, "missing_retention", msg, at_key=True))
                continue
            msg = Msg(
                f"缺少必填项 '{name}'（位于 {'.'.join(map(str, parent)) or '顶层'}）。",
                f"'{name}' is required here (in {'.'.join(map(str, parent)) or 'the top level'}).",
            )
            findings.append(Finding(parent, Severity.ERROR, "missing", msg, at_key=True))
        elif etype == "extra_forbidden":
            allowed = _allowed_keys(loc[:-1])
            close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
            if close:
                suggested.add((loc[:-1], close[0]))
            hint_zh = f"你是不是想写 '{close[0]}'？" if close else f"这里可以用的键：{', '.join(allowed)}。"
            hint_en = f"Did you mean '{close[0]}'?" if close else f"Keys allowed here: {', '.join(allowed)}."
            msg = Msg(f"未知的键 '{name}'。{hint_zh}", f"Unknown key '{name}'. {hint_en}")
            findings.append(Finding(loc, Severity.ERROR, "unknown_key", msg, at_key=True))
        elif etype in ("enum", "literal_error") and err["input"] is None:
            expected = str(err.get("ctx", {}).get("expected", ""))
            msg = Msg(
                f"{where}：这里没有填写取值（null）；请从以下取值中选一个：{expected}。",
                f"{where}: no value is given here (null); choose one of: {expected}.",
            )
            findings.append(Finding(loc, Severity.ERROR, "missing_value", msg))
        elif etype in ("enum", "literal_error"):
            expected = str(err.get("ctx", {}).get("expected", ""))
            what = "键" if is_key else "值"
            msg = Msg(
                f"{where}：{what} {_describe(err['input'])} 不是可用的取值；可选：{expected}。",
                f"{where}: {_describe(err['input'])} is not one of the allowed values: {expected}.",
            )
            findings.append(Finding(loc, Severity.ERROR, "not_allowed_value", msg, at_key=is_key))
        elif etype == "string_pattern_mismatch":
            if loc and loc[-1] == "region":
                abroad = loc[0] != "storage"  # a recipient may be 'abroad'; the storage region must be a country
                or_abroad_zh = "，或 abroad" if abroad else ""
                or_abroad_en = ", or 'abroad'" if abroad else ""
                msg = Msg(
                    f"{where}：地区应写成两个大写字母的国家代码（如 CN）{or_abroad_zh}。",
                    f"{where}: a region is a two-letter country code such as CN{or_abroad_en}.",
                )
                findings.append(Finding(loc, Severity.ERROR, "bad_region", msg))
            else:
                msg = Msg(
                    f"{where}：{_describe(err['input'])} 不是有效的标识符：只能用小写字母、数字和下划线，并以字母开头。",
                    f"{where}: {_describe(err['input'])} is not a valid identifier: use lower-case letters, "
                    "digits and underscores, starting with a letter.",
                )
                findings.append(Finding(loc, Severity.ERROR, "bad_identifier", msg, at_key=is_key))
        elif etype in _KIND_NAMES and err["input"] is None:
            kind = _KIND_NAMES[etype]
            msg = Msg(
                f"{where}：这里没有填写（null），应是{kind.zh}。",
                f"{where}: nothing is given here (null); expected {kind.en}.",
            )
            findings.append(Finding(loc, Severity.ERROR, "missing_value", msg))
        elif etype in _KIND_NAMES:
            kind = _KIND_NAMES[etype]
            msg = Msg(
                f"{where}：这里应是{kind.zh}，而不是 {_describe(err['input'])}。",
                f"{where}: expected {kind.en} here, not {_describe(err['input'])}.",
            )
            findings.append(Finding(loc, Severity.ERROR, "wrong_type", msg))
        elif etype in ("too_short", "string_too_short"):
            msg = Msg(f"{where}：不能为空。", f"{where}: must not be empty.")
            findings.append(Finding(loc, Severity.ERROR, "empty", msg))
        elif etype in ("too_long", "string_too_long"):
            msg = Msg(f"{where}：太长了。", f"{where}: is too long.")
            findings.append(Finding(loc, Severity.ERROR, "too_long", msg))
        elif etype in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            msg = Msg(f"{where}：数值超出允许范围（{err['msg']}）。", f"{where}: out of range ({err['msg']}).")
            findings.append(Finding(loc, Severity.ERROR, "out_of_range", msg))
        elif etype == "value_error":
            text = str(err.get("ctx", {}).get("error", err["msg"]))
            msg = Msg(f"{where}：{_zh_value_error(text)}", f"{where}: {text}.")
            findings.append(Finding(loc, Severity.ERROR, "invalid_value", msg))
        else:
            msg = Msg(f"{where}：取值无效（{err['msg']}）。", f"{where}: invalid value ({err['msg']}).")
            findings.append(Finding(loc, Severity.ERROR, "invalid_value", msg))
    return [f for i, f in enumerate(findings) if missing.get(i) not in suggested]


_MODEL_TAGS = frozenset(
    cls.__name__ for cls in vars(model_module).values() if isinstance(cls, type) and issubclass(cls, BaseModel)
) | {"LocalText", "str", "int", "bool", "date", "float", "none"}


def _is_branch_tag(step: str) -> bool:
    """pydantic names the branch of a union in an error's path; those names are not keys in the YAML."""
    return step in _MODEL_TAGS or step.startswith(
        ("function-", "literal[", "nullable[", "union[", "json-or-python[", "lax-or-strict[", "is-instance[")
    )


_ZH_VALUE_ERRORS = {
    "a retention needs exactly one of": "保存期限必须且只能写 'period'（如 '6 months'）或 'until' 之一。",
    "a period is written as a number": "期限应写成数字加单位，例如 '6 months'、'15 working days'、'180 days'、'3 years' 或 '48 hours'。",
    "a period must be text": "期限应是文本，例如 '6 months' 或 '15 working days'。",
    "the guardian-consent rule needs": "监护人同意规则需要写明 'guardian_consent_under'（14 或 18）。",
    "an SMS signature is": "短信签名为 2 到 20 个字符，不写括号：不含【】、[]、() 或（），不换行，首尾不留空格。",
}


def _zh_value_error(text: str) -> str:
    for prefix, zh in _ZH_VALUE_ERRORS.items():
        if text.startswith(prefix):
            return zh
    return text


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    """The keys the model accepts at ``loc``, to suggest the one a typo meant."""
    model: Any = PolicySpec
    for step in loc:
        model = _step_into(model, step)
        if model is None:
            return []
    model = _unwrap_model(model)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _unwrap_model(tp: Any) -> type[BaseModel] | None:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    for arg in typing.get_args(tp):
        found = _unwrap_model(arg)
        if found is not None:
            return found
    return None


def _step_into(tp: Any, step: str | int) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if arg is type(None):
                continue
            found = _step_into(arg, step)
            if found is not None:
                return found
        return None
    if origin is typing.Annotated:
        return _step_into(typing.get_args(tp)[0], step)
    if origin is list:
        return typing.get_args(tp)[0] if isinstance(step, int) else None
    if origin is dict:
        return typing.get_args(tp)[1]
    model = _unwrap_model(tp)
    if model is None or not isinstance(step, str):
        return None
    for name, info in model.model_fields.items():
        if step in (name, info.alias):
            return info.annotation
    return None
