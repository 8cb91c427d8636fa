"""Offline gazetteer of China's administrative divisions (GB/T 2260 / 统计用区划代码), province to township.

Data: data/gazetteer/divisions.tsv.gz (see data/gazetteer/SOURCE.md).  Codes are 6 digits for province
(420000), prefecture (420700) and county level (420703), 9 digits for township level (420703102).
"""
from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

LEVELS = ("province", "city", "county", "town")
_RANK = {lvl: i for i, lvl in enumerate(LEVELS)}

# Generic suffixes, tried in order; the first whose removal leaves at least 2 characters wins.
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "街道办事处", "地区办事处", "少数民族乡", "民族苏木",
             "民族乡", "办事处", "街道", "苏木", "地区", "林区", "特区", "新区", "省", "市", "区", "县", "旗", "盟", "镇", "乡")
# After these suffixes, multi-character ethnic-group names may stand without 族 (新疆维吾尔自治区, 鄂温克民族乡);
# after any suffix, names with 族 are stripped (广西壮族自治区, 管城回族区, 叶赫满族镇).
_BARE_ETHNIC_OK = ("自治区", "自治州", "自治县", "自治旗", "少数民族乡", "民族乡", "民族苏木")
_ETHNIC = sorted((
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各").split(), key=len, reverse=True)
# Names of zones and similar units whose 区 is not a generic suffix (石家庄高新技术产业开发区 stays whole).
_KEEP_WHOLE = re.compile(r"(开发|园|示范|试验|实验|经济|保税|高新|集聚|聚集|合作|工业|物流|经开|片|管理|风景|名胜|旅游|度假|港|"
                         r"矿|垦|生态|产业|商务|保护|功能|食品|综合)区$")
_PAREN = re.compile(r"[（(][^（()）]*[)）]$")
_ZONE = re.compile(r"开发区|园区|工业园|产业园|示范区|试验区|实验区|经济区|保税区|高新区|集聚区|合作区|产业基地|科技城|"
                   r"工业区|物流区|新区|经开区|片区|自贸区|港区")


@dataclass(frozen=True, slots=True)
class Division:
    """One administrative division: GB/T 2260-style code, full name, level and parent code."""

    code: str
    name: str
    level: str
    parent: str | None

    @property
    def short(self) -> str:
        """The name without its generic suffix (湖北省→湖北, 恩施土家族苗族自治州→恩施), never under 2 chars."""
        return short_name(self.name)

    @property
    def statistical_only(self) -> bool:
        """True for NBS 类似县级/类似乡级 units (开发区, 农场 …) that are not administrative divisions proper."""
        return is_statistical_only(self.code)

    @property
    def ontology_class(self) -> str:
        """The ontology class name (Province, City, District, County, Town, Township, Subdistrict …)."""
        return level_class(self.level, self.name, self.code)


def _strip_ethnic(stem: str, bare_ok: bool) -> str:
    """Remove trailing ethnic-group names from stem while at least 2 characters remain."""
    while True:
        for e in _ETHNIC:
            for tail in (e + "族", e) if (bare_ok and len(e) > 1) else (e + "族",):
                if stem.endswith(tail) and len(stem) - len(tail) >= 2:
                    stem = stem[: -len(tail)]
                    break
            else:
                continue
            break
        else:
            return stem


@lru_cache(maxsize=None)
def short_name(name: str) -> str:
    """A division name without its generic suffix, or the full name if that would leave under 2 chars."""
    if _KEEP_WHOLE.search(name):
        return name
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            stem = _strip_ethnic(name[: -len(suf)], suf in _BARE_ETHNIC_OK)
            if stem.endswith("族") and len(stem) >= 3 and stem[:-1] in _ETHNIC:
                stem = stem[:-1]  # 鄂温克族自治旗 → 鄂温克
            return stem
    return name


def is_statistical_only(code: str) -> bool:
    """True if code is an NBS 类似县级 (xxxx71–80) or 类似乡级 (xxxxxx4xx–5xx) unit."""
    if len(code) == 6:
        return code[2:4] != "00" and 71 <= int(code[4:6]) <= 80
    if len(code) == 9:
        return code[6] in "45"
    return False


def level_class(level: str, name: str = "", code: str = "") -> str:
    """Map a level (and, below prefecture, the name's suffix) to an ontology class name."""
    if level == "province":
        return "Province"
    if level == "city":
        return "City"
    base = _PAREN.sub("", name) or name
    if level == "county":
        if code and is_statistical_only(code) and _ZONE.search(base):
            return "DevelopmentZone"
        if base.endswith("区"):
            return "District"
        return "County"  # 县, 县级市 (pk:County covers county-level cities), 自治县, 旗, and the rare others
    if level == "town":
        if base.endswith("镇"):
            return "Town"
        if base.endswith(("乡", "苏木")):
            return "Township"
        if base.endswith(("街道", "办事处", "地区")):
            return "Subdistrict"
        if _ZONE.search(base):
            return "DevelopmentZone"
        return "Township"  # other township-level units: 农场, 林场, 团场 …
    raise ValueError(f"unknown level {level!r}")


def loaded():
    """This module with its divisions loaded, or None when they cannot be read (extraction then goes without places'
    codes rather than failing)."""
    import sys

    try:
        load_divisions()
    except (OSError, ValueError):
        return None
    return sys.modules[__name__]


@lru_cache(maxsize=1)
def load_divisions() -> dict[str, Division]:
    """All divisions by code, read once from the packaged divisions.tsv.gz."""
    raw = (resources.files("data") / "gazetteer" / "divisions.tsv.gz").read_bytes()
    out: dict[str, Division] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        code, name, level, parent = line.split("\t")
        out[code] = Division(code, name, level, parent or None)
    return out


@lru_cache(maxsize=1)
def _name_index() -> dict[str, tuple[Division, ...]]:
    """Divisions grouped by full name."""
    idx: dict[str, list[Division]] = {}
    for d in load_divisions().values():
        idx.setdefault(d.name, []).append(d)
    return {k: tuple(v) for k, v in idx.items()}


@lru_cache(maxsize=1)
def _short_index() -> dict[str, tuple[Division, ...]]:
    """Province-, prefecture- and county-level divisions grouped by short name."""
    idx: dict[str, list[Division]] = {}
    for d in load_divisions().values():
        if d.level != "town":
            idx.setdefault(d.short, []).append(d)
    return {k: tuple(v) for k, v in idx.items()}


def get(code: str) -> Division | None:
    """The division with this code, or None."""
    return load_divisions().get(code)


def by_name(name: str) -> list[Division]:
    """All divisions whose full name equals name."""
    return list(_name_index().get(name.strip(), ()))


def by_short(name: str) -> list[Division]:
    """Province-, prefecture- and county-level divisions whose short name equals name."""
    return list(_short_index().get(name.strip(), ()))


@lru_cache(maxsize=4096)
def by_abbreviation(name: str) -> list[Division]:
    """Banners by the abbreviation reports write for their names of several words (科左中旗 for 科尔沁左翼中旗, 东乌旗 for
    东乌珠穆沁旗): the stem's characters in order inside one banner's short name that opens with the stem's first
    character; [] when none or two banners fit, or the stem has one character (红旗, 党旗)."""
    stem = name.removesuffix("旗")
    if stem == name or not 2 <= len(stem) <= 5:
        return []
    found = [d for d in _banners() if d.short != stem and d.short[0] == stem[0] and _in_order(stem, d.short)]
    return found if len(found) == 1 else []


@lru_cache(maxsize=1)
def _banners() -> tuple[Division, ...]:
    """The county-level banners (旗, 自治旗)."""
    return tuple(d for d in load_divisions().values() if d.level == "county" and d.name.endswith("旗"))


def _in_order(chars: str, word: str) -> bool:
    """Are `chars` characters of `word` in the same order (not necessarily next to each other)?"""
    rest = iter(word)
    return all(c in rest for c in chars)


def ancestors(code: str) -> list[Division]:
    """The parent chain of code up to the province, nearest first ([] for a province or unknown code)."""
    divs = load_divisions()
    out: list[Division] = []
    d = divs.get(code)
    while d is not None and d.parent:
        d = divs.get(d.parent)
        if d is not None:
            out.append(d)
    return out


def _chain(code: str) -> tuple[str, ...]:
    """Codes from the province down to code itself."""
    return tuple(a.code for a in reversed(ancestors(code))) + (code,)


def _shared_depth(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """How many leading divisions two chains have in common."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _candidates(name: str) -> list[Division]:
    """Divisions a written name may denote: by full name (街道 and 街道办事处 alike), else by short name."""
    name = name.strip()
    if not name:
        return []
    found = by_name(name)
    if name.endswith("街道"):
        found += by_name(name + "办事处")
    elif name.endswith("街道办事处"):
        found += by_name(name[: -len("办事处")])
    return found or by_short(name)


def resolve_place(name: str, context: list[str] | None = None) -> Division | None:
    """The division a name in a document most likely denotes, using codes of other places found as context."""
    cands = _candidates(name)
    if len(cands) <= 1:
        return cands[0] if cands else None
    divs = load_divisions()
    chains = [_chain(c) for c in (context or []) if c in divs]
    if chains:
        scores = [max(_shared_depth(_chain(d.code), ch) for ch in chains) for d in cands]
        best = max(scores)
        if best > 0:
            cands = [d for d, s in zip(cands, scores) if s == best]
            if len(cands) == 1:
                return cands[0]
    # Still ambiguous: a unique province or prefecture among them is what a bare name usually means
    # (吉林 → 吉林省, 河南 → 河南省 rather than 河南蒙古族自治县); otherwise give up.
    top = min(_RANK[d.level] for d in cands)
    tops = [d for d in cands if _RANK[d.level] == top]
    if len(tops) == 1 and top <= _RANK["city"]:
        return tops[0]
    return None
