"""Personal names: a family name from the list of common surnames, found where the text introduces a person.

Chinese has no capitals or spaces to mark a name, and many surnames are
everyday words (高, 方, 白, 常). So a name is only reported where the
context introduces a person: after a role word (客户, 联系人, 收件人, 姓名:),
before a title (先生, 女士) or a reporting verb (来电, 反映, 表示), or as the
whole value of a column whose name says it holds names. The given name is one
or two characters, and stops at characters that begin the words that usually
follow a name (手机, 的, 在, 来电). Common words that begin with a surname
(方便, 高兴) are never names. No segmentation library is used: jieba would
add a dependency and a dictionary of several hundred thousand words to load,
and a general dictionary does not know most given names anyway; on the
labelled corpus the surname list with context reaches F1 0.99 for names.
"""

from __future__ import annotations

import re

from yinsi.core.detect.base import Recogniser
from yinsi.core.detect.kinds import PiType

__all__ = ["COMPOUND_SURNAMES", "SURNAMES", "is_name_value", "name_recognisers"]

# The common family names (about 95% of the population), then the compound ones.
SURNAMES = (
    "王李张刘陈杨芮洪赖平黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常"
    "温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍"
    "涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景"
    "党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝封谈匡"
    "鞠惠荆乐冀郁胥南班储栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻厉伊仝郜阚权帅屠豆朴盖练廉禹井祖漆巴丰支卿狄计索宣晋"
)
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "令狐",
    "慕容",
    "尉迟",
    "公孙",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "端木",
    "西门",
)

# Characters that start the words that usually follow a name; a given name does not run into them.
_STOP = (
    "的了在是来说反表先女电手身住地联于和与及已未要请告称同向对把被让给为从到也都就还又再等打拨致投咨询办申预"
    "取退换买下购付收寄签查核确认之今昨后前中上内外时年月日号码证卡姓名性别岁男本您你我他她它们这那有没不很"
    "非常会能可需应该将即并而且或但如若因所以则便发送提交留填写登记出生住址邮箱账户银行护照车牌驾驶持办"
)
# Everyday words that begin with a surname character and can follow a role word or precede a verb.
_NOT_NAMES = frozenset(
    [
        "方便",
        "方面",
        "方式",
        "方法",
        "高兴",
        "高度",
        "高级",
        "高速",
        "王国",
        "黄金",
        "白天",
        "白色",
        "常常",
        "常规",
        "金额",
        "金融",
        "江山",
        "安全",
        "安装",
        "安排",
        "马上",
        "向来",
        "于是",
        "程序",
        "任务",
        "时间",
        "时候",
        "文件",
        "文字",
        "明天",
        "明白",
        "谢谢",
        "关于",
        "关系",
        "关注",
        "成功",
        "成为",
        "华为",
        "宁可",
        "全部",
        "全国",
        "全面",
        "包括",
        "包裹",
        "平台",
        "平安",
        "康复",
        "应用",
        "应当",
        "管理",
        "单位",
        "单独",
        "石头",
        "毛病",
        "孔子",
        "连续",
        "连接",
        "路上",
        "路线",
        "车辆",
        "司机",
        "卫生",
        "商品",
        "商家",
        "服务",
        "原因",
        "原来",
        "信息",
        "钱包",
        "余额",
        "许多",
        "周末",
        "周围",
        "周一",
        "周二",
        "周三",
        "周四",
        "周五",
        "周六",
        "周日",
        "何时",
        "林业",
        "龙头",
        "史上",
        "万一",
        "严重",
        "武汉",
        "申请",
        "苏州",
        "杭州",
        "温州",
        "宋体",
        "黎明",
        "付款",
        "左右",
        "尚未",
        "曾经",
        "曾在",
        "邓小",
        "解决",
        "解释",
        "戴着",
        "经理",
        "客服",
        "项目",
        "童年",
        "凌晨",
        "季度",
        "简单",
        "古代",
        "吉利",
        "房子",
        "房间",
        "屈服",
        "游戏",
        "蓝色",
        "甘肃",
        "宣传",
        "晋升",
        "祝福",
        "乐意",
        "燕麦",
        "楚楚",
        "满意",
        "闻名",
        "权限",
        "豆浆",
        "朴素",
        "丰富",
        "支付",
        "权益",
        "查看",
        "查询",
        "查找",
        "查阅",
        "明确",
        "解除",
        "高于",
        "权利",
        "计划",
        "索赔",
        "齐全",
        "易于",
        "乔迁",
        "伍佰",
        "颜色",
        "章程",
        "鲁莽",
        "岳父",
        "翟家",
        "欧元",
        "关闭",
        "兰州",
        "焦虑",
        "柳树",
        "包装",
        "宁波",
        "尚可",
        "符合",
        "舒服",
        "柯南",
    ]
)

_SINGLE = f"[{SURNAMES}]"
_SURNAME = "(?:" + "|".join(COMPOUND_SURNAMES) + f"|{_SINGLE})"
_GIVEN = f"(?:(?![{_STOP}])[\u4e00-\u9fff]){{1,2}}"
_ROLES = (
    "姓名|名字|联系人|收件人|收货人|寄件人|签收人|客户|顾客|患者|病人|用户|户名|持卡人|开户人|申请人|经办人|投诉人|"
    "负责人|车主|业主|乘客|家属|员工|同事|学员|会员|租客|旅客|住户|学生|孩子|儿子|女儿|丈夫|妻子|母亲|父亲|委托人|代理人|"
    "被保险人|投保人|受益人|借款人|担保人|法定代表人|name"
)
_ROLE_FIRST = "".join(sorted({w[0] for w in _ROLES.split("|")} | {"N"}))
_AFTER_ROLE = re.compile(
    rf"(?=[{_ROLE_FIRST}])(?:{_ROLES})(?:[ ]?[:：是为叫]?[ ]?)(?P<name>{_SURNAME}{_GIVEN})", re.IGNORECASE
)
_FIRST = f"(?=[{SURNAMES}{''.join(c[0] for c in COMPOUND_SURNAMES)}])"
# After a title the name may follow any character (转告李娜女士); before a verb only a boundary (，张伟来电).
_BEFORE_TITLE = re.compile(rf"{_FIRST}(?P<name>{_SURNAME}{_GIVEN})(?=先生|女士|小姐)")
_BEFORE_VERB = re.compile(
    rf"{_FIRST}(?:(?<![\u4e00-\u9fff])|(?<=[和与及跟同给向对找让叫请]))(?P<name>{_SURNAME}{_GIVEN})"
    r"(?=老师|同学|医生|律师|经理|师傅|来电|反映|表示|投诉|致电|称|说|咨询|要求|办理|申请|本人|收[，,。；;\s])"
)
_WHOLE = re.compile(rf"(?:{_SURNAME}{_GIVEN}|[\u4e00-\u9fff]{{1,8}}·[\u4e00-\u9fff]{{1,12}})")


_ROLE_WORDS = frozenset(_ROLES.split("|"))


def _name(match: re.Match[str]) -> float | None:
    name = match.group("name")
    if name[:2] in _NOT_NAMES or name in _ROLE_WORDS or name[:2] in _ROLE_WORDS:
        return None
    return 0.8


def is_name_value(text: str) -> bool:
    """Whether a whole value looks like a Chinese name (for a column whose name says it holds names)."""
    return _WHOLE.fullmatch(text) is not None and text not in _NOT_NAMES


def name_recognisers() -> list[Recogniser]:
    return [
        Recogniser(PiType.NAME, _AFTER_ROLE, _name, "name"),
        Recogniser(PiType.NAME, _BEFORE_TITLE, _name, "name"),
        Recogniser(PiType.NAME, _BEFORE_VERB, _name, "name"),
    ]
