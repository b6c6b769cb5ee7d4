"""``yinsi policy check | schema | render | diff`` from the outside: exit codes, one line per problem, no traceback.

Most runs go through Typer's ``CliRunner`` (fast, in process); the end-to-end contract (the real console
script, stdout and stderr kept apart, hostile inputs) is checked by a few runs of ``.venv/bin/yinsi`` that
start together when this module starts, so their interpreter start-up overlaps the in-process tests.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from typer.testing import CliRunner

from yinsi.cli import policy as policy_cli
from yinsi.cli.main import app
from yinsi.core.policy.load import load_policy_file

ROOT = Path(__file__).resolve().parents[2]
CLINIC = ROOT / "tests" / "fixtures" / "clinic.yaml"
CLINIC_TEXT = CLINIC.read_text(encoding="utf-8")
SEEDS = sorted((ROOT / "examples" / "policies").glob("*.yaml"))
SEED = ROOT / "examples" / "policies" / "001_b323a55268a82f2d.yaml"
YINSI = Path(sys.executable).parent / "yinsi"
LANGS = ("zh-CN", "zh-TW", "en")
FORMATS = ("md", "html")

PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): (?P<message>\S.*)$")
CJK = re.compile(r"[\u4e00-\u9fff]")

RUNNER = CliRunner()


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class Line:
    file: str
    line: int
    col: int
    severity: str
    message: str


def parse(stdout: str) -> list[Line]:
    """Every line of ``stdout`` as a problem; a line that is not ``FILE:LINE:COL: severity: message`` fails."""
    parsed = []
    for text in stdout.splitlines():
        match = PROBLEM.match(text)
        assert match, f"not a problem line: {text!r}"
        parsed.append(Line(match["file"], int(match["line"]), int(match["col"]), match["severity"], match["message"]))
    return parsed


def policy(*args: str | Path, lang_env: str | None = None) -> Result:
    """Run ``yinsi policy ARGS`` in process, with YINSI_LANG set to ``lang_env`` (unset by default)."""
    result = RUNNER.invoke(app, ["policy", *map(str, args)], env={"YINSI_LANG": lang_env})
    # CliRunner turns an unexpected exception into exit code 1: that must never be how a run ends.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def edit(old: str, new: str) -> str:
    """The clinic spec with the first ``old`` replaced by ``new``."""
    assert old in CLINIC_TEXT, old
    return CLINIC_TEXT.replace(old, new, 1)


def position(text: str, line_text: str, token: str | None = None, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column of ``token`` (or of the first non-blank) on the line that reads ``line_text``."""
    lines = text.splitlines()
    found = [i for i, line in enumerate(lines) if line == line_text]
    assert len(found) >= occurrence, (line_text, found)
    index = found[occurrence - 1]
    column = lines[index].index(token) if token else len(line_text) - len(line_text.lstrip())
    return index + 1, column + 1


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


REMINDERS = """  reminders:
    label: {zh-CN: 复诊提醒, en: Follow-up reminders}
    function: basic
    legal_basis: contract
    fields: [mobile]
    retention: {period: 1 years}
permissions:
"""
RECIPIENT = """  reminder_gateway:
    kind: processor
    name: {zh-CN: 提醒服务商, en: Reminder provider}
    purposes: [registration, reminders]
    fields: [mobile]
    agreement: true
    delete_on_end: true
    deletion_channel: https://reminders.example/delete
"""
# A sensitive field that no longer says why it is needed: one compliance warning, at the field's key.
WARN_TEXT = edit("    necessity: {zh-CN: 支付诊疗费用。, en: Paying for treatment.}\n", "")


def billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


def os_system(marker: Path) -> str:
    return f'!!python/object/apply:os.system ["echo hacked > {marker}"]\n'


def mutate(text: str, ops: list[tuple[int, int, int]]) -> str:
    """Delete, duplicate or swap lines, or change their indentation, as a careless edit would."""
    lines = text.split("\n")
    for op, a, b in ops:
        i, j = a % len(lines), b % len(lines)
        if op == 0 and len(lines) > 1:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            lines[i] = " " * (1 + b % 4) + lines[i]
        else:
            lines[i] = lines[i][1 + b % 4 :] if lines[i][: 1 + b % 4].isspace() else lines[i].lstrip()
    return "\n".join(lines)


# --------------------------------------------------------------------------- real processes, started together


@dataclass(frozen=True)
class Completed:
    code: int
    stdout: str
    stderr: str
    seconds: float


def _run(args: list[str], env: dict[str, str], cwd: Path) -> Completed:
    started = time.monotonic()
    done = subprocess.run(args, capture_output=True, env=env, cwd=cwd, timeout=180, check=False)
    seconds = time.monotonic() - started
    # Output must be UTF-8 text (decode strictly), never a traceback.
    stdout, stderr = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert "Traceback" not in stdout + stderr, stderr
    return Completed(done.returncode, stdout, stderr, seconds)


@dataclass(frozen=True)
class RealRuns:
    dir: Path
    marker: Path
    pathological: list[Path]
    fuzzed: list[Path]
    broken: Path
    runs: dict[str, Future[Completed]]

    def __getitem__(self, name: str) -> Completed:
        return self.runs[name].result()


RENDER_HASHES = """
import hashlib, json, sys
from yinsi.core.policy.load import load_policy_file
from yinsi.core.policy.render import render_policy
out = {}
for path in sys.argv[1:]:
    spec = load_policy_file(path).spec
    for lang in ("zh-CN", "zh-TW", "en"):
        for fmt in ("md", "html"):
            text = render_policy(spec, lang, fmt)
            out[f"{path}|{lang}|{fmt}"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
print(json.dumps(out))
"""


@pytest.fixture(scope="module", autouse=True)
def real_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealRuns]:
    """Start every run of the real console script at once; each test waits only for the run it reads."""
    base = tmp_path_factory.mktemp("real")
    marker = base / "HACKED"
    pathological = [
        write(base, "bomb.yaml", billion_laughs()),
        write(base, "deep.yaml", "[" * 10_000 + "]" * 10_000 + "\n"),
        write(base, "big.yaml", "# " + "x" * (3 * 1024 * 1024) + "\n"),
        write(base, "pyobj.yaml", os_system(marker)),
    ]
    rng = random.Random(20260101)
    fuzzed = [
        write(base, "fuzz-bytes.yaml", rng.randbytes(400)),
        write(base, "fuzz-text.yaml", "".join(rng.choice(":-[]{}&*!|>'\"#? \n\tab中") for _ in range(300))),
        *(
            write(
                base,
                f"fuzz-mutated-{n}.yaml",
                mutate(CLINIC_TEXT, [(rng.randrange(5), rng.randrange(10**6), rng.randrange(10**6)) for _ in range(3)]),
            )
            for n in range(4)
        ),
        *SEEDS,
    ]
    broken = write(base, "broken.yaml", edit("    legal_basis: contract\n", "    legal_bases: contract\n"))
    env = {k: v for k, v in os.environ.items() if k != "YINSI_LANG"}
    jobs: dict[str, tuple[list[str], dict[str, str]]] = {
        # One process for every hostile and fuzzed file: the interpreter's start-up is most of the cost.
        "check": ([str(YINSI), "policy", "check", *map(str, pathological), *map(str, fuzzed)], env),
        "diff_invalid": ([str(YINSI), "policy", "diff", "--lang", "en", str(CLINIC), str(broken)], env),
        # Rendering in another interpreter, with another hash seed, must give the same bytes.
        "render_hashes": (
            [sys.executable, "-c", RENDER_HASHES, *map(str, SEEDS)],
            {**env, "PYTHONHASHSEED": "12345"},
        ),
    }
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        runs = {name: pool.submit(_run, args, job_env, base) for name, (args, job_env) in jobs.items()}
        yield RealRuns(base, marker, pathological, fuzzed, broken, runs)


# --------------------------------------------------------------------------- 1. structural errors


@dataclass(frozen=True)
class Case:
    path: Path
    where: tuple[int, int]
    zh: tuple[str, ...]
    en: tuple[str, ...]


def _syntax(tmp: Path) -> Case:
    text = edit("  region: CN\n", "\tregion: CN\n")
    return Case(
        write(tmp, "s.yaml", text), position(text, "\tregion: CN", "\t"), ("YAML 语法错误",), ("YAML syntax error",)
    )


def _unknown_key(tmp: Path) -> Case:
    text = edit("    legal_basis: contract\n", "    legal_bases: contract\n")
    return Case(
        write(tmp, "s.yaml", text),
        position(text, "    legal_bases: contract", "legal_bases"),
        ("未知的键 'legal_bases'", "你是不是想写 'legal_basis'"),
        ("Unknown key 'legal_bases'", "Did you mean 'legal_basis'?"),
    )


def _wrong_type(tmp: Path) -> Case:
    text = edit("    immutable: true\n", "    immutable: maybe\n")
    return Case(
        write(tmp, "s.yaml", text),
        position(text, "    immutable: maybe", "maybe"),
        ("fields.mobile.immutable", "这里应是true 或 false", "'maybe'"),
        ("fields.mobile.immutable", "expected true or false", "'maybe'"),
    )


def _undeclared_field(tmp: Path) -> Case:
    text = edit("fields: [mobile, name, email]", "fields: [mobile, name, emial]")
    return Case(
        write(tmp, "s.yaml", text),
        position(text, "    fields: [mobile, name, emial]", "emial"),
        ("目的 'registration' 收集字段 'emial'", "没有声明"),
        ("Purpose 'registration' collects 'emial'", "not declared under fields"),
    )


def _role_purpose(tmp: Path) -> Case:
    text = edit("    purposes: [newsletter]\n", "    purposes: [newsletter, newsleter]\n")
    return Case(
        write(tmp, "s.yaml", text),
        position(text, "    purposes: [newsletter, newsleter]", "newsleter]"),
        ("角色 'marketing' 使用目的 'newsleter'", "没有声明"),
        ("Role 'marketing' names purpose 'newsleter'", "not declared under purposes"),
    )


def _recipient_purpose(tmp: Path) -> Case:
    if "\nrecipients:\n" in CLINIC_TEXT:
        text = edit("\nrecipients:\n", "\nrecipients:\n" + RECIPIENT)
    else:
        text = edit("\npermissions:\n", "\nrecipients:\n" + RECIPIENT + "permissions:\n")
    return Case(
        write(tmp, "s.yaml", text),
        position(text, "    purposes: [registration, reminders]", "reminders"),
        ("接收方 'reminder_gateway' 用于目的 'reminders'", "没有声明"),
        ("Recipient 'reminder_gateway' names purpose 'reminders'", "not declared under purposes"),
    )


def _missing_retention(tmp: Path) -> Case:
    text = edit("    retention: {period: 3 years}\n", "")
    return Case(
        write(tmp, "s.yaml", text),
        position(text, "  payment:"),
        ("目的 'payment' 没有写保存期限",),
        ("Purpose 'payment' has no retention",),
    )


def _duplicate_key(tmp: Path) -> Case:
    text = edit("    function: basic\n", "    function: basic\n    function: basic\n")
    return Case(
        write(tmp, "s.yaml", text),
        position(text, "    function: basic", "function", occurrence=2),
        ("同一个键 'function'", "两次"),
        ("The same key 'function' appears twice",),
    )


def _empty(tmp: Path) -> Case:
    return Case(write(tmp, "s.yaml", ""), (1, 1), ("文件是空的",), ("The file is empty",))


def _top_level_list(tmp: Path) -> Case:
    return Case(
        write(tmp, "s.yaml", "- policy\n- fields\n"),
        (1, 1),
        ("顶层必须是键值映射",),
        ("The top of a spec must be a mapping",),
    )


def _not_utf8(tmp: Path) -> Case:
    raw = CLINIC_TEXT.encode("gbk")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start
    text = raw[:start].decode("utf-8")  # the bad byte is the first byte of the clinic's first Chinese text
    line_no = text.count("\n") + 1
    return Case(
        write(tmp, "s.yaml", raw),
        (line_no, len(text.split("\n")[-1]) + 1),
        ("不是 UTF-8 编码", f"第 {start} 字节"),
        ("not UTF-8", f"byte {start}"),
    )


def _missing_file(tmp: Path) -> Case:
    return Case(tmp / "nowhere.yaml", (1, 1), ("找不到这个文件",), ("does not exist",))


def _directory(tmp: Path) -> Case:
    return Case(tmp, (1, 1), ("这是一个目录",), ("This is a directory",))


STRUCTURAL: dict[str, Callable[[Path], Case]] = {
    "yaml_syntax": _syntax,
    "unknown_key": _unknown_key,
    "wrong_type": _wrong_type,
    "undeclared_field": _undeclared_field,
    "role_names_undeclared_purpose": _role_purpose,
    "recipient_names_undeclared_purpose": _recipient_purpose,
    "missing_retention": _missing_retention,
    "duplicate_key": _duplicate_key,
    "empty_file": _empty,
    "top_level_list": _top_level_list,
    "not_utf8": _not_utf8,
    "missing_file": _missing_file,
    "directory": _directory,
}


@pytest.mark.parametrize("case", STRUCTURAL.values(), ids=STRUCTURAL.keys())
def test_each_structural_error_is_one_line_at_its_place_in_both_languages(
    tmp_path: Path, case: Callable[[Path], Case]
) -> None:
    made = case(tmp_path)
    for args, words, summary in (
        ((), made.zh, "1 个文件：1 个错误，0 个警告"),
        (("--lang", "en"), made.en, "1 file(s): 1 error(s), 0 warning(s)"),
    ):
        result = policy("check", made.path, *args)
        assert result.exit_code == 1, result.stdout
        [problem] = parse(result.stdout)
        assert (problem.file, problem.line, problem.col, problem.severity) == (str(made.path), *made.where, "error")
        for word in words:
            assert word in problem.message, problem.message
        english = words is made.en
        assert bool(CJK.search(problem.message)) is not english, problem.message
        assert result.stderr == summary + "\n"


def test_the_clinic_fixture_is_clean() -> None:
    result = policy("check", CLINIC)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "1 个文件：0 个错误，0 个警告\n")


def test_a_misspelt_optional_key_is_one_line_with_its_suggestion(tmp_path: Path) -> None:
    text = edit("    separate_consent: true\n", "    seperate_consent: true\n")
    path = write(tmp_path, "s.yaml", text)
    result = policy("check", "--lang", "en", path)
    assert result.exit_code == 1
    [problem] = parse(result.stdout)
    assert (problem.line, problem.col) == position(text, "    seperate_consent: true", "seperate_consent")
    assert problem.message == "Unknown key 'seperate_consent'. Did you mean 'separate_consent'?"


def test_a_key_is_quoted_as_written_even_when_it_looks_like_markup_or_holds_escapes(tmp_path: Path) -> None:
    text = edit("spec_version: 1\n", 'spec_version: 1\n":thumbs_up: [b]x[/b]": 1\n"\\e[31mred": 2\n')
    result = policy("check", "--lang", "en", write(tmp_path, "s.yaml", text))
    assert result.exit_code == 1
    messages = [p.message for p in parse(result.stdout)]
    assert messages[0].startswith("Unknown key ':thumbs_up: [b]x[/b]'.")
    assert messages[1].startswith("Unknown key '\\x1b[31mred'.")  # the escape is shown, not sent to the terminal
    assert "\x1b" not in result.stdout


# --------------------------------------------------------------------------- 2. warnings, --strict, languages


def test_a_seed_prints_warnings_and_exits_0() -> None:
    result = policy("check", SEED)
    assert result.exit_code == 0
    problems = parse(result.stdout)
    assert problems
    assert {p.severity for p in problems} == {"warning"}
    assert {p.file for p in problems} == {str(SEED)}
    assert all(CJK.search(p.message) for p in problems)
    assert result.stderr == f"1 个文件：0 个错误，{len(problems)} 个警告\n"


def test_strict_turns_the_same_warnings_into_errors() -> None:
    plain = parse(policy("check", SEED).stdout)
    result = policy("check", "--strict", SEED)
    assert result.exit_code == 1
    strict = parse(result.stdout)
    assert {p.severity for p in strict} == {"error"}
    assert [(p.line, p.col, p.message) for p in strict] == [(p.line, p.col, p.message) for p in plain]
    assert result.stderr == f"1 个文件：{len(strict)} 个错误，0 个警告\n"


def test_a_warning_is_pinned_to_its_key_and_strict_fails_on_it(tmp_path: Path) -> None:
    path = write(tmp_path, "warn.yaml", WARN_TEXT)
    where = position(WARN_TEXT, "  bank_card:", "bank_card")
    for strict, code, severity in ((False, 0, "warning"), (True, 1, "error")):
        result = policy("check", *(["--strict"] if strict else []), "--lang", "en", path)
        assert result.exit_code == code
        [problem] = parse(result.stdout)
        assert (problem.line, problem.col, problem.severity) == (*where, severity)
        # Only what is missing is named: this field states its impact but not why it is necessary.
        assert problem.message == "Sensitive field 'bank_card' does not state why it is necessary (PIPL Art. 30)."
    [zh] = parse(policy("check", path).stdout)
    assert zh.message == "敏感个人信息 'bank_card' 没有说明处理的必要性（个人信息保护法第三十条）。"


def test_english_comes_from_the_option_or_the_environment_and_the_option_wins() -> None:
    by_option = policy("check", "--lang", "en", SEED)
    by_env = policy("check", SEED, lang_env="en")
    assert by_option.stdout == by_env.stdout
    assert by_option.stderr == by_env.stderr == f"1 file(s): 0 error(s), {len(parse(by_env.stdout))} warning(s)\n"
    assert not any(CJK.search(p.message) for p in parse(by_env.stdout))  # this seed's warnings cite no Chinese law
    assert policy("check", "--lang", "zh-CN", SEED, lang_env="en").stdout == policy("check", SEED).stdout


# --------------------------------------------------------------------------- 3. several files at once


def test_several_files_report_each_in_turn_and_fail_if_any_has_an_error(tmp_path: Path) -> None:
    warn = write(tmp_path, "warn.yaml", WARN_TEXT)
    broken = write(tmp_path, "broken.yaml", edit("    immutable: true\n", "    immutable: maybe\n"))
    missing = tmp_path / "missing.yaml"
    result = policy("check", "--lang", "en", CLINIC, warn, broken, missing)
    assert result.exit_code == 1
    problems = parse(result.stdout)
    assert [(p.file, p.severity) for p in problems] == [
        (str(warn), "warning"),
        (str(broken), "error"),
        (str(missing), "error"),
    ]
    assert result.stderr == "4 file(s): 2 error(s), 1 warning(s)\n"

    ok = policy("check", CLINIC, warn, SEED)
    assert ok.exit_code == 0
    assert {p.file for p in parse(ok.stdout)} == {str(warn), str(SEED)}


# --------------------------------------------------------------------------- 4. schema


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _fits(node: Any, json_type: Any) -> bool:
    types = [json_type] if isinstance(json_type, str) else json_type or list(_JSON_TYPES)
    return any(isinstance(node, _JSON_TYPES.get(t, object)) for t in types)


def _unknown_keys(node: Any, schema: dict[str, Any], defs: dict[str, Any], where: str) -> list[str]:
    """Keys in ``node`` that a closed object of ``schema`` does not name (a light look, not validation)."""
    schema = _resolve(schema, defs)
    branches = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
    if branches:
        fitting = [b for b in (_resolve(b, defs) for b in branches) if _fits(node, b.get("type"))]
        results = [_unknown_keys(node, b, defs, where) for b in fitting]
        return min(results, key=len) if results else []
    if isinstance(node, dict):
        found: list[str] = []
        extra = schema.get("additionalProperties", True)
        for key, value in node.items():
            patterns = [s for p, s in schema.get("patternProperties", {}).items() if re.search(p, key)]
            if key in schema.get("properties", {}):
                found += _unknown_keys(value, schema["properties"][key], defs, f"{where}.{key}")
            elif patterns:
                found += _unknown_keys(value, patterns[0], defs, f"{where}.{key}")
            elif isinstance(extra, dict):
                found += _unknown_keys(value, extra, defs, f"{where}.{key}")
            elif extra is False:
                found.append(f"{where}.{key}")
        return found
    if isinstance(node, list) and isinstance(schema.get("items"), dict):
        return [p for i, v in enumerate(node) for p in _unknown_keys(v, schema["items"], defs, f"{where}[{i}]")]
    return []


def test_schema_is_json_and_knows_every_key_the_specs_use() -> None:
    result = policy("schema")
    assert (result.exit_code, result.stderr) == (0, "")
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    defs = schema["$defs"]
    for section, inner in (("policy", "id"), ("fields", None), ("purposes", None)):
        assert section in schema["properties"]
        if inner:
            assert inner in _resolve(schema["properties"][section], defs)["properties"]
    assert {"policy", "fields", "purposes"} <= set(schema["required"])

    for path in [*SEEDS, CLINIC]:
        document = json.loads(json.dumps(YAML(typ="safe").load(path.read_text(encoding="utf-8")), default=str))
        assert set(document) <= set(schema["properties"]), path.name
        assert _unknown_keys(document, schema, defs, "") == [], path.name


# --------------------------------------------------------------------------- 5. render


@pytest.fixture
def cached_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading is what the check tests are about; render and diff tests load each spec once, to stay fast."""
    monkeypatch.setattr(policy_cli, "load_policy_file", functools.cache(load_policy_file))


@pytest.mark.usefixtures("cached_loads")
@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem[:3] for s in SEEDS])
def test_render_every_seed_in_every_language_and_format_is_deterministic(seed: Path, real_runs: RealRuns) -> None:
    other_process = json.loads(real_runs["render_hashes"].stdout)
    for lang in LANGS:
        for fmt in FORMATS:
            result = policy("render", seed, "--lang", lang, "--format", fmt)
            assert (result.exit_code, result.stderr) == (0, ""), (lang, fmt)
            text = result.stdout
            assert text.endswith("\n")
            assert ("<html" in text) is (fmt == "html")
            if lang != "en":
                assert CJK.search(text)
            assert hashlib.sha256(result.stdout_bytes).hexdigest() == other_process[f"{seed}|{lang}|{fmt}"], (
                lang,
                fmt,
            )


@pytest.mark.usefixtures("cached_loads")
def test_render_to_a_file_writes_the_same_bytes(tmp_path: Path) -> None:
    for lang, fmt in (("zh-CN", "md"), ("zh-TW", "html"), ("en", "html")):
        shown = policy("render", SEED, "--lang", lang, "--format", fmt)
        out = tmp_path / f"policy.{lang}.{fmt}"
        written = policy("render", SEED, "--lang", lang, "--format", fmt, "-o", out)
        assert (written.exit_code, written.stdout, written.stderr) == (0, "", "")
        assert out.read_bytes() == shown.stdout_bytes
        assert policy("render", SEED, "--lang", lang, "--format", fmt).stdout_bytes == shown.stdout_bytes


def test_render_of_an_invalid_spec_prints_the_problem_on_stderr_only(tmp_path: Path) -> None:
    text = edit("    retention: {period: 3 years}\n", "")
    path = write(tmp_path, "s.yaml", text)
    for args, env, words in (((), None, "没有写保存期限"), ((), "en", "has no retention")):
        result = policy("render", path, *args, lang_env=env)
        assert (result.exit_code, result.stdout) == (1, "")
        [problem] = parse(result.stderr)
        assert (problem.file, problem.line, problem.col) == (str(path), *position(text, "  payment:"))
        assert words in problem.message


# --------------------------------------------------------------------------- 6. diff


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("diff")
    return {
        "same": write(base, "same.yaml", CLINIC_TEXT),
        "label": write(
            base, "label.yaml", edit("label: {zh-CN: 支付, en: Payment}", "label: {zh-CN: 付款, en: Payments}")
        ),
        "purpose": write(base, "purpose.yaml", edit("\npermissions:\n", "\n" + REMINDERS)),
        "invalid": write(base, "invalid.yaml", edit("    immutable: true\n", "    immutable: maybe\n")),
    }


@pytest.mark.usefixtures("cached_loads")
def test_diff_of_identical_specs_exits_0(variants: dict[str, Path]) -> None:
    result = policy("diff", CLINIC, variants["same"], "--lang", "en")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "0 change(s): no changes\n")
    as_json = json.loads(policy("diff", CLINIC, variants["same"], "--format", "json").stdout)
    assert as_json == {"status": "none", "unrelated": None, "material_kinds": [], "changes": []}


@pytest.mark.usefixtures("cached_loads")
def test_diff_of_a_label_only_change_is_minor(variants: dict[str, Path]) -> None:
    result = policy("diff", CLINIC, variants["label"], "--lang", "en")
    assert result.exit_code == 1
    assert result.stdout == (
        "[minor] purposes.payment.label: Purpose 'payment' label changed from 'Payment' to 'Payments'\n"
    )
    assert result.stderr == "1 change(s): minor changes only\n"
    zh = policy("diff", CLINIC, variants["label"])
    assert zh.exit_code == 1
    assert zh.stdout == "[minor] purposes.payment.label: 目的 'payment' 的名称由 '支付' 改为 '付款'\n"
    assert zh.stderr == "1 处变更：只有一般变更\n"
    as_json = json.loads(policy("diff", CLINIC, variants["label"], "--format", "json").stdout)
    assert (as_json["status"], as_json["material_kinds"]) == ("minor", [])
    assert [c["material"] for c in as_json["changes"]] == [None]


@pytest.mark.usefixtures("cached_loads")
def test_diff_adding_a_purpose_is_a_material_service_model_change(variants: dict[str, Path]) -> None:
    result = policy("diff", CLINIC, variants["purpose"], "--lang", "en")
    assert result.exit_code == 2
    assert result.stdout == "[material:service_model] purposes.reminders: Purpose 'reminders' added\n"
    assert result.stderr == "1 change(s): material changes\n"
    assert policy("diff", CLINIC, variants["purpose"]).stderr == "1 处变更：包含重大变更\n"


@pytest.mark.usefixtures("cached_loads")
def test_diff_as_json_carries_status_and_material_kinds(variants: dict[str, Path]) -> None:
    result = policy("diff", CLINIC, variants["purpose"], "--format", "json")
    assert (result.exit_code, result.stderr) == (2, "")
    document = json.loads(result.stdout)
    assert document["status"] == "material"
    assert document["material_kinds"] == ["service_model"]
    assert document["changes"] == [
        {
            "path": ["purposes", "reminders"],
            "change": "added",
            "material": "service_model",
            "summary": {"zh-CN": "新增目的 'reminders'", "en": "Purpose 'reminders' added"},
        }
    ]
    back = json.loads(policy("diff", variants["purpose"], CLINIC, "--format", "json").stdout)
    assert (back["status"], back["material_kinds"]) == ("material", ["service_model"])
    assert [c["change"] for c in back["changes"]] == ["removed"]


@pytest.mark.usefixtures("cached_loads")
def test_diff_with_an_invalid_input_exits_3(variants: dict[str, Path], tmp_path: Path) -> None:
    for old, new in ((CLINIC, variants["invalid"]), (variants["invalid"], CLINIC), (CLINIC, tmp_path / "none.yaml")):
        result = policy("diff", old, new, "--lang", "en", "--format", "json")
        assert (result.exit_code, result.stdout) == (3, "")
        [problem] = parse(result.stderr)
        assert problem.file in (str(old), str(new))
        assert problem.severity == "error"


# --------------------------------------------------------------------------- 7. fuzzing: never a traceback


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _check_survives(path: Path, raw: bytes) -> None:
    result = policy("check", "--lang", "en", path)
    assert result.exit_code in (0, 1)
    problems = parse(result.stdout)  # one well-formed line per problem, whatever the input
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("1 file(s): ")
    assert (result.exit_code == 1) is any(p.severity == "error" for p in problems)
    try:
        lines = len(raw.decode("utf-8-sig").splitlines())
    except UnicodeDecodeError:
        lines = len(raw.splitlines())
    for problem in problems:
        assert problem.file == str(path)
        assert 1 <= problem.line <= lines + 1, (problem, lines)
        assert problem.col >= 1


YAMLISH = st.lists(
    st.sampled_from(
        [
            *":-[]{}&*!|>'\"#%@`?,\n\t ",
            "a",
            "policy",
            "fields",
            "!!set",
            "!!omap",
            "!!binary",
            "<<",
            "&x",
            "*x",
            "中",
            "---",
            "? ",
        ]
    ),
    max_size=80,
).map("".join)
FUZZ = settings(max_examples=60, deadline=None, database=None)
FUZZ_SPECS = settings(FUZZ, max_examples=40)  # each of these is a whole spec to parse: fewer, to stay fast


@FUZZ
@given(raw=st.one_of(st.binary(max_size=600), st.text(max_size=600).map(str.encode), YAMLISH.map(str.encode)))
def test_check_survives_random_input(fuzz_dir: Path, raw: bytes) -> None:
    path = write(fuzz_dir, "random.yaml", raw)
    _check_survives(path, raw)


@FUZZ_SPECS
@given(ops=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=4))
@pytest.mark.slow
def test_check_survives_a_mutated_spec(fuzz_dir: Path, ops: list[tuple[int, int, int]]) -> None:
    raw = mutate(CLINIC_TEXT, ops).encode("utf-8")
    path = write(fuzz_dir, "mutated.yaml", raw)
    _check_survives(path, raw)


def test_every_seed_checks_with_warnings_only_through_the_real_command(real_runs: RealRuns) -> None:
    problems = parse(real_runs["check"].stdout)
    for seed in SEEDS:
        found = {p.severity for p in problems if p.file == str(seed)}
        assert found == {"warning"}, seed.name  # each seed has its gaps, and no error


def test_the_real_command_survives_a_handful_of_fuzzed_files(real_runs: RealRuns) -> None:
    run = real_runs["check"]
    assert run.code == 1  # not 70 (an internal error): the hostile files in the same run are plain errors
    files = [str(p) for p in (*real_runs.pathological, *real_runs.fuzzed)]
    problems = parse(run.stdout)
    assert {p.file for p in problems} <= set(files)
    reported = list(dict.fromkeys(p.file for p in problems))
    assert reported == [f for f in files if f in reported]  # file by file, in the order given
    assert str(real_runs.fuzzed[0]) in reported  # random bytes are never a spec
    assert re.fullmatch(rf"{len(files)} 个文件：\d+ 个错误，\d+ 个警告\n", run.stderr)


# --------------------------------------------------------------------------- 8. hostile inputs, for real


PATHOLOGICAL_ZH = ("展开别名", "YAML 嵌套过深", "超过 2 MiB", "顶层必须是键值映射")


def test_hostile_inputs_each_end_in_one_clear_line_through_the_real_command(real_runs: RealRuns) -> None:
    run = real_runs["check"]
    assert run.code == 1
    hostile = [str(p) for p in real_runs.pathological]
    problems = [p for p in parse(run.stdout) if p.file in hostile]
    assert [p.file for p in problems] == hostile  # one line each
    for problem, words in zip(problems, PATHOLOGICAL_ZH, strict=True):
        assert (problem.line, problem.col, problem.severity) == (1, 1, "error")
        assert words in problem.message
    assert "hacked" not in run.stdout + run.stderr
    assert not real_runs.marker.exists()
    assert run.seconds < 120


@pytest.mark.parametrize(
    ("index", "words"),
    [
        (0, "Once its aliases (*name) are expanded"),
        (1, "The YAML is nested too deeply."),
        (2, "larger than 2 MiB"),
        (3, "The top of a spec must be a mapping"),
    ],
    ids=["alias_bomb", "deep_nesting", "3_mb", "python_tag"],
)
def test_each_hostile_input_alone_is_one_error_quickly(real_runs: RealRuns, index: int, words: str) -> None:
    path = real_runs.pathological[index]
    started = time.process_time()
    result = policy("check", "--lang", "en", path)
    assert time.process_time() - started < 10
    assert result.exit_code == 1
    [problem] = parse(result.stdout)
    assert (problem.file, problem.line, problem.col) == (str(path), 1, 1)
    assert words in problem.message
    assert not real_runs.marker.exists()


def test_a_python_tag_inside_a_spec_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "HACKED"
    line = f'  id: !!python/object/apply:os.system ["echo hacked > {marker}"]'
    text = edit("  id: test-clinic\n", line + "\n")
    result = policy("check", "--lang", "en", write(tmp_path, "s.yaml", text))
    assert result.exit_code == 1
    [problem] = parse(result.stdout)
    assert (problem.line, problem.col) == position(text, line, "!!python")
    assert problem.message.startswith("policy.id: expected text here")
    assert not marker.exists()


def test_unreadable_inputs_are_errors_not_crashes(tmp_path: Path) -> None:
    cases = [tmp_path / "nowhere" / "x.yaml"]
    if Path("/dev/zero").exists():
        cases.append(Path("/dev/zero"))  # endless: read only as much as a spec may be
    for path in cases:
        result = policy("check", "--lang", "en", path)
        assert result.exit_code == 1
        [problem] = parse(result.stdout)
        assert problem.file == str(path)
    omap = policy("check", write(tmp_path, "omap.yaml", "!!omap [{a: 1}]\n"))  # a mapping that keeps no positions
    assert omap.exit_code == 1
    assert {p.severity for p in parse(omap.stdout)} == {"error"}
    bad_tag = policy("check", "--lang", "en", write(tmp_path, "set.yaml", "policy: !!set 1\n"))
    assert bad_tag.exit_code == 1
    [problem] = parse(bad_tag.stdout)
    assert "The YAML cannot be read" in problem.message


def test_the_real_command_exits_3_for_an_invalid_diff_input_with_the_problem_on_stderr(real_runs: RealRuns) -> None:
    diff = real_runs["diff_invalid"]
    assert (diff.code, diff.stdout) == (3, "")
    [problem] = parse(diff.stderr)
    assert (problem.file, problem.severity) == (str(real_runs.broken), "error")
    assert problem.message == "Unknown key 'legal_bases'. Did you mean 'legal_basis'?"
