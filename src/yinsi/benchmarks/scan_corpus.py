"""A labelled synthetic corpus for measuring the scanner: customer-service notes, logs, records.

Faker's zh_CN locale supplies names, e-mail and IP addresses, but not the
numbers: most of its ID numbers carry region codes that do not exist, and its
mobile numbers include ranges that were never allocated (149) while the
version pinned here may lack others. So ID numbers, mobiles, landlines, cards
and addresses are built here from real region codes, the allocated ranges
(checked by the same functions as the vault) and real divisions. Every text
also carries hard negatives: 18-digit order numbers whose check character is
wrong, valid-looking mobiles after 快递单号, numbers in unallocated ranges,
dates that are not birthdays, version numbers, product codes, and common
words that begin with a surname. A fixed seed makes the corpus the same on
every machine, so F1 figures can be compared.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from yinsi.core.detect.checks import id_check_char, is_allocated_mobile, is_landline, luhn_ok
from yinsi.core.detect.kinds import PiType

__all__ = ["SEED", "Sample", "generate", "read_corpus", "write_corpus"]

SEED = 20261204

# Real county-level codes of GB/T 2260, one or two per province.
_REGIONS = [
    "110101",
    "110105",
    "120101",
    "130102",
    "140105",
    "150102",
    "210102",
    "220102",
    "230102",
    "310104",
    "310115",
    "320102",
    "330106",
    "340104",
    "350203",
    "360102",
    "370202",
    "410105",
    "420106",
    "430104",
    "440106",
    "440305",
    "450103",
    "460105",
    "500103",
    "510107",
    "520102",
    "530102",
    "540102",
    "610113",
    "620102",
    "630102",
    "640104",
    "650102",
]
_LANDLINE_AREAS = ("010", "021", "020", "022", "023", "024", "025", "027", "028", "029", "0755", "0571", "0512", "0731")
_DIVISIONS = (
    ("北京市", "", ("朝阳区", "海淀区", "东城区", "丰台区")),
    ("上海市", "", ("浦东新区", "徐汇区", "静安区", "闵行区")),
    ("天津市", "", ("和平区", "南开区")),
    ("重庆市", "", ("渝中区", "江北区")),
    ("广东省", "广州市", ("天河区", "越秀区", "海珠区")),
    ("广东省", "深圳市", ("南山区", "福田区", "宝安区")),
    ("浙江省", "杭州市", ("西湖区", "上城区", "余杭区")),
    ("江苏省", "南京市", ("玄武区", "鼓楼区")),
    ("江苏省", "苏州市", ("姑苏区", "吴中区")),
    ("四川省", "成都市", ("武侯区", "锦江区", "青羊区")),
    ("湖北省", "武汉市", ("武昌区", "洪山区")),
    ("陕西省", "西安市", ("雁塔区", "碑林区")),
    ("山东省", "青岛市", ("市南区", "崂山区")),
    ("河南省", "郑州市", ("金水区", "二七区")),
    ("湖南省", "长沙市", ("岳麓区", "芙蓉区")),
    ("福建省", "厦门市", ("思明区", "湖里区")),
    ("辽宁省", "沈阳市", ("和平区", "沈河区")),
    ("云南省", "昆明市", ("五华区", "盘龙区")),
    ("广西壮族自治区", "南宁市", ("青秀区", "兴宁区")),
    ("新疆维吾尔自治区", "乌鲁木齐市", ("天山区", "沙依巴克区")),
    ("河北省", "石家庄市", ("长安区", "桥西区")),
    ("安徽省", "合肥市", ("蜀山区", "包河区")),
)
_ROADS = (
    "建国路",
    "人民路",
    "中山路",
    "解放大道",
    "长江路",
    "学院路",
    "文一西路",
    "南京东路",
    "科技园路",
    "和平街",
    "东风路",
    "滨江大道",
)
_PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁苏浙赣鄂桂甘晋陕吉闽贵粤川"
_PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass
class Sample:
    """A text and the PI in it: (start, end, type) for every value a perfect scanner would report."""

    text: str
    spans: list[tuple[int, int, PiType]] = field(default_factory=list)


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[tuple[int, int, PiType]] = []

    def add(self, text: str, kind: PiType | None = None) -> None:
        if kind is not None:
            self.spans.append((self.length, self.length + len(text), kind))
        self.parts.append(text)
        self.length += len(text)

    def sample(self) -> Sample:
        return Sample("".join(self.parts), self.spans)


class _Values:
    """Valid values of each kind, and their look-alikes."""

    def __init__(self, rng: random.Random, fake: object) -> None:
        self.rng = rng
        self.fake = fake
        self.mobile_prefixes = [
            p
            for p in range(130, 200)
            if any(is_allocated_mobile(f"{p}{n:08d}") for n in (0, 12345678, 55555555, 99999999))
        ]

    def birth(self) -> date:
        return date(1945, 1, 1) + timedelta(days=self.rng.randrange(365 * 62))

    def id_number(self) -> str:
        body = f"{self.rng.choice(_REGIONS)}{self.birth():%Y%m%d}{self.rng.randrange(1000):03d}"
        return body + id_check_char(body)

    def bad_id(self) -> str:
        good = self.id_number()
        wrong = self.rng.choice([c for c in "0123456789X" if c != good[-1]])
        return good[:17] + wrong

    def mobile_digits(self) -> str:
        while True:
            digits = f"{self.rng.choice(self.mobile_prefixes)}{self.rng.randrange(10**8):08d}"
            if is_allocated_mobile(digits):
                return digits

    def mobile(self) -> str:
        digits = self.mobile_digits()
        style = self.rng.random()
        if style < 0.6:
            return digits
        if style < 0.75:
            return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
        if style < 0.9:
            return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
        return f"+86{digits}"

    def unallocated_mobile(self) -> str:
        return f"{self.rng.choice(('160', '163', '164', '168', '169', '140', '154'))}{self.rng.randrange(10**8):08d}"

    def landline(self) -> str:
        while True:
            area = self.rng.choice(_LANDLINE_AREAS)
            length = 8 if len(area) == 3 else self.rng.choice((7, 8))
            subscriber = f"{self.rng.randint(2, 8)}{self.rng.randrange(10 ** (length - 1)):0{length - 1}d}"
            if is_landline(area + subscriber):
                return f"{area}-{subscriber}" if self.rng.random() < 0.8 else f"({area}){subscriber}"

    def card(self) -> str:
        while True:
            body = "62" + "".join(self.rng.choice("0123456789") for _ in range(self.rng.choice((14, 16, 17))))
            if luhn_ok(body):
                break
        if self.rng.random() < 0.3:
            return " ".join(body[i : i + 4] for i in range(0, len(body), 4))
        return body

    def luhn_like(self) -> str:
        """16 digits that are not a card: they fail Luhn (an order or a ticket number)."""
        while True:
            body = "62" + "".join(self.rng.choice("0123456789") for _ in range(14))
            if not luhn_ok(body):
                return body

    def passport(self) -> str:
        if self.rng.random() < 0.5:
            return f"E{self.rng.randrange(10**8):08d}"
        return f"E{self.rng.choice(_LETTERS)}{self.rng.randrange(10**7):07d}"

    def permit(self) -> str:
        letter = self.rng.choice("CLHM")
        return f"{letter}{self.rng.randrange(10**8):08d}"

    def plate(self) -> str:
        while True:
            tail = "".join(self.rng.choice(_PLATE_CHARS) for _ in range(5))
            if sum(c.isdigit() for c in tail) >= 3:
                return f"{self.rng.choice(_PLATE_PROVINCES)}{self.rng.choice(_LETTERS)}{tail}"

    def birth_text(self) -> str:
        born = self.birth()
        return self.rng.choice(
            (f"{born:%Y-%m-%d}", f"{born.year}年{born.month}月{born.day}日", f"{born:%Y/%m/%d}", f"{born:%Y%m%d}")
        )

    def other_date(self) -> str:
        day = date(2023, 1, 1) + timedelta(days=self.rng.randrange(700))
        return f"{day:%Y-%m-%d}"

    def name(self) -> str:
        return str(self.fake.name())  # type: ignore[attr-defined]

    def email(self) -> str:
        if self.rng.random() < 0.5:
            return str(self.fake.email())  # type: ignore[attr-defined]
        user = str(self.fake.user_name())  # type: ignore[attr-defined]
        return f"{user}{self.rng.randrange(100)}@{self.rng.choice(('qq.com', '163.com', '126.com', 'sina.com', 'example.cn'))}"

    def ip(self) -> str:
        if self.rng.random() < 0.75:
            return str(self.fake.ipv4_public())  # type: ignore[attr-defined]
        return str(self.fake.ipv6())  # type: ignore[attr-defined]

    def address(self) -> str:
        province, city, districts = self.rng.choice(_DIVISIONS)
        head = (province if self.rng.random() < 0.8 else "") + city + self.rng.choice(districts)
        if not head.endswith(("区", "市", "县")):
            head += self.rng.choice(districts)
        tail = f"{self.rng.choice(_ROADS)}{self.rng.randint(1, 999)}号"
        if self.rng.random() < 0.6:
            tail += f"{self.rng.randint(1, 30)}栋{self.rng.randint(1, 6)}单元{self.rng.randint(101, 2505)}室"
        return head + tail

    def version(self) -> str:
        return (
            f"{self.rng.randint(1, 9)}.{self.rng.randint(0, 20)}.{self.rng.randint(0, 20)}.{self.rng.randint(1, 200)}"
        )

    def order(self) -> str:
        return f"{self.other_date().replace('-', '')}{self.rng.randrange(10**10):010d}"


P = PiType
# A template is a list of literal strings and (kind, maker) pairs; kind None marks a hard negative.
_Piece = str | tuple[PiType | None, str]
_TEMPLATES: tuple[tuple[_Piece, ...], ...] = (
    ("客户", (P.NAME, "name"), "来电反映，手机", (P.MOBILE, "mobile"), "收不到验证码，已登记。"),
    ("联系人：", (P.NAME, "name"), "，联系电话：", (P.LANDLINE, "landline"), "，邮箱：", (P.EMAIL, "email")),
    ("身份证号码", (P.ID_NUMBER, "id_number"), "，出生日期", (P.BIRTH_DATE, "birth_text"), "，已核实本人。"),
    ("收货地址：", (P.ADDRESS, "address"), "，收件人", (P.NAME, "name"), "，电话", (P.MOBILE, "mobile"), "。"),
    ("退款打到卡号", (P.BANK_CARD, "card"), "，持卡人", (P.NAME, "name"), "，订单号", (None, "order"), "。"),
    (
        "用户",
        (P.EMAIL, "email"),
        "于",
        (None, "other_date"),
        "从",
        (P.IP, "ip"),
        "登录，客户端版本",
        (None, "version"),
        "。",
    ),
    ("乘客", (P.NAME, "name"), "，护照号码", (P.PASSPORT, "passport"), "，生日", (P.BIRTH_DATE, "birth_text"), "。"),
    ("申请人", (P.NAME, "name"), "持往来港澳通行证", (P.TRAVEL_PERMIT, "permit"), "办理业务。"),
    ("车牌", (P.LICENCE_PLATE, "plate"), "的车主", (P.NAME, "name"), "女士，手机", (P.MOBILE, "mobile"), "。"),
    ("快递单号", (None, "mobile_digits"), "已签收，运单", (None, "order"), "，请核对。"),
    ("订单", (None, "bad_id"), "已发货，", (P.NAME, "name"), "先生请注意查收。"),
    ("号码", (None, "unallocated_mobile"), "是空号，请改用", (P.MOBILE, "mobile"), "联系。"),
    (
        "2024-05-01 12:00:01 INFO login ok user=",
        (P.EMAIL, "email"),
        " ip=",
        (P.IP, "ip"),
        " phone=",
        (P.MOBILE, "mobile"),
    ),
    ("工单", (None, "luhn_like"), "：顾客表示方便的时候再联系，我们很高兴为您服务。"),
    ("商品型号 G", (None, "digits8"), "，发票金额", (None, "amount"), "元，下单时间", (None, "other_date"), "。"),
    ("患者", (P.NAME, "name"), "，住址", (P.ADDRESS, "address"), "，身份证", (P.ID_NUMBER, "id_number"), "。"),
    ("请寄到", (P.ADDRESS, "address"), "，", (P.NAME, "name"), "收，", (P.MOBILE, "mobile"), "。"),
    ("ERROR payment failed card=", (P.BANK_CARD, "card"), " order=", (None, "order"), " from ", (P.IP, "ip")),
    ("客户高度评价本次服务，黄金会员权益已发放，请于", (None, "other_date"), "前使用。"),
    ("转账", (None, "amount"), "元至账户", (P.BANK_CARD, "card"), "，户名", (P.NAME, "name"), "。"),
)


def _negatives(values: _Values) -> dict[str, Callable[[], str]]:
    return {
        "digits8": lambda: f"{values.rng.randrange(10**8):08d}",
        "amount": lambda: f"{values.rng.randint(10, 99999)}.{values.rng.randrange(100):02d}",
    }


def generate(count: int, *, seed: int = SEED) -> Iterator[Sample]:
    """``count`` labelled samples; the same ``seed`` gives the same corpus."""
    from faker import Faker  # noqa: PLC0415 - a development dependency, needed only to make a corpus

    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible on purpose
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    values = _Values(rng, fake)
    extra = _negatives(values)
    for _ in range(count):
        template = rng.choice(_TEMPLATES)
        builder = _Builder()
        for piece in template:
            if isinstance(piece, str):
                builder.add(piece)
            else:
                kind, maker = piece
                make = extra.get(maker) or getattr(values, maker)
                builder.add(make(), kind)
        yield builder.sample()


def write_corpus(path: Path, count: int, *, seed: int = SEED) -> int:
    """Write the corpus as JSON lines; return its size in bytes (UTF-8)."""
    with path.open("w", encoding="utf-8") as out:
        for sample in generate(count, seed=seed):
            out.write(json.dumps({"text": sample.text, "spans": sample.spans}, ensure_ascii=False) + "\n")
    return path.stat().st_size


def read_corpus(path: Path) -> list[Sample]:
    samples = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            samples.append(Sample(record["text"], [(s, e, PiType(t)) for s, e, t in record["spans"]]))
    return samples
