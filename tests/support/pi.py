"""Random but valid Chinese PI for tests, so a search for it can never hit by coincidence."""

from __future__ import annotations

import random
import string
from datetime import date, timedelta

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏"


def id_number(rng: random.Random, *, born: date | None = None) -> str:
    birth = born or date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
    body = f"{rng.choice(['110105', '310104', '440305', '510107'])}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + CHECK[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


# Allocated mobile ranges only (160, 163, 164, 168, 169, 179 and others are not, and are refused).
MOBILE_PREFIXES = ("130", "135", "138", "147", "150", "166", "173", "177", "180", "189", "191", "199")


def mobile(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def bank_card(rng: random.Random) -> str:
    body = "62" + "".join(rng.choice(string.digits) for _ in range(15))
    total = 0
    for i, digit in enumerate(reversed(body)):
        n = int(digit) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return body + str((10 - total % 10) % 10)


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(2))


def email(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(10)) + "@example.com"
