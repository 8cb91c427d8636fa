"""The report's own place, read from its header and signature lines before anything else: a false own place sends
every subjectless fact and indicator of a report to a county in another province, so the header's word comes first.

Read from (generic report furniture, any province): the session line (——2023年2月2日在长沙县第十八届人民代表大会第三次
会议上, 中国共产党华容区第九次代表大会), the signature (三门县县长陈晨, 旅顺口区人民政府区长 李井山), the opening
(我代表江阴市人民政府) and the title (双流区人民政府工作报告, 2026年横州市政府工作报告)."""
from __future__ import annotations

import re
from functools import lru_cache

from graph.extract.gazetteer import loaded as _gazetteer

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
    """The county-level-or-above divisions `text` ends with (the longest name first), and the text before it."""
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
        if found:
            return found, text[:k]
    return [], text


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


def header_division(text: str):
    """The division the report's header names as its own (a gazetteer Division), or None when it names none."""
    return _header_division(text[:BODY_CHARS])


@lru_cache(maxsize=256)
def _header_division(body: str):
    """header_division on a report's opening (cached: extraction, resolution and relations all ask)."""
    gz = _gazetteer()
    if gz is None:
        return None
    head = re.sub(r"\s+", "", body[:HEAD_CHARS])
    for pattern in HEADER_PATTERNS:
        for m in pattern.finditer(head):
            found, before = _divisions_ending(gz, m.group("x"))
            if found:
                div = _pick(gz, found, before, body)
                if div is not None:
                    return div
    return None
