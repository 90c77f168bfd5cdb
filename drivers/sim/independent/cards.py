"""Test cards (synthetic people; numbers carry valid MOD 11-2 check characters)."""
import base64
import random

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def idnum(first17):
    assert len(first17) == 17
    s = sum(int(c) * w for c, w in zip(first17, W))
    return first17 + "10X98765432"[s % 11]


def photo(seed):
    r = random.Random(seed)
    # WLT-like opaque bytes; include 0x00/0xAA/0x96/0x69 patterns to stress framing
    b = bytearray(r.randrange(256) for _ in range(1024))
    b[0:7] = b"\xAA\xAA\xAA\x96\x69\x05\x08"
    b[500:505] = b"\xAA\xAA\xAA\x96\x69"
    return base64.b64encode(bytes(b)).decode()


def fp(seed, n):
    r = random.Random(seed)
    return base64.b64encode(bytes(r.randrange(256) for _ in range(n))).decode()


ADDR35 = "广东省广州市天河区 林和西路 3号 汇景新城 12栋 1502房"
ADDR35 = ADDR35 + "甲" * (35 - len(ADDR35))
assert len(ADDR35) == 35, len(ADDR35)

R1 = {"type": "resident", "name": "王䶮", "sex": "男", "nation": "汉", "birthDate": "1985-07-15",
      "address": ADDR35, "idNumber": idnum("44010619850715123"), "issuer": "广州市公安局天河分局",
      "validFrom": "2015-03-01", "validUntil": "2035-03-01",
      "appendedAddress": "广东省广州市越秀区 北京路 88号 3楼", "photo": photo(1)}
R2 = {"type": "resident", "name": "买买提·阿不都热合曼·吐尔逊江", "sex": "男", "nation": "维吾尔",
      "birthDate": "1949-12-31", "address": "新疆维吾尔自治区喀什市 解放北路 1号",
      "idNumber": idnum("65310119491231001"), "issuer": "喀什市公安局", "validFrom": "2008-06-30",
      "validUntil": "长期", "photo": photo(2), "fingerprint": fp(2, 1024)}
R3 = {"type": "resident", "name": "李堃喆", "sex": "女", "nation": "德昂", "birthDate": "2000-02-29",
      "address": "云南省德宏傣族景颇族自治州芒市 勐焕路 12号", "idNumber": idnum("53310220000229002"),
      "issuer": "德宏傣族景颇族自治州芒市公安局", "validFrom": "2016-01-01", "validUntil": "2026-01-01",
      "photo": photo(3), "fingerprint": fp(3, 512)}
APP35 = "新疆克孜勒苏柯尔克孜自治州阿图什市 光明路 5号 院内 2栋"
APP35 = APP35 + "室" * (35 - len(APP35))
assert len(APP35) == 35
R4 = {"type": "resident", "name": "那日苏", "sex": "女", "nation": "柯尔克孜", "birthDate": "1970-10-01",
      "address": "新疆克孜勒苏柯尔克孜自治州阿图什市", "idNumber": idnum("11010519491231002"),
      "issuer": "阿图什市公安局", "validFrom": "2020-05-05", "validUntil": "长期",
      "appendedAddress": APP35, "photo": photo(4)}

J1 = {"type": "hk_mo_tw_residence", "name": "陈大文", "sex": "男", "birthDate": "1980-02-29",
      "address": "广东省深圳市福田区 福华三路 88号 1栋 2单元 301", "idNumber": idnum("81000019800229001"),
      "issuer": "深圳市公安局", "validFrom": "2019-01-01", "validUntil": "2024-01-01",
      "passNumber": "H12345678", "issueCount": "01", "photo": photo(11)}
J2 = {"type": "hk_mo_tw_residence", "name": "林美玲", "sex": "女", "birthDate": "1992-11-30",
      "address": "福建省厦门市思明区 环岛路 2号", "idNumber": idnum("83000019921130002"),
      "issuer": "厦门市公安局思明分局", "validFrom": "2021-09-01", "validUntil": "2026-09-01",
      "passNumber": "12345678", "issueCount": "10", "photo": photo(12)}
J3 = {"type": "hk_mo_tw_residence", "name": "何嘉欣", "sex": "女", "birthDate": "1975-06-01",
      "address": "广东省珠海市香洲区 情侣中路 9号", "idNumber": idnum("82000019750601004"),
      "issuer": "珠海市公安局", "validFrom": "2018-09-01", "validUntil": "2028-09-01",
      "passNumber": "M87654321", "issueCount": "02", "appendedAddress": "广东省珠海市香洲区 凤凰北路 7号",
      "photo": photo(13)}

EN60 = "WOLFESCHLEGELSTEINHAUSENBERGERDORFF HUBERT BLAINE WILLIAMSON"
assert len(EN60) == 60, len(EN60)
I1 = {"type": "foreign_permanent_2017", "nameEn": "SMITH JOHN MICHAEL", "name": "史密斯", "sex": "男",
      "idNumber": "USA110079010101", "nationality": "USA", "birthDate": "1979-01-01",
      "validFrom": "2017-07-01", "validUntil": "2027-07-01", "cardVersion": "01", "issuerCode": "1500",
      "photo": photo(21)}
I2 = {"type": "foreign_permanent_2017", "nameEn": EN60, "name": "沃尔夫·休伯特", "sex": "女",
      "idNumber": "DEU310088123112", "nationality": "DEU", "birthDate": "1988-12-31",
      "validFrom": "2018-02-28", "validUntil": "2028-02-28", "cardVersion": "02", "issuerCode": "3100",
      "photo": photo(22)}

EN46 = "MONTGOMERY-WORTHINGTON ALEXANDRA ELIZABETH ROS"
assert len(EN46) == 46, len(EN46)
# space exactly at character 35 (index 34): the last char of the first part is a space
EN_SPLIT = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGH JOHN PAUL"
assert EN_SPLIT[34] == " " and len(EN_SPLIT) == 44
Y1 = {"type": "foreign_permanent_2023", "name": "蒙哥马利", "sex": "女", "issueCount": "00",
      "birthDate": "1990-05-20", "nameEn": EN46, "idNumber": idnum("93182690052000" + "123"),
      "validFrom": "2024-01-15", "validUntil": "2034-01-15", "nationality": "GBR", "prevLink": "A1B",
      "photo": photo(31)}
Y2 = {"type": "foreign_permanent_2023", "name": "阿贝", "sex": "男", "issueCount": "03",
      "birthDate": "1965-03-03", "nameEn": EN_SPLIT, "idNumber": idnum("95184065030300" + "456"),
      "validFrom": "2023-12-01", "validUntil": "长期", "nationality": "FRA", "prevLink": "XYZ",
      "photo": photo(32)}
Y3 = {"type": "foreign_permanent_2023", "name": "李娜", "sex": "女", "issueCount": "01",
      "birthDate": "2001-08-08", "nameEn": "LI NA", "idNumber": idnum("93184001080800" + "789"),
      "validFrom": "2024-06-01", "validUntil": "2034-06-01", "nationality": "SGP", "prevLink": "   ",
      "photo": photo(33)}

ALL = [R1, R2, R3, R4, J1, J2, J3, I1, I2, Y1, Y2, Y3]
SIM_ONLY = ("prevLink", "fingerprint")


def expected(card, app=True, fingerprint=False):
    e = {k: v for k, v in card.items() if k not in SIM_ONLY and k != "photo"}
    e["photo"] = {"wlt": card["photo"], "png": None}
    if not app:
        e.pop("appendedAddress", None)
    if fingerprint and card.get("fingerprint"):
        e["fingerprint"] = card["fingerprint"]
    return e


IGNORED_EXTRA = ("birthplace",)


def compare(exp, got):
    """Return (diffs, extras). diffs: list of (field, expected, got)."""
    diffs = []
    if not isinstance(got, dict):
        return [("card", "object", got)], []
    for k, v in exp.items():
        if got.get(k) != v:
            diffs.append((k, v, got.get(k, "<absent>")))
    extras = []
    for k, v in got.items():
        if k not in exp and v not in ("", None):
            extras.append((k, v))
    return diffs, extras


def label(card):
    return "%s:%s" % (card["type"], card["idNumber"])
