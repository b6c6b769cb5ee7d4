"""The README of a copy: what every file and column means, in Chinese and then English.

Written from the bundle's metadata only, never its values.
"""

from __future__ import annotations

from collections.abc import Iterable

from yinsi.core.export.bundle import ExportBundle
from yinsi.core.export.columns import (
    ACCESS_JSON,
    CONSENTS_JSON,
    DATA_FILES,
    MANIFEST,
    PI_CSV,
    PI_JSON,
    PROVISIONS_JSON,
    README,
    REQUESTS_JSON,
)
from yinsi.core.i18n import Msg
from yinsi.core.policy import labels as L
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.vocabulary import Category, LegalBasis, RecipientKind, Sensitivity

# --------------------------------------------------------------------------- the README

# The README's sentences, Chinese and English side by side.

_TITLE = Msg("您的个人信息副本", "Your copy of your personal information")
_ABOUT = Msg(
    "这是{operator}应您的请求生成的个人信息副本。它包含我们保存的您本人的全部个人信息，以及与之相关的记录。",
    "{operator} made this copy of your personal information at your request. It holds all the personal "
    "information we keep about you, and the records that go with it.",
)
_FACTS = (
    Msg("用户标识", "Your user id"),
    Msg("生成时间（UTC）", "Generated (UTC)"),
    Msg("隐私政策版本", "Privacy policy version"),
)
_FILES_TITLE = Msg("文件", "Files")
_FILES_NOTE = Msg(
    "JSON 文件便于程序读取和转移给其他个人信息处理者；CSV 文件便于用 Excel、WPS 等表格软件查看，内容与对应的 JSON 文件相同。",
    "The JSON files are for programs, and for moving your information to another processor; the CSV files hold "
    "the same records for spreadsheet programs such as Excel or WPS.",
)
_COLUMNS_TITLE = Msg("各文件的列", "Columns of each file")
_COLUMN_HEADERS = (Msg("列", "Column"), Msg("含义", "Meaning"))
_CSV_TITLE = Msg("如何打开 CSV 文件", "Opening the CSV files")
_CSV_TEXT = (
    Msg(
        "CSV 文件使用带 BOM 的 UTF-8 编码，用 Excel 或 WPS 双击即可正确显示中文。",
        "The CSV files are UTF-8 with a byte-order mark, so Excel and WPS show Chinese correctly when you "
        "double-click them.",
    ),
    Msg(
        "如果显示乱码，请在 Excel 中选择“数据 → 自文本/CSV”，文件原始格式选择“65001: Unicode (UTF-8)”。",
        'If the text looks garbled, use Data → From Text/CSV in Excel and choose "65001: Unicode (UTF-8)" as the '
        "file origin.",
    ),
    Msg(
        "身份证号码、银行卡号等较长的数字可能被表格软件显示为科学计数法；导入时将该列设为“文本”，或查看对应的 JSON 文件。",
        "Spreadsheets may show long numbers such as ID or bank card numbers in scientific notation; import that "
        "column as text, or read the JSON file.",
    ),
    Msg(
        "以 =、+、-、@ 开头的内容前加了一个单引号（'），以免表格软件把它当作公式执行；JSON 文件中是原样的内容。",
        "A value starting with =, +, - or @ has a single quote (') put in front, so that a spreadsheet does not "
        "run it as a formula; the JSON files hold it exactly as it is.",
    ),
    Msg(
        "一列中有多个值时（如 purposes），以分号（;）分隔。时间均为 UTC（北京时间减 8 小时），格式为 ISO 8601。",
        "Where a column holds several values (purposes, for example) they are separated by semicolons (;). Times "
        "are UTC (Beijing time minus 8 hours), in ISO 8601.",
    ),
)
_DERIVED_TITLE = Msg("推断得出的信息", "Derived information")
_DERIVED_TEXT = Msg(
    "推断得出的信息是我们根据您的其他信息分析得出的（例如兴趣标签），而不是您提供的或在您使用服务时直接记录的。"
    '您有权查阅和复制它，所以它在 pi.json 中，标注为 "portable": false；'
    "但它不属于可以转移给其他个人信息处理者的个人信息，所以不在用于转移的 pi.csv 中。",
    "Derived information is what we infer from your other information (interest tags, for example), rather than "
    "what you gave us or what was recorded as you used the service. You have the right to see and copy it, so it "
    'is in pi.json, marked "portable": false; it is not information you can move to another processor, so it '
    "is not in pi.csv, the file meant for moving.",
)
_DERIVED_FIELDS = Msg("本隐私政策中推断得出的信息：", "In this privacy policy, derived information is:")
_DERIVED_NONE = Msg("本隐私政策中没有推断得出的信息。", "This privacy policy declares no derived information.")
_OTHERS_TITLE = Msg("他人的个人信息", "Other people's information")
_OTHERS_TEXT = Msg(
    "本副本只包含您本人的个人信息。其他人的个人信息（例如处理您请求的工作人员的身份）不包含在内，以保护他们的权益；"
    "provisions 文件中的 actor 一列只写明执行提供的系统或角色。",
    "This copy holds only your own personal information. Other people's personal information (such as who on our "
    "staff handled your requests) is left out, to protect them; the actor column of the provisions files names "
    "only the system or role that provided your information.",
)
_VERIFY_TITLE = Msg("核对文件是否完整", "Checking the files")
_VERIFY_TEXT = Msg(
    "manifest.json 列出了每个文件的 SHA-256 校验值和各列的说明。您可以用 `sha256sum 文件名`（Linux、macOS 用 "
    "`shasum -a 256`）或 `certutil -hashfile 文件名 SHA256`（Windows）计算校验值并与之核对；不一致说明文件已被改动或损坏。",
    "manifest.json lists the SHA-256 of every file, and describes every column. Compute a file's hash with "
    "`sha256sum FILE` (`shasum -a 256` on macOS) or `certutil -hashfile FILE SHA256` (Windows) and compare; a "
    "difference means the file was changed or damaged.",
)
_GLOSSARY_TITLE = Msg("词汇表", "Glossary")
_GLOSSARY_FIELDS = Msg("个人信息项（field）", "Information (field)")
_GLOSSARY_PURPOSES = Msg("处理目的（purposes、purpose）", "Purposes (purposes, purpose)")
_GLOSSARY_RECIPIENTS = Msg("接收方（recipient）", "Recipients (recipient)")
_GLOSSARY_WORDS = Msg(
    "类别、敏感程度、合法性基础和接收方类型", "Categories, sensitivity, legal bases and recipient kinds"
)
_GLOSSARY_HEADERS = (Msg("标识", "Id"), Msg("中文", "Chinese"), Msg("英文", "English"))
_OPERATOR_FALLBACK = Msg("我们", "We")
_MANIFEST_LINE = Msg("校验值和各列的说明", "Checksums and a description of every column")
_RECORDS = Msg("（{count} 条）", " ({count} records)")
_ONE_RECORD = Msg("（1 条）", " (1 record)")


def _md(text: str) -> str:
    """Spec text made safe inside a Markdown table cell: it can neither end the cell nor the line."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def readme(bundle: ExportBundle, generated: str, counts: dict[str, int]) -> str:
    """The README, Chinese first and then English, written from the bundle's metadata only (never its values)."""
    sections = [_readme_in(bundle, generated, counts, lang) for lang in ("zh-CN", "en")]
    sections.append(_glossary(bundle.spec))
    return "\n".join(sections)


def _readme_in(bundle: ExportBundle, generated: str, counts: dict[str, int], lang: str) -> str:
    spec = bundle.spec
    operator = spec.operator.name.get(lang) if spec.operator.name is not None else _OPERATOR_FALLBACK.get(lang)
    lines = [f"# {_TITLE.get(lang)}", "", _ABOUT.get(lang).format(operator=_md(operator)), ""]
    for label, value in zip(_FACTS, (bundle.subject_id, generated, bundle.policy_version), strict=True):
        lines.append(f"- {label.get(lang)}{L.COLON.get(lang)}`{value}`")
    lines += ["", f"## {_FILES_TITLE.get(lang)}", ""]
    for file in (README, *DATA_FILES):
        line = f"- `{file.name}`{L.COLON.get(lang)}{file.description.get(lang)}"
        if file.name in counts:
            count = counts[file.name]
            line += _ONE_RECORD.get(lang) if count == 1 else _RECORDS.get(lang).format(count=count)
        lines.append(line)
    lines.append(f"- `{MANIFEST}`{L.COLON.get(lang)}{_MANIFEST_LINE.get(lang)}")
    lines += ["", _FILES_NOTE.get(lang), "", f"## {_COLUMNS_TITLE.get(lang)}", ""]
    for file in (PI_JSON, CONSENTS_JSON, ACCESS_JSON, PROVISIONS_JSON, REQUESTS_JSON):
        names = f"`{file.name}`"
        if file is PI_JSON:
            names += f", `{PI_CSV.name}`"
        elif file is not REQUESTS_JSON:
            names += f", `{file.name.removesuffix('.json')}.csv`"
        lines += [
            f"### {names}",
            "",
            f"| {_COLUMN_HEADERS[0].get(lang)} | {_COLUMN_HEADERS[1].get(lang)} |",
            "| --- | --- |",
        ]
        lines += [f"| `{c.name}` | {c.description.get(lang)} |" for c in file.columns]
        lines.append("")
    lines += [f"## {_CSV_TITLE.get(lang)}", ""]
    lines += [f"- {msg.get(lang)}" for msg in _CSV_TEXT]
    lines += ["", f"## {_DERIVED_TITLE.get(lang)}", "", _DERIVED_TEXT.get(lang), ""]
    derived = [f for f in spec.fields.items() if f[1].derived]
    if derived:
        lines += [_DERIVED_FIELDS.get(lang), ""]
        lines += [f"- `{fid}`{L.COLON.get(lang)}{_md(f.label.get(lang))}" for fid, f in derived]
    else:
        lines.append(_DERIVED_NONE.get(lang))
    lines += ["", f"## {_OTHERS_TITLE.get(lang)}", "", _OTHERS_TEXT.get(lang), ""]
    lines += [f"## {_VERIFY_TITLE.get(lang)}", "", _VERIFY_TEXT.get(lang), ""]
    return "\n".join(lines)


def _glossary(spec: PolicySpec) -> str:
    """The ids the files use, with their words in both languages, once for both halves of the README."""
    title = f"## {_GLOSSARY_TITLE.zh} / {_GLOSSARY_TITLE.en}"
    header = " | ".join(f"{h.zh} / {h.en}" for h in _GLOSSARY_HEADERS)
    lines = [title, ""]

    def table(caption: Msg, rows: Iterable[tuple[str, str, str]]) -> None:
        lines.extend([f"### {caption.zh} / {caption.en}", "", f"| {header} |", "| --- | --- | --- |"])
        lines.extend(f"| `{key}` | {_md(zh)} | {_md(en)} |" for key, zh, en in rows)
        lines.append("")

    table(_GLOSSARY_FIELDS, ((fid, f.label.zh_CN, f.label.get("en")) for fid, f in spec.fields.items()))
    table(_GLOSSARY_PURPOSES, ((pid, p.label.zh_CN, p.label.get("en")) for pid, p in spec.purposes.items()))
    if spec.recipients:
        table(_GLOSSARY_RECIPIENTS, ((rid, r.name.zh_CN, r.name.get("en")) for rid, r in spec.recipients.items()))
    words: list[tuple[str, str, str]] = []
    for vocabulary in (Category, Sensitivity, LegalBasis, RecipientKind):
        for member in vocabulary:
            msg = L.ENUM_LABELS[vocabulary][member]
            words.append((member.value, msg.zh, msg.en))
    table(_GLOSSARY_WORDS, words)
    return "\n".join(lines)
