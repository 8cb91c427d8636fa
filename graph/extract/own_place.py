"""The report's own place, read from its header and signature lines before anything else: a false own place sends
every subjectless fact and indicator of a report to a county in another province, so the header's word comes first.

Read from (generic report furniture, any province): the session line (——2023年2月2日在长沙县第十八届人民代表大会第三次
会议上, 中国共产党华容区第九次代表大会), the signature (三门县县长陈晨, 旅顺口区人民政府区长 李井山), the opening
(我代表江阴市人民政府) and the title (双流区人民政府工作报告, 2026年横州市政府工作报告); a banner by the abbreviation
reports write (科左中旗 for 科尔沁左翼中旗).

A header that names only the level (在县第十八届人民代表大会, 县长 某某, 我代表县人民政府) or no header at all (an excerpt
from the middle of a report) leaves the body to name the place: the county-level division whose bare name (桐乡, 乐平)
the report writes most, at least twice, of the level the header says, or with a place above it named in the report."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from graph.extract.gazetteer import Division
from graph.extract.gazetteer import loaded as _gazetteer
from graph.extract.words import tokens, word_tag

_NUM = r"[一二三四五六七八九十百〇零\d]+"
_NAME = r"[\u4e00-\u9fff（）()]{2,24}?"
# In order of trust: the session a report is given at, the signature, the opening line, the title.
HEADER_PATTERNS = tuple(re.compile(p) for p in (
    rf"在(?P<x>{_NAME})第{_NUM}届人民代表大会",
    rf"中国共产党(?P<x>{_NAME})第{_NUM}次代表大会",
    rf"(?P<x>{_NAME})人民政府(?:代理|代)?(?:县长|区长|市长|旗长|州长|主席|省长)",
    rf"(?P<x>{_NAME})(?:代理|代)?(?:县长|区长|市长|旗长|州长)\s*[\u4e00-\u9fff·]",
    rf"我代表(?P<x>{_NAME})(?:第{_NUM}届)?人民政府",
    rf"(?P<x>{_NAME})(?:(?:19|20)\d{{2}}年度?)?(?:人民政府)?(?:政府)?工作报告",
))
HEAD_CHARS = 600
ADMIN_ENDS = ("自治区", "自治州", "自治县", "自治旗", "省", "市", "区", "县", "旗", "州", "盟")


def _divisions_ending(gz, text: str):
    """The county-level-or-above divisions `text` ends with (the longest name first), the text before it and the
    name as written."""
    for k in range(0, len(text) - 1):
        tail = text[k:]
        if not tail.endswith(ADMIN_ENDS):
            continue
        found = [d for d in gz.by_name(tail) if d.level != "town"]
        if not found:
            end = next(e for e in ADMIN_ENDS if tail.endswith(e))
            stem = tail[: -len(end)]
            # 道真自治县, 双流县 (now 双流区): the short name with another or a shorter suffix
            found = [d for d in gz.by_short(stem) if d.level != "town"] if len(stem) >= 2 else []
        if not found:
            found = gz.by_abbreviation(tail)  # 科左中旗
        if found:
            return found, text[:k], tail
    return [], text, ""


def _pick(gz, found, before: str, body: str):
    """One division among same-named ones: the one whose parents the header or the report name."""
    if len(found) == 1:
        return found[0]

    def named(d, where: str) -> int:
        return sum(where.count(a.short) + where.count(a.name) for a in gz.ancestors(d.code) if len(a.short) >= 2)

    ranked = sorted(found, key=lambda d: (named(d, before), named(d, body)), reverse=True)
    best, second = ranked[0], ranked[1]
    if (named(best, before), named(best, body)) > (named(second, before), named(second, body)):
        return best
    return None


BODY_CHARS = 3000


@dataclass(frozen=True)
class OwnPlace:
    """The report's own place and the forms the report writes it in (科尔沁左翼中旗: 科左中旗; 青山县: 青山)."""

    division: Division
    forms: tuple[str, ...]


def header_division(text: str) -> Division | None:
    """The division the report's header names as its own (a gazetteer Division), or None when it names none."""
    found = _header_place(text[:BODY_CHARS])
    return found.division if found is not None else None


def own_division(text: str) -> Division | None:
    """The report's own place: the header's, else the one its body names (see the module's docstring)."""
    found = own_place(text)
    return found.division if found is not None else None


def own_place(text: str) -> OwnPlace | None:
    """The report's own place with the forms it is written in, from the header first, else from the body."""
    body = text[:BODY_CHARS]
    return _header_place(body) or _body_place(body)


@lru_cache(maxsize=256)
def _header_place(body: str) -> OwnPlace | None:
    """The header's place of a report's opening (cached: extraction, resolution and relations all ask)."""
    gz = _gazetteer()
    if gz is None:
        return None
    head = re.sub(r"\s+", "", body[:HEAD_CHARS])
    for pattern in HEADER_PATTERNS:
        for m in pattern.finditer(head):
            found, before, written = _divisions_ending(gz, m.group("x"))
            if found:
                div = _pick(gz, found, before, body)
                if div is not None:
                    return OwnPlace(div, _forms(div, written))
    return None


def _forms(div: Division, *written: str) -> tuple[str, ...]:
    """The full name, the short name (two characters or more) and the forms written in the report, once each."""
    return tuple(dict.fromkeys(f for f in (div.name, div.short, *written) if len(f) >= 2))


# The level a header names without a name: 在县第十八届人民代表大会, 我代表县人民政府, 县长 某某.
_LEVEL_ONLY = re.compile(rf"(?:^|[^\u4e00-\u9fff])在?([县区旗市])(?:第?{_NUM}届)?(?:人民代表大会|人大|人民政府|政府|长)")
_LEVEL_ENDS = {"县": ("县",), "区": ("区",), "旗": ("旗",), "市": ("市",)}
# A text that speaks as a province or a city (我省, 我市) and never as a county (全县, 我区, 全旗) is no county's.
_ABOVE_COUNTY = re.compile(r"我[省市]|本[省市]")
_COUNTY_SELF = re.compile(r"[全我本][县区旗]")
# The dictionary tags of a bare place name that stands for the place (桐乡 ns, 乐平 nr), not a common word (平安 a).
_NAME_TAGS = ("ns", "nr", "nrt", "nz", "j", None)


@lru_cache(maxsize=256)
def _body_place(body: str) -> OwnPlace | None:
    """The county-level place the body names most, by its bare or full name, at least twice: of the level the header
    names without a name, or, with no such header, with a place above it named in the report."""
    gz = _gazetteer()
    if gz is None:
        return None
    head = re.sub(r"[ \t\u3000]+", "", body[:HEAD_CHARS])
    level = next((m.group(1) for m in _LEVEL_ONLY.finditer(head)), None)
    if level is None and _ABOVE_COUNTY.search(body) and not _COUNTY_SELF.search(body):
        return None  # 我省…: a province's or a city's text, whatever counties it names
    counts: dict[str, int] = {}
    written: dict[str, str] = {}
    for line in body.splitlines():
        for w, _, _ in tokens(line):
            if len(w) < 2 or word_tag(w) not in _NAME_TAGS and not gz.by_name(w):
                continue
            for d in _county_named(gz, w):
                if level is None or d.name.endswith(_LEVEL_ENDS[level]):
                    counts[d.code] = counts.get(d.code, 0) + 1
                    written.setdefault(d.code, w)
    divs = [gz.get(code) for code, n in counts.items() if n >= 2]
    if level is None:
        divs = [d for d in divs if any(a.short in body or a.name in body for a in gz.ancestors(d.code)
                                       if len(a.short) >= 2)]
    if not divs:
        return None
    top = max(counts[d.code] for d in divs)
    div = _pick(gz, [d for d in divs if counts[d.code] == top], "", body)
    return OwnPlace(div, _forms(div, written[div.code])) if div is not None else None


def _county_named(gz, word: str) -> list[Division]:
    """County-level divisions a word names by its full or bare name, when no province or prefecture bears it."""
    found = [d for d in gz.by_name(word) if d.level == "county"]
    if found:
        return found
    named = gz.by_short(word)
    return [d for d in named if d.level == "county"] if all(d.level == "county" for d in named) else []
