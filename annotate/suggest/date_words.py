"""Month names and regex fragments for the date rules (Russian, Arabic, English).

Kept apart from `dates.py` so the rules read as grammar, not as word lists.
"""

from __future__ import annotations

import re

DIGIT = "[0-9\u0660-\u0669]"  # Latin and Arabic-Indic digits; int() reads both
DAY = rf"(?<!{DIGIT}){DIGIT}{{1,2}}(?!{DIGIT})"
YEAR = rf"(?<!{DIGIT})(?:[12]{DIGIT}{{3}}|[\u0661\u0662]{DIGIT}{{3}})(?!{DIGIT})"
# Arabic letters, their vowel marks and tatweel: what a word boundary means in Arabic.
AR_WORD = r"[\w\u064B-\u065F\u0670\u0640]"
AR_START = rf"(?<!{AR_WORD})[وفبل]?"  # a word start, allowing one attached proclitic
AR_END = rf"(?!{AR_WORD})"


def alternation(words: list[str]) -> str:
    """A regex alternation of `words`, longest first so the longest spelling wins."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


# --- Russian -------------------------------------------------------------------------
# month -> (nominative, genitive, prepositional)
RU_MONTHS: dict[int, tuple[str, str, str]] = {
    1: ("январь", "января", "январе"),
    2: ("февраль", "февраля", "феврале"),
    3: ("март", "марта", "марте"),
    4: ("апрель", "апреля", "апреле"),
    5: ("май", "мая", "мае"),
    6: ("июнь", "июня", "июне"),
    7: ("июль", "июля", "июле"),
    8: ("август", "августа", "августе"),
    9: ("сентябрь", "сентября", "сентябре"),
    10: ("октябрь", "октября", "октябре"),
    11: ("ноябрь", "ноября", "ноябре"),
    12: ("декабрь", "декабря", "декабре"),
}
# "7 дек. 2024 г.": abbreviations read as the genitive they stand for
RU_MONTH_ABBREVIATIONS = {
    "янв.": 1,
    "фев.": 2,
    "февр.": 2,
    "мар.": 3,
    "апр.": 4,
    "июн.": 6,
    "июл.": 7,
    "авг.": 8,
    "сен.": 9,
    "сент.": 9,
    "окт.": 10,
    "нояб.": 11,
    "дек.": 12,
}
RU_MONTH_BY_WORD = {form: n for n, forms in RU_MONTHS.items() for form in forms}
RU_MONTH_BY_WORD |= RU_MONTH_ABBREVIATIONS
RU_MONTH_GEN = alternation(
    [forms[1] for forms in RU_MONTHS.values()] + list(RU_MONTH_ABBREVIATIONS)
)
RU_MONTH_ANY = alternation(list(RU_MONTH_BY_WORD))
RU_YEAR_WORD = r"(?:\s*(?:года|году|год|г\.?(?!\w)))"
# "прошлого года" -> -1: a year relative to the reference date
RU_REL_YEAR_SHIFT = {
    "прошлого": -1,
    "прошлом": -1,
    "этого": 0,
    "этом": 0,
    "текущего": 0,
    "текущем": 0,
    "нынешнего": 0,
    "нынешнем": 0,
    "следующего": 1,
    "следующем": 1,
    "будущего": 1,
    "будущем": 1,
}
RU_REL_YEAR = rf"(?:{alternation(list(RU_REL_YEAR_SHIFT))})\s+(?:года|году)"
RU_PART = (
    r"(?:начал[оаеу]|середин[аеуы]|кон(?:ец|ц[аеу])"
    r"|перв(?:ой|ую|ая)\s+половин[аеуы]|втор(?:ой|ую|ая)\s+половин[аеуы]"
    r"|перв(?:ых|ые)\s+числ(?:ах|а)|последн(?:их|ие)\s+числ(?:ах|а))"
)
RU_DAY_SHIFT = {"позавчера": -2, "вчера": -1, "сегодня": 0, "завтра": 1, "послезавтра": 2}


def ru_part(word: str) -> str:
    """The part of a month or year that a Russian modifier names."""
    word = word.lower()
    if "половин" in word:
        return "first_half" if word.startswith("перв") else "second_half"
    if word.startswith(("начал", "перв")):
        return "begin"
    if word.startswith("середин"):
        return "middle"
    return "end"  # конец, конце, последних числах


# --- Arabic --------------------------------------------------------------------------
# The Egyptian/Gulf names (from French/English) and the Levantine/Iraqi ones (Syriac);
# Syrian and Lebanese outlets often write both: "15 أكتوبر/تشرين الأول".
AR_MSA_MONTHS: dict[int, list[str]] = {
    1: ["يناير"],
    2: ["فبراير"],
    3: ["مارس"],
    4: ["أبريل", "ابريل", "إبريل"],
    5: ["مايو"],
    6: ["يونيو", "يونيه"],
    7: ["يوليو", "يوليه"],
    8: ["أغسطس", "اغسطس"],
    9: ["سبتمبر"],
    10: ["أكتوبر", "اكتوبر", "إكتوبر"],
    11: ["نوفمبر"],
    12: ["ديسمبر"],
}
AR_LEVANTINE_MONTHS: dict[int, list[str]] = {
    1: ["كانون الثاني", "كانون ثاني"],
    2: ["شباط"],
    3: ["آذار", "اذار"],
    4: ["نيسان"],
    5: ["أيار", "ايار"],
    6: ["حزيران"],
    7: ["تموز"],
    8: ["آب"],
    9: ["أيلول", "ايلول"],
    10: ["تشرين الأول", "تشرين الاول", "تشرين أول", "تشرين اول"],
    11: ["تشرين الثاني", "تشرين ثاني"],
    12: ["كانون الأول", "كانون الاول", "كانون أول", "كانون اول"],
}
# Names that are also common words ("مارس" = he practised, نيسان = the car maker,
# آب next to أب = father): found only next to a day, a year or a temporal preposition.
AR_AMBIGUOUS_MONTHS = {"مارس", "نيسان", "آب"}


def ar_key(name: str) -> str:
    """A lookup key for an Arabic month name: hamza forms of alif merged, no spaces."""
    return re.sub(r"\s+", "", name).translate(str.maketrans("أإآ", "ااا"))


AR_MONTH_BY_KEY = {
    ar_key(name): n
    for table in (AR_MSA_MONTHS, AR_LEVANTINE_MONTHS)
    for n, names in table.items()
    for name in names
}
_AR_ALL_NAMES = [
    name for t in (AR_MSA_MONTHS, AR_LEVANTINE_MONTHS) for v in t.values() for name in v
]
AR_MONTH_NAME = alternation(_AR_ALL_NAMES)
AR_MONTH_SAFE = alternation([n for n in _AR_ALL_NAMES if n not in AR_AMBIGUOUS_MONTHS])
# a month written once or twice: "أكتوبر", "أكتوبر/ تشرين الأول", "تشرين الأول (أكتوبر)"
AR_MONTH = (
    rf"(?P<m>{AR_MONTH_NAME})"
    rf"(?:\s*/\s*(?P<m2>{AR_MONTH_NAME})|\s*\(\s*(?P<m3>{AR_MONTH_NAME})\s*\))?{AR_END}"
)
AR_YEAR = rf"(?:(?:عام|العام|سنة)\s+)?(?P<y>{YEAR})(?:\s?م{AR_END})?"
# relation to the reference date: "الجاري" this one, "الماضي" the last one, ...
AR_REL = {
    "الجاري": "current",
    "الحالي": "current",
    "الماضي": "last",
    "الماضى": "last",  # with alif maqsura, as Egyptian outlets write it
    "المنصرم": "last",
    "المقبل": "next",
    "القادم": "next",
}
AR_REL_WORD = alternation(list(AR_REL))
AR_PART = {
    "منتصف": "middle",
    "أواسط": "middle",
    "اواسط": "middle",
    "مطلع": "begin",
    "أوائل": "begin",
    "اوائل": "begin",
    "بداية": "begin",
    "بدايات": "begin",
    "أواخر": "end",
    "اواخر": "end",
    "نهاية": "end",
    "نهايات": "end",
    "النصف الأول من": "first_half",
    "النصف الاول من": "first_half",
    "النصف الثاني من": "second_half",
}
AR_PART_WORD = alternation(list(AR_PART))
AR_WEEKDAY = alternation(
    ["الأحد", "الاحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الاربعاء"]
    + ["الخميس", "الجمعة", "السبت"]
)
AR_DAY_SHIFT = {"أول أمس": -2, "أول امس": -2, "أمس": -1, "امس": -1, "اليوم": 0}
AR_DAY_SHIFT |= {"غدا": 1, "غداً": 1, "غدًا": 1, "بعد غد": 2}
AR_DAY_WORD = alternation(list(AR_DAY_SHIFT))
AR_TIME_OF_DAY = alternation(["مساء", "صباح", "ظهر", "عصر", "فجر", "ليلة", "ليل"])


# --- English -------------------------------------------------------------------------
EN_MONTHS: dict[int, list[str]] = {
    1: ["January", "Jan"],
    2: ["February", "Feb"],
    3: ["March", "Mar"],
    4: ["April", "Apr"],
    5: ["May"],
    6: ["June", "Jun"],
    7: ["July", "Jul"],
    8: ["August", "Aug"],
    9: ["September", "Sept", "Sep"],
    10: ["October", "Oct"],
    11: ["November", "Nov"],
    12: ["December", "Dec"],
}
EN_MONTH_BY_WORD = {w.lower(): n for n, ws in EN_MONTHS.items() for w in ws}
# full names first, so "October" is never read as "Oct" followed by letters
EN_MONTH = (
    rf"(?:{alternation([ws[0] for ws in EN_MONTHS.values()])}"
    rf"|(?:{alternation([w for ws in EN_MONTHS.values() for w in ws[1:]])})\.?)"
)
EN_MONTH_FULL = alternation([ws[0] for ws in EN_MONTHS.values()])
EN_DAY_SHIFT = {"yesterday": -1, "today": 0, "tomorrow": 1}
EN_PART = {
    "early": "begin",
    "beginning": "begin",
    "start": "begin",
    "mid": "middle",
    "middle": "middle",
    "late": "end",
    "end": "end",
}
EN_REL_YEAR_SHIFT = {"last": -1, "this": 0, "next": 1}
