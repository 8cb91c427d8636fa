"""Text → typed mentions with offsets, by explainable rules: quotations, book titles, national bodies, place-prefixed
agencies, suffix grammars with jieba word boundaries, designations, and list patterns. Every mention names its rule.

Long because the rule families share one set of private helpers (word boundaries, the suffix index, quote chains,
the simplified view of traditional text) and one arbitration (select_mentions); each family is one function."""
from __future__ import annotations

import re
from functools import lru_cache

from graph.extract.lexicon import (
    Suffix,
    boundary_words,
    generic_words,
    named_bodies,
    national_enterprises,
    policy_terms,
    suffixes,
)
from graph.extract.model import Mention
from graph.extract.own_place import OwnPlace, own_division, own_place
from graph.extract.words import _word_splitter, is_common_word, tokens, word_tag  # noqa: F401
from graph.text.model import Document, Sentence
from ontology import top_class

OPEN_QUOTES = "“\"「『‘"
CLOSE_QUOTES = "”\"」』’"
_QUOTE = re.compile(r"[“\"「『]([^“”\"「」『』\n]{1,40})[”\"」』]")
_TITLE = re.compile(r"《([^《》\n]{2,60})》")
_PUNCT = set("，,。；;：:！!？?、（）()【】[]《》“”\"「」『』‘’—…·/ \t\n")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_DIGITS = re.compile(r"^[0-9０-９一二三四五六七八九十百千万亿两零〇]+$")

# A designation (award, title, pilot status) ends with one of these heads.
DESIGNATION_HEADS = ("示范区", "示范县", "示范市", "示范镇", "示范乡镇", "示范村", "示范园区", "示范基地", "示范企业",
                     "示范城市", "示范单位", "先进区", "先进县", "先进市", "先进单位", "先进集体", "先进试点", "百强县",
                     "百强区", "百强镇", "百强", "千强镇", "强县", "强区", "强镇", "典型案例", "优秀案例", "实验区", "试验区",
                     "标杆园区", "实践园区", "提名奖", "奖", "称号", "第一镇", "城市", "先行区", "创新试点", "试点县",
                     "试点市", "示范点", "试点")
# Verbs that give a title (X入选Y, 荣获Y).
RECOGNITION_TRIGGERS = ("入选", "获评", "获批", "评为", "荣获", "获得", "授予", "命名为", "列为", "成功创建", "创建",
                        "成功申报", "申报", "跻身", "被评为", "认定为", "获", "入列", "入围", "荣登", "创成", "列入",
                        "确定为", "晋升为")
PROBLEM_WORDS = ("难题", "瓶颈", "短板", "现象", "痛点", "堵点", "难点", "顽疾")
# What follows a quotation and is part of the name: “四下基层”工作制度, “五个一”包联机制, “125”产业体系.
TAIL_MAX_CHARS = 20
# National bodies are not these: 人大代表, 政协委员 are people.
_BODY_NOT_BEFORE = ("代表", "委员", "干部", "常委", "各位", "全体")
ADMIN_ABBR = "省市区县州镇乡旗"
AGENCY_HEADS = ("人大常委会", "人民政府", "人民法院", "人民检察院", "纪委监委", "政府", "人大", "政协", "纪委", "监委",
                "法院", "检察院", "委")
_AGENCY = re.compile(rf"([{ADMIN_ABBR}])({'|'.join(AGENCY_HEADS)})")
AGENCY_CLASS = {"人大常委会": "PeoplesCongress", "人民政府": "Government", "政府": "Government", "人大": "PeoplesCongress",
                "政协": "CPPCC", "纪委": "PartyCommittee", "监委": "Government", "纪委监委": "PartyCommittee",
                "人民法院": "Court", "法院": "Court", "人民检察院": "Procuratorate", "检察院": "Procuratorate",
                "委": "PartyCommittee"}
# List patterns: A、B、C等(一批)(龙头)企业 names companies; A、B等(17个)(重点)项目 names projects.
LIST_HEADS = {"企业": "Company", "公司": "Company", "项目": "IndustrialProject", "工程": "InfrastructureProject",
              "产业集群": "Industry", "产业": "Industry", "行业": "Industry", "单位": None}
_LIST_TAIL = re.compile(r"等(?:一批|一系列|多家|多个|[\d]+[个家项户]|[一二三四五六七八九十百千两]+[个家项户])?"
                        r"([\u4e00-\u9fff]{0,8})(企业|公司|项目|工程|产业集群|产业|行业|单位)")

# Places that stay a mention of their own inside a longer name (湖北省 in 湖北省…示范企业, 前湾港 in 前湾港…码头).
NESTABLE = {"Province", "City", "District", "County", "Town", "Township", "Subdistrict", "Village", "DevelopmentZone",
            "Airport"}
_HEADER = re.compile(r"^(?:信息来源|来源|稿源|日期|发布时间|发布日期|作者|编辑|责任编辑|语音|字号|浏览次数)\s*[:：]")
PLACE_CLASSES = {"Province", "City", "District", "County", "Town", "Township", "Subdistrict", "Village", "Community",
                 "DevelopmentZone", "NaturalFeature", "Lake", "River", "Mountain", "Port", "Airport", "Station",
                 "Venue", "Place", "Region"}


# ---------------------------------------------------------------- helpers

def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


_QUOTE_MARKS = re.compile(r"[\s“”\"「」『』‘’]")


def _clean(label: str) -> str:
    return _QUOTE_MARKS.sub("", label)


def is_generic(label: str) -> bool:
    """A label that names nothing in particular: 全区, 重点项目, 城市 …"""
    lab = _clean(label)
    return lab in generic_words() or len(lab) < 2 or not _HAN.search(lab)


@lru_cache(maxsize=1)
def _suffix_index() -> tuple[dict[str, Suffix], int]:
    sfx = suffixes()
    return sfx, max(len(s) for s in sfx)


@lru_cache(maxsize=1)
def _suffix_lengths() -> dict[str, tuple[int, ...]]:
    """Last character of a suffix → the lengths of the suffixes ending in it, longest first: a word ending in
    another character closes no name, and only these lengths need a look-up."""
    lengths: dict[str, set[int]] = {}
    for k in _suffix_index()[0]:
        lengths.setdefault(k[-1], set()).add(len(k))
    return {c: tuple(sorted(v, reverse=True)) for c, v in lengths.items()}


def longest_suffix(text: str) -> Suffix | None:
    """The longest lexicon suffix `text` ends with."""
    sfx, n = _suffix_index()
    for k in range(min(n, len(text)), 0, -1):
        s = sfx.get(text[-k:])
        if s is not None:
            return s
    return None


def class_of_name(name: str, default: str = "Programme") -> str:
    """The class a name's own suffix implies (…机制 → Mechanism, …基地 → IndustrialProject)."""
    s = longest_suffix(name)
    if s is not None and len(name) > len(s.text):
        return s.cls
    return default


# ---------------------------------------------------------------- rules

def _m(doc_text_offset: int, sent: Sentence, s: int, e: int, cls: str, rule: str, conf: float,
       label: str = "") -> Mention:
    return Mention(sent.text[s:e], doc_text_offset + s, doc_text_offset + e, cls, rule, conf, label=label,
                   sentence=sent.index)


_CLAUSE_MARKS = re.compile(r"[，,。；;：:]")


def _preceded_by_trigger(text: str, pos: int, window: int = 8) -> bool:
    before = text[max(0, pos - window):pos]
    before = _CLAUSE_MARKS.split(before)[-1]
    return any(t in before for t in RECOGNITION_TRIGGERS)


# Words after a quoted title that say it was conferred: 荣获“…”称号, 通过“…”复评.
_TITLE_WORDS = ("典型案例", "称号", "名单", "荣誉", "复评", "复核", "复审", "授牌")
LEVEL_PREFIXES = ("全国", "国家级", "国家", "中国", "全省", "省级", "全市", "市级")


def _quote_chain(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of a run of adjacent quotations (“A”“B”、“C”) around one, which share one verb and one title word."""
    while start > 1 and text[start - 1] in CLOSE_QUOTES or (start > 2 and text[start - 1] == "、"
                                                              and text[start - 2] in CLOSE_QUOTES):
        k = start - 1 if text[start - 1] in CLOSE_QUOTES else start - 2
        opening = max(text.rfind(q, 0, k) for q in OPEN_QUOTES[:4])
        if opening < 0 or k - opening > 42:
            break
        start = opening
    while end < len(text) and (text[end] in OPEN_QUOTES or text[end:end + 2] in {"、" + q for q in OPEN_QUOTES}):
        k = end + 1 if text[end] in OPEN_QUOTES else end + 2
        closing = min((i for i in (text.find(q, k) for q in CLOSE_QUOTES[:4]) if i != -1), default=-1)
        if closing < 0 or closing - k > 40:
            break
        end = closing + 1
    return start, end


_LIST_MARKS = re.compile(r"[、，,；;。]")
# What a quotation describes a state with (…”的良好态势) and the measure words of a figure before it (一曲“…”).
_STATE_AFTER = re.compile(r"的(?:良好|发展|强劲|喜人)?(?:态势|局面|势头)")
_FIGURE_BEFORE = re.compile(r"一(?:曲|首|幅|张|份|篇)[^，,。；;“”]{0,4}$")
_DEGREE = re.compile(r"[一二三四五六七八九十百千万亿\d]+级")
_STREAK = re.compile(r"[一二三四五六七八九十两\d]+连(?:丰|增|涨|升|冠|胜|跳|降|稳)")
_COUNT_BEFORE = re.compile(r"(?<![\d一二三四五六七八九十百千万])[一二三四五六七八九十两][个大项条张类]$")


_SLOGAN_ITEM = re.compile(r"[\u4e00-\u9fff]{2,8}")


def _slogan(content: str) -> bool:
    """A quotation of parallel short phrases is one slogan (“保水、护山、守规、兴城”, “学思想、强党性、重实践”), unless
    its items are places (“北京、上海”)."""
    items = re.split(r"[、，,]", content)
    return len(items) >= 2 and all(_SLOGAN_ITEM.fullmatch(x) for x in items) \
        and not all(x in _gazetteer_shorts() or admin_known(x) for x in items)


# Nouns that frame a quotation without being part of its name.
FRAMING_WORDS = ("目标", "定位", "主题", "优势", "作风", "开局", "工作", "目录", "具体", "要求", "部署", "思路", "举措",
                 "理念", "氛围", "局面", "格局", "态势", "成效", "成果", "任务", "主攻", "文件", "总要求", "标准")
_NOT_TAIL_TAGS = ("d", "ad", "p", "c", "u", "uj", "r", "m", "q", "t", "f", "y", "e")
TAIL_NOUN_CHARS = 6


def _noun_tail(toks, k: int) -> int | None:
    """End of a short noun phrase glued to a closing quote that closes the clause: “三长”联动, “泡泡”闭环管理,
    “两高”桥头堡 are one name each; “吉林一号”在轨运行 and “四好农村路”省级示范县 are not."""
    j, size = k, 0
    while j < len(toks) and j - k < 3:
        w = toks[j][0]
        if not _PUNCT.isdisjoint(w) or is_boundary(w) or w in ("的", "等") or w.startswith(LEVEL_PREFIXES) \
                or word_tag(w) in _NOT_TAIL_TAGS or len(w) == 1 and (not _is_han(w) or w in FUNC_CHARS):
            break
        size += len(w)
        j += 1
    after = toks[j][0] if j < len(toks) else "。"
    tail = "".join(t[0] for t in toks[k:j])
    if tail.endswith(FRAMING_WORDS) or is_generic(tail):
        return None  # “三干”作风, “作示范、勇争先”目标定位: the quotation is named, the noun only frames it
    if j == k or size > TAIL_NOUN_CHARS or tail.endswith(DESIGNATION_HEADS) \
            or word_tag(toks[j - 1][0]) in ("v", "vd") and after not in ("、", "等", "和", "及"):
        return None  # “生产大托管”示范县 is a title; “数链空间”揭牌, a predicate (but “三长”联动、… is a name)
    if _PUNCT.isdisjoint(after) and not is_boundary(after) and after not in ("的", "等", "和", "及", "与"):
        return None
    return toks[j - 1][2]


def quoted_mentions(sent: Sentence) -> list[Mention]:
    """“…” names: initiatives with their tail noun (“四下基层”工作制度), designations after 入选/获评, projects by suffix."""
    text, out = sent.text, []
    toks = tokens(text)
    for m in _QUOTE.finditer(text):
        content = m.group(1).strip()
        if len(content) < 2 and not content.isdigit() or (_LIST_MARKS.search(content) and not _slogan(content)):
            continue
        if _DEGREE.fullmatch(content) or _STREAK.fullmatch(content) or (
                len(content) <= 3 and word_tag(content) in ("v", "a", "d", "ad", "vd")):
            continue  # 千亿级, “跟跑”“并跑”, “八连增”: a degree, a plain verb or a streak, not a name
        after = text[m.end():m.end() + 8]
        if any(after.lstrip("等").startswith(p) or after[:4].find(p) != -1 for p in PROBLEM_WORDS):
            continue
        if after.startswith(("企业", "人才", "精神")) or content in named_bodies():
            continue  # “社工委”“爱卫会”: a body in quotes is the body (body_mentions), not a programme
        if _STATE_AFTER.match(after) or _FIGURE_BEFORE.search(text, max(0, m.start() - 6), m.start()) \
                or (content.endswith("难") and len(content) <= 4):
            continue  # “稳中有进”的良好态势, 谱写一曲“奋进歌”, “融资难”问题: a state, a figure, a problem
        if after.startswith("的") and text[max(0, m.start() - 1):m.start()] in ("以", "用"):
            continue  # 以“时时放心不下”的责任感: a quoted manner, not a name
        start, end = m.start(), m.end()
        label = content
        short_form = content
        # tail: the tokens right after the closing quote that end in an initiative/project suffix
        tail_end = None
        k = next((i for i, (_, s, _) in enumerate(toks) if s == m.end()), None)
        if k is not None:
            acc = ""
            for j in range(k, len(toks)):
                w = toks[j][0]
                if not _PUNCT.isdisjoint(w) or w in ("等", "的") or len(acc) + len(w) > TAIL_MAX_CHARS:
                    break
                acc += w
                s_ = longest_suffix(acc)
                if s_ is not None and acc.endswith(s_.text) and s_.cls not in PLACE_CLASSES and (
                        s_.text == acc or not _LIST_MARKS.search(content)):
                    tail_end = toks[j][2]  # a slogan takes a bare tail (“…、…”行动), not a name of its own after it
                if w in boundary_words() and j > k and not (tail_end is None and w in CONJUNCTIONS and j + 1 < len(toks)
                                                             and word_tag(toks[j + 1][0]) in ("n", "vn", "nz")):
                    break  # but “引江济太”江阴段环境治理与科创产业融合项目: a conjunction between nouns stays inside
            if tail_end is None:
                tail_end = _noun_tail(toks, k)
        # prefix: a noun glued to the opening quote (能耗“双控”), or a count (三个“一号工程”)
        pre_start = start
        count = _COUNT_BEFORE.search(text[max(0, start - 4):start])  # 三个“一号工程”; 144个“三张清单” is a quantity
        if count:
            pre_start = start - len(count.group(0))
        elif start > 0 and _is_han(text[start - 1]):
            j = next((i for i, (_, _, e) in enumerate(toks) if e == start), None)
            if j is not None:
                w = toks[j][0]
                if (len(content) <= 3 and len(w) >= 2 and w not in boundary_words() and not is_generic(w)
                        and word_tag(w) in ("n", "vn", "nz", None)
                        and not _names_a_body(w)):  # a noun glued to the quote, but no company word (有限公司“三产”)
                    pre_start = toks[j][1]
        if not _HAN.search(content) and tail_end is None:
            continue  # a bare number in quotes (“125”) names something only with its tail noun
        if tail_end is None and _metaphor(content) and not _conferred(text, m.start()):
            continue  # 织密“防护网”, 擦亮“金字招牌”, “铁腕”落实: a common word used as a figure, not a name
        if tail_end is not None:
            tail = text[m.end():tail_end]
            label = text[pre_start:m.start()] + content + tail
            end = tail_end
        else:
            label = text[pre_start:m.start()] + content
        start = pre_start
        chain_start, chain_end = _quote_chain(text, m.start(), m.end())
        granted = _preceded_by_trigger(text, chain_start)
        conferred = tail_end is None and _conferred(text, chain_start) \
            and not text.startswith("等", chain_end)  # 创建“A”“B”等7项…试点: examples of a counted title
        if (granted and (content.endswith(DESIGNATION_HEADS) or text[chain_end:].startswith(_TITLE_WORDS))) or (
                content.startswith(LEVEL_PREFIXES) and (granted or text[chain_end:].startswith(_TITLE_WORDS))) \
                or conferred:  # 入选“上海品牌”: what a conferring verb names in quotes is a title
            cls, conf = "Designation", 0.85
        elif tail_end is not None and tail.endswith("项目"):
            j = next((i for i, (_, s_, _) in enumerate(toks) if s_ == m.start()), None)
            first = _walk_left(toks, j, False, 10) if j else None
            kind = tail[:-2]
            if first is not None and first < j and not _HAN.search(content):
                start = toks[first][1]  # 晋开延化“6080”项目: the project's own name stands before the number
                label = text[start:m.start()] + content + "项目"
                cls = "IndustrialProject"
            elif len(kind) >= 2 and _HAN.match(kind) and kind not in boundary_words() and not is_generic(kind) \
                    and not kind.endswith(PROJECT_GRADES) and not _FIVE_YEAR_PLAN.fullmatch(content):
                cls = "IndustrialProject"  # “某某”夜游项目 names the works with their kind; “十四五”… is a period
            else:
                label = content
                cls = "IndustrialProject" if content.endswith(("建设", "基地", "工程", "中心")) else class_of_name(content)
            conf = 0.8
        else:
            cls = class_of_name(label, "Programme")
            if cls in PLACE_CLASSES or top_class(cls) in ("Agency", "Sector") or label.endswith("工程"):
                cls = "Programme"
            conf = 0.85
        out.append(_m(sent.start, sent, start, end, cls, "quote" + ("+tail" if tail_end else ""), conf,
                      label=_clean(label)))
        if label != short_form and _clean(short_form) != _clean(label):
            out.append(_m(sent.start, sent, m.start() + 1, m.end() - 1, cls, "quote:alias", conf * 0.9,
                          label=_clean(label)))
    return out


# Words that grade or stage projects (“某某”重点项目, “某某”示范项目, “某某”建设项目): they say which projects of a
# programme, not what works one project is.
PROJECT_GRADES = ("重点", "重大", "示范", "试点", "民生", "配套", "建设", "续建", "新建", "在建", "储备", "招商", "签约",
                  "攻坚", "帮扶", "扶贫", "改造", "提升")


# Dictionary tags of common nouns, adjectives and adverbs: a quotation that is one such word is a figure of speech.
_FIGURE_TAGS = ("n", "s", "b", "z", "a", "an", "d")


def _metaphor(content: str) -> bool:
    """Is a quotation one common dictionary word (防护网, 优等生, 铁腕, 清零), neither counted (“三农”) nor a policy term?"""
    return len(tokens(content)) == 1 and word_tag(content) in _FIGURE_TAGS and content[0] not in _NUMERALS | {"双"} \
        and content not in policy_terms()


@lru_cache(maxsize=1)
def _conferred_before() -> re.Pattern:
    """A conferring verb (and a lead such as 首批) ending right before a quotation."""
    return re.compile(rf"(?:{'|'.join(NAMING)})(?:首批|第[一二三四五六七八九十]+批|(?:19|20)\d{{2}}年度?)?$")


def _conferred(text: str, pos: int) -> bool:
    """Does a conferring verb end right before `pos` (入选“…”)? Only the dozen characters before it are read."""
    return _conferred_before().search(text, max(0, pos - 12), pos) is not None


def _names_a_body(word: str) -> bool:
    """Is `word` itself a company's or a body's suffix word (有限公司, 委员会)?"""
    sfx = longest_suffix(word)
    return sfx is not None and top_class(sfx.cls) in ("Organization", "Agency")


_VERSION = re.compile(r"(\d+(?:\.\d+)?版)")


def version_mentions(sent: Sentence) -> list[Mention]:
    """Versioned programmes: 优化营商环境7.0版, 数字政府2.0版."""
    text, out = sent.text, []
    toks = tokens(text)
    for m in _VERSION.finditer(text):
        j = next((i for i, (_, s, _) in enumerate(toks) if s == m.start()), None)
        if j is None or j == 0:
            continue
        first = _walk_left(toks, j, False, 16)
        if 0 < first and is_boundary(toks[first - 1][0]) and first >= 2 and is_boundary(toks[first - 2][0]):
            first -= 1  # 打造优化营商环境7.0版: of two verbs in a row, the second belongs to the name
        if first < j and len(text[toks[first][1]:m.start()]) >= 4:
            out.append(_m(sent.start, sent, toks[first][1], m.end(), "Programme", "pattern:X版", 0.8))
    return out


def title_mentions(sent: Sentence) -> list[Mention]:
    """《…》 titles of policy documents (意见, 办法, 方案, 规划 …); reports and newspapers are left out."""
    out = []
    if "《" not in sent.text:
        return out
    for m in _TITLE.finditer(sent.text):
        t = m.group(1)
        if t.endswith(("报告", "报", "日报", "杂志", "条例释义")) or len(t) < 4:
            continue
        out.append(_m(sent.start, sent, m.start(), m.end(), "Policy", "title", 0.85, label=t))
    return out


def _lexicon(kind: str) -> dict[str, str]:
    """The names of one lexicon → class: bodies, national enterprises or policy terms."""
    return {"bodies": named_bodies, "enterprises": national_enterprises}.get(kind, policy_terms)()


@lru_cache(maxsize=None)
def _alternation(kind: str) -> re.Pattern:
    """One regex over a whole lexicon (longest names first), compiled once."""
    names = _lexicon(kind)
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _lexicon_hits(kind: str, text: str):
    """Every lexicon name in `text`, overlapping ones included (人大常委会 and 人大)."""
    names = _lexicon(kind)
    for m in _alternation(kind).finditer(text):
        for n in range(m.end() - m.start(), 1, -1):
            for a in range(m.start(), m.end() - n + 1):
                if text[a:a + n] in names:
                    yield a, a + n, names[text[a:a + n]]


_SESSION_AFTER = re.compile(r"[一二三四五六七八九十\d]+次(?:全体)?会议")


def body_mentions(sent: Sentence) -> list[Mention]:
    """National bodies by their standing names (党中央, 国务院, 人大, 政协, 工会, 妇联 …)."""
    text, out = sent.text, []
    for a, b, cls in _lexicon_hits("bodies", text):
        if text[b:b + 2].startswith(_BODY_NOT_BEFORE):
            continue
        if a and text[a - 1] in ADMIN_ABBR:
            if _AGENCY.match(text, a - 1):
                continue  # 市人大, 县政协: the place-prefixed rule takes them whole
            a -= 1  # 区政法委, 县爱卫会: the level is part of the body's name
        if a and text[a - 1] == "届" or _SESSION_AFTER.match(text, b):
            continue  # 区三届人大三次会议 names the session the report is given at, not the body
        out.append(_m(sent.start, sent, a, b, cls, "lexicon:body", 0.9))
    return out


def enterprise_mentions(sent: Sentence) -> list[Mention]:
    """Central state-owned enterprises and state banks by the short names reports write (中储粮, 国家电网, 建行), as
    whole words only (not 中化 in 现代化中化工园区)."""
    text = sent.text
    return [_m(sent.start, sent, a, b, cls, "lexicon:enterprise", 0.8) for a, b, cls in _enterprise_hits(text)]


def _enterprise_hits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, class) of the national enterprises named in `text` whose names start and end with its words."""
    if not _alternation("enterprises").search(text):
        return []
    toks = tokens(text)
    starts, ends = {s for _, s, _ in toks}, {e for _, _, e in toks}
    return [(a, b, cls) for a, b, cls in _lexicon_hits("enterprises", text) if a in starts and b in ends]


def agency_mentions(sent: Sentence) -> list[Mention]:
    """Place-prefixed party and state bodies: 区委, 市政府, 县人大, 华容区委, 汕尾市委, 三门县政府."""
    text, out = sent.text, []
    for m in _AGENCY.finditer(text):
        head = m.group(2)
        nxt = text[m.end():m.end() + 2]
        if nxt.startswith(_BODY_NOT_BEFORE) or (head == "委" and nxt[:1] in "员托屈婉会"):
            continue
        if head == "委" and m.group(1) == "乡":
            continue
        start = m.start()
        # extend left over a place name the gazetteer knows: 华容区委, 汕尾市委, 三门县政府
        a = _gazetteer_name(text, m.start(), m.start() + 1)
        if a is not None and text[a] not in FUNC_CHARS:
            start = a
        elif start and _is_han(text[start - 1]) and text[start - 1] not in "在与和及、的对由向为经受请支持":
            toks = tokens(text[:m.start()])
            w = toks[-1][0] if toks else ""
            if word_tag(w) == "ns" and len(w) >= 2:
                start = m.start() - len(w)
            elif text[start - 1] in "全城超都":
                continue
        if start >= 2 and text[start - 2:start] == "中共" and head in ("委", "纪委"):
            start -= 2  # 中共江阴市委: the party's name belongs to its committee's
        out.append(_m(sent.start, sent, start, m.end(), AGENCY_CLASS[head], "pattern:place+body", 0.9))
    return out


_FIVE_YEAR_PLAN = re.compile(r"[“\"]?(十[一二三四五六七八九]五)[”\"]?(规划|时期)?")


def term_mentions(sent: Sentence) -> list[Mention]:
    """National policy vocabulary (乡村振兴, 一网通办, 双碳 …) and 十四五规划-style plan names."""
    text, out = sent.text, []
    for a, b, cls in _lexicon_hits("terms", text):
        if cls == "Region":
            edges = {x for _, s, e in tokens(text) for x in (s, e)}
            if a in edges and b in edges:  # 成渝, 长三角 as words, not inside one (完成渝…)
                out.append(_m(sent.start, sent, a, b, cls, "lexicon:region", 0.8))
            continue
        out.append(_m(sent.start, sent, a, b, cls, "lexicon:policy", 0.8))
    for m in _FIVE_YEAR_PLAN.finditer(text) if "五" in text else ():
        label = m.group(1) + "规划"
        out.append(_m(sent.start, sent, m.start(), m.end(), "Plan", "pattern:five-year-plan", 0.85, label=label))
    return out


# One-character words that never sit inside a name's stem: measure words, particles, prepositions.
FUNC_CHARS = set("个项条座所批位次届居占按以和与及的了在为对把将被向从由于至到是有各每本我该其此这那等让使给并或且而又也都还就已亦即亩米吨元入出进受")
PROPER_POS = {"ns", "nr", "nz", "nt", "nrt", "nrfg", "j"}
# Suffixes whose names must contain a proper part (a place or an unknown word), else they are generic
# descriptions (重大项目, 种子繁育基地) rather than names.
PROPER_REQUIRED = {"项目", "基地", "公司", "集团", "码头", "泊位", "工船",
                   "产业基地", "示范基地", "有限公司", "数据中心", "都市圈", "城市群", "经济圈", "经济带"}
# Place-like names built from words of aspiration are development visions, not places: 现代化滨江临港产业生态新城.
VISION_CLASSES = {"DevelopmentZone"}
VISION_WORDS = ("现代化", "高质量", "一流", "国际化", "宜居", "幸福", "美丽", "创新型", "先进", "示范", "先行", "高地",
                "标杆", "协同发展")
# What a built 工程 names: 道路, 桥, 管网, 改造 … (without one, 工程 is a programme: 文化惠民工程).
CONSTRUCTION_WORDS = ("路", "桥", "隧", "管网", "管道", "水利", "供水", "排水", "污水", "电网", "电站", "堤", "闸", "渠",
                      "变电", "输电", "光伏", "风电", "储能", "发电", "供热", "燃气", "管廊",
                      "码头", "港", "机场", "铁路", "轨道", "地铁", "站", "楼", "馆", "园", "房", "厂", "改扩建", "扩建",
                      "新建", "改造", "提升", "修复", "整治", "治理", "建设", "安装", "设施", "场", "库", "厅")
# A suffix word followed by one of these is not the end of a name (战略新兴产业, 改革事项, 体系化).
CONTINUATIONS = ("新兴", "性", "化", "合作", "机遇", "定力", "支点", "事项", "任务", "开放", "创新", "试点",
                 "编制", "实施", "目标", "资金", "经验", "成果", "案例")


def _proper_part(toks: list[tuple[str, int, int]]) -> bool:
    """Does a run of words contain a name-like part: a proper noun, or an unknown word (single characters)?"""
    run = 0
    for w, _, _ in toks:
        if word_tag(w) in PROPER_POS and len(w) > 1:
            return True
        if len(w) == 1 and w not in FUNC_CHARS and _is_han(w):
            run += 1
            if run >= 2:
                return True
        else:
            run = 0
    return False


def is_boundary(w: str) -> bool:
    """A boundary word, or a compound of two (贯彻实施, 大力推广)."""
    stops = boundary_words()
    return w in stops or (len(w) >= 3 and any(w[:k] in stops and w[k:] in stops for k in range(1, len(w))))


CONJUNCTIONS = ("和", "及", "与")


# A project named after the park or base it sits in (康佳产业园康源半导体项目) is two names.
FACILITY_ENDS = ("产业园", "工业园", "科技园", "创新园", "园区", "基地", "集团", "公司")


_BIG_NUMBER = re.compile(r"[万亿千百]")
_DATE_WORD = re.compile(r"\d{4}年?|年|月|日|月份|年度")
_QUANTITY = re.compile(r"[\d.]+|[\d.]*[万亿千百十]+[^\u4e00-\u9fff]*")
_CAPACITY = re.compile(r"[万亿千百十]*(?:千瓦|兆瓦|吉瓦|千伏|吨|平方米|立方米|方|标箱|台|套|辆|片|头)")
_NUMBER = re.compile(r"[\d.]+|[一二三四五六七八九十百千万亿两]+")
_ORDINAL = re.compile(r"第[一二三四五六七八九十百\d]+[届次期批轮]")


def _capacity_start(toks: list[tuple[str, int, int]], i: int) -> tuple[int, bool] | None:
    """(index of its number, whether a name stands before it) for a capacity at token i: 东滩 / 50 / 万千瓦 …项目
    goes on to 东滩 (a noun before it), 建成 / 30 / 兆瓦 …电站 starts the name at 30."""
    if i >= 1 and _CAPACITY.fullmatch(toks[i][0]) and _NUMBER.fullmatch(toks[i - 1][0]):
        n = i - 1
        while n >= 2 and toks[n - 1][0] == "." and toks[n - 2][0].isdigit():
            n -= 2  # 12.4万千瓦: the number is whole, not 4万千瓦
        return n, n >= 1 and word_tag(toks[n - 1][0]) in ("ns", "nz", "nr", "nt", "j", "n", "nrt", None) \
            and toks[n - 1][0] not in _MEASURE_NOUNS
    return None


_MEASURE_NOUNS = ("产能", "面积", "规模", "用地", "总量", "产值", "产量", "能力", "装机", "总装机", "装机容量")


def _capacity_names(stem_toks: list[tuple[str, int, int]]) -> bool:
    """Does a capacity with its number make the stem particular, followed by what is made (2万吨碳纤维, not
    3万平方米改造 or 3万吨产能)?"""
    for j in range(1, len(stem_toks)):
        if _CAPACITY.fullmatch(stem_toks[j][0]) and _NUMBER.fullmatch(stem_toks[j - 1][0]):
            return any(word_tag(w) in ("n", "nz", "ns", "nr", "nt", "j", "l") and w not in _MEASURE_NOUNS
                       for w, _, _ in stem_toks[j + 1:])
    return False


_VERB_TAGS = ("v", "vd", "d", "p", "c", "u")


# Verbs that name a project's work when they stand right before 项目 (某某废渣利用项目, 某某矿开发项目).
WORK_VERBS = frozenset({"利用", "开发", "治理", "修复", "处理", "回收", "提升", "改造", "整治", "保护", "加工"})


def _walk_left(toks: list[tuple[str, int, int]], end_tok: int, proper_only: bool, max_chars: int,
               stop_at_facility: bool = False, capacity: bool = False, company: bool = False) -> int:
    """Index of the first word of a name ending before token `end_tok`, walking left to a boundary.
    A conjunction stays inside a name between two nouns (发展和改革局, 水质提升及生态修复项目)."""
    limit = toks[end_tok][1] - max_chars
    i = end_tok - 1
    first = end_tok
    while i >= 0:
        w, s, e = toks[i]
        if w in CONJUNCTIONS and not proper_only and first < end_tok and i > 0:
            prev = toks[i - 1][0]
            sfx = longest_suffix(prev)
            if len(prev) >= 2 and not is_boundary(prev) and word_tag(prev) in ("n", "vn", "v", "nz", "ns", "an", "l") \
                    and (sfx is None or sfx.weak):
                first = i
                i -= 1
                continue
        if w in ("—", "－", "-") and 0 < i < end_tok and word_tag(toks[i - 1][0]) == "ns" \
                and word_tag(toks[i + 1][0]) == "ns":
            first = i  # 上海—杭州合作示范园: a dash joins two places inside one name
            i -= 1
            continue
        if stop_at_facility and i == end_tok - 1 and w in WORK_VERBS and i > 0 and not is_boundary(toks[i - 1][0]):
            first = i  # 某某尾矿利用项目: the work a project does on what is named before it, not a verb before it
            i -= 1
            continue
        if s < limit or not _PUNCT.isdisjoint(w) or is_boundary(w) or (len(w) == 1 and w in FUNC_CHARS):
            break
        if i and len(w) == 1 and toks[i - 1][0] + w in boundary_words():
            break  # 我/区, 本/市: a scope word jieba split in two
        if stop_at_facility and first < end_tok + 1 and w.endswith(FACILITY_ENDS) and i < end_tok - 0:
            break
        cap = _capacity_start(toks, i) if capacity else None
        if cap is not None:
            first, i = cap[0], cap[0] - 1  # 东滩50万千瓦光伏项目: a capacity inside a project's name
            if cap[1]:
                continue
            break  # 2万吨碳纤维项目: the capacity opens the name

        if word_tag(w) == "m" and _BIG_NUMBER.search(w):
            break
        if _DATE_WORD.fullmatch(w):
            break
        if _QUANTITY.fullmatch(w) and not (i + 1 <= end_tok and toks[i + 1][0] in ("路", "号线", "号", "期")):
            break
        if proper_only and not (word_tag(w) in PROPER_POS or len(w) == 1 and word_tag(w) not in _VERB_TAGS
                                or word_tag(w) is None or (word_tag(w) in ("n", "nt", "ng") and len(w) == 2)):
            break  # 守好水库: a verb, not a character of a place's name
        if _ORDINAL.fullmatch(w):
            break
        if company and (w.endswith("强") and (w[:-1] in ("百", "千", "十") or i and _NUMBER.fullmatch(toks[i - 1][0]))
                        or w == "企业" and i < end_tok - 1):
            break  # 世界500强企业某某控股集团: a ranking or a description before a company's name, not part of it
        first = i
        i -= 1
    return first


def _mountain(word: str) -> bool:
    """A mountain jieba knows as a place word of three or more characters (云蒙山, 花果山), which is no division's
    name (马鞍山, 平顶山 are cities); two-character words are idioms and cities (金山银山, 江山, 黄山)."""
    gz = _gazetteer()
    return len(word) >= 3 and word_tag(word) == "ns" and gz is not None and not gz.by_name(word) \
        and not any(d.level != "town" for d in gz.by_short(word))  # a town may bear a mountain's name


def _gazetteer_name(text: str, sfx_start: int, end: int) -> int | None:
    """Start of the longest administrative name in the gazetteer that ends at `end` (双流区, 华容镇)."""
    gz = _gazetteer()
    if gz is None:
        return None
    longest = 12 if text.startswith("自治", sfx_start) else 5  # 道真仡佬族苗族自治县
    # 镇, 乡, 街道 name township-level units; 区, 县, 市 … county-level ones (高新园区 is a township-level statistical unit)
    town_level = text.startswith(("镇", "乡", "街道", "苏木"), sfx_start)
    for n in range(longest, 1, -1):
        a = sfx_start - n
        if a < 0:
            continue
        cand = text[a:end]
        if not all(_is_han(c) for c in cand):
            continue
        if any(d.level != "town" or town_level for d in gz.by_name(cand)):
            return a
    return None


# Administrative units the gazetteer lists (GB/T 2260 and the township codes): a name with one of these suffixes that
# it does not know is a slogan or a kind (生态立县, 增速高于自治区, 一屏三区), not a division.
CODED_ADMIN = {"Province", "City", "District", "County", "Town", "Township", "Subdistrict"}
_ADMIN_ENDS = ("自治区", "自治州", "自治县", "自治旗", "街道", "苏木", "省", "市", "区", "县", "旗", "州", "盟", "镇", "乡")


_TOWN_ENDS = ("镇", "乡", "街道", "街道办事处", "苏木", "民族乡")


@lru_cache(maxsize=4096)
def _bare_county_only(word: str) -> bool:
    """Is `word` no division's full name, and only county-level divisions' short name (红旗 → 红旗区; 贵州 is a
    province's)?"""
    gz = _gazetteer()
    if gz is None or gz.by_name(word):
        return False
    divs = gz.by_short(word)
    return bool(divs) and all(d.level == "county" for d in divs)


def _province_only(word: str) -> bool:
    """Is `word` no division's full name and only a province's short name (贵州, not 广州)?"""
    gz = _gazetteer()
    if gz is None or gz.by_name(word):
        return False
    divs = gz.by_short(word)
    return bool(divs) and all(d.level == "province" for d in divs)


@lru_cache(maxsize=8192)
def admin_known(name: str) -> bool:
    """Is `name` a division the gazetteer knows, by its full name, its short name, or its stem with another suffix
    (双流县 is now 双流区, 某某乡 became 某某镇)?"""
    gz = _gazetteer()
    if gz is None:
        return True  # without the gazetteer nothing can be checked
    if gz.by_name(name) or gz.by_short(name):
        return True
    end = next((x for x in _ADMIN_ENDS if name.endswith(x)), "")
    stem = name[: len(name) - len(end)]
    return len(stem) >= 2 and bool(gz.by_short(stem) or any(gz.by_name(stem + x) for x in _TOWN_ENDS))


@lru_cache(maxsize=1)
def _gazetteer():
    from graph.extract import gazetteer

    return gazetteer.loaded()


# A section of a road, river park or line right after its name (某某大道西段, 某某公园下游段, 某某线北延段).
_SECTION_AFTER = re.compile(r"(?:[东南西北中]{1,2}|[上中下]游|[东南西北]延)段(?![落时])")


# What makes a facility's name a system's (数字文化馆, 智慧图书馆): 平台 right after it is part of the name.
DIGITAL_WORDS = ("数字", "智慧", "智能", "云", "数据", "网上", "线上", "在线", "互联网", "信息化")


def suffix_mentions(sent: Sentence) -> list[Mention]:
    """Names that end in a lexicon suffix, their left edge found over jieba words up to a boundary word."""
    text, out = sent.text, []
    toks = tokens(text)
    sfx = _suffix_index()[0]
    by_last = _suffix_lengths()
    for i, (w, _s, e) in enumerate(toks):
        lengths = by_last.get(w[-1])
        if lengths is None:
            continue
        nxt = toks[i + 1][0] if i + 1 < len(toks) else ""
        for k in lengths:
            suffix = sfx.get(text[e - k:e]) if k <= e else None
            if suffix is None:
                continue
            m = _suffix_name(text, toks, i, suffix, nxt)
            if m is not None:
                start, cls, conf = m
                section = _SECTION_AFTER.match(text, e) if top_class(cls) == "Project" else None
                end = section.end() if section else e  # 某某大道西段, 某某公园下游段: the section is the works
                if top_class(cls) == "Project" and text.startswith("平台", end) and any(
                        d in text[start:end] for d in DIGITAL_WORDS):
                    end += 2  # 区智慧文化馆平台: a digital museum is a platform that was built
                label = _sector_label(text[start:end]) if cls == "Industry" else ""
                out.append(_m(sent.start, sent, start, end, cls, f"suffix:{suffix.text}", conf, label=label))
                if top_class(cls) == "Organization":
                    out.extend(_m(sent.start, sent, a, b, c, BARE_RULE, 0.75) for a, b, c in _leading_place(text, start, end))
            break
    return out


def _leading_place(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The province or prefecture an organization's name opens with (湖南某某集团, 武汉大学), by its full or bare name,
    when a name of two characters or more follows it."""
    gz = _gazetteer()
    if gz is None:
        return []
    for n in range(min(5, end - start - 2), 1, -1):
        word = text[start:start + n]
        divs = gz.by_name(word) or [d for d in gz.by_short(word) if d.short == word]
        top = [d for d in divs if d.level in ("province", "city")]
        if top and len(top) == len(divs):
            d = top[0]
            return [(start, start + n, gz.level_class(d.level, d.name, d.code))]
    return []


def _suffix_name(text: str, toks, i: int, suffix: Suffix, nxt: str) -> tuple[int, str, float] | None:
    """(start, class, confidence) of the name that token i closes with `suffix`, or None."""
    w, s, e = toks[i]
    sfx_start = e - len(suffix.text)
    if nxt.startswith(CONTINUATIONS) and top_class(suffix.cls) == "Initiative":
        return None
    if w == suffix.text and word_tag(w) in ("d", "ad") and word_tag(nxt) in ("v", "vn"):
        return None  # 保持中高速增长: the suffix word is an adverb here
    if suffix.cls in PLACE_CLASSES and nxt.startswith(BRAND_HEADS):
        return None  # 青岛啤酒, 黄山旅游股份: a brand named after a place
    if suffix.admin or suffix.cls in PLACE_CLASSES:
        a = _gazetteer_name(text, sfx_start, e) if suffix.admin else None
        if a is not None and any(t[1] == a for t in toks):  # 南昌都市圈 holds no 昌都市: a name starts a word
            return a, suffix.cls, min(0.95, suffix.confidence + 0.15)
    if suffix.weak:
        numbered = w.endswith(suffix.text) and bool(_NUMERAL_RUN.fullmatch(w[:-len(suffix.text)]))
        if word_tag(w) in PROPER_POS and len(w) > len(suffix.text) and (suffix.text != "山" or _mountain(w)) and (
                suffix.cls in PLACE_CLASSES or word_tag(w) == "ns"):
            # a known place word (湖北省, 陆丰市, 灵山岛): the name is the word itself
            if is_generic(w) or (suffix.admin and suffix.cls in CODED_ADMIN and not admin_known(w)):
                return None
            if suffix.admin and _bare_county_only(w):
                return None  # 红旗 (红旗区) is a county's bare name: the guard decides, not the suffix 旗
            if suffix.admin and _province_only(w):
                return s, "Province", suffix.confidence  # 贵州 is a province, not a prefecture's 州
            return s, suffix.cls, suffix.confidence
        if not (len(w) == len(suffix.text) or numbered or (word_tag(w) == "nt" and top_class(suffix.cls) == "Agency")):
            return None  # 商务局 (an institution word) still takes the place named before it
    # the word where the suffix starts; its head (产业 of 产业基地) belongs to the stem unless it is a verb (深化改革)
    j = i
    while j > 0 and toks[j][1] > sfx_start:
        j -= 1
    head = text[toks[j][1]:sfx_start]
    if head and head in boundary_words():
        return None
    if suffix.cls in FEATURE_CLASSES and word_tag(w) == "ns" and len(w) > len(suffix.text) and w.endswith(suffix.text):
        return s, suffix.cls, suffix.confidence  # 守好密云水库: a reservoir jieba knows is the word itself
    # a place's name is proper nouns; a lake or reservoir after a verb is one too (守好青山水库 is 青山水库)
    proper_only = suffix.cls in PLACE_CLASSES and (suffix.weak or suffix.cls in FEATURE_CLASSES)
    year = _YEAR_BEFORE.search(text, 0, sfx_start) if suffix.text == "年会" else None
    if year is not None:  # 青山论坛2022年年会: the year of an annual meeting is inside its name
        jy = next((k for k in range(j, -1, -1) if toks[k][1] <= year.start()), 0)
        first = _event_start(toks, jy, False)
        if first < jy:
            return toks[first][1], suffix.cls, suffix.confidence
    first = _walk_left(toks, j, proper_only, 8 if proper_only else 20, stop_at_facility=suffix.text == "项目",
                       capacity=top_class(suffix.cls) == "Project", company=top_class(suffix.cls) == "Organization") \
        if suffix.cls != "Event" else _event_start(toks, j, suffix.text in EDITION_EVENTS)
    start = toks[first][1] if first < j else toks[j][1]
    if first < j and not proper_only:
        w0, s0, _ = toks[first]
        if len(w0) == 3 and w0[:2] in boundary_words() and _is_han(w0[2]) and w0[2] not in FUNC_CHARS:
            start = s0 + 2  # 建成区级人才公寓: the dictionary word 建成区 hides the verb 建成 before 区级
    if suffix.cls == "Industry":
        # an industry is named by nouns: 发展生态节能环保产业 → 生态节能环保产业
        if _COUNT_BIG.search(text, start, sfx_start):
            return None
        while first < j and len(toks[first][0]) > 1 and (
                word_tag(toks[first][0]) in ("v", "vd", "d", "ad") or toks[first][0] in DEVELOP_VERBS
                or is_generic(toks[first][0])):
            first += 1  # but 检验检测认证产业: nouns of a verb (vn) name the industry
        start = toks[first][1] if first < j else toks[j][1]
        stem = text[start:sfx_start]
        if any(w in stem for w in ("项目", "企业", "工作")):
            return None  # 抓项目育产业: a clause about projects, not an industry's name
        if suffix.text.endswith("产业链") and (stem.endswith("化") or (
                len(tokens(stem)) == 1 and word_tag(stem) not in ("n", "vn", None))):
            return None  # 延伸产业链, 力保产业链, 一体化产业链: what is done to a chain, not a sector
    if top_class(suffix.cls) == "Initiative" and 0 < start < sfx_start - 2 and text[start - 1] == "、" \
            and text[start] in "省市县区" and first < j and len(toks[first][0]) == 1:
        start, first = start + 1, first + 1  # 国家、省、市稳增长一揽子政策: the levels are a list before the name
    stem = text[start:sfx_start]
    name = text[start:e]
    if suffix.text in ("项目", "工程") and _AFTER_ETC.search(text, 0, start):
        return None  # A、B等一批新能源关联产业项目, A、B等生态工程: the head of a list, not a project's name
    if suffix.text == "项目" and _COUNT_AFTER.match(text, e) and (
            _NUMBER.fullmatch(toks[first][0]) or not _proper_part(list(toks[first:j]))):
        return None  # 实施…光伏项目6个: projects counted, none named
    stem_toks = list(toks[first:j]) + ([(head, toks[j][1], sfx_start)] if head else [])
    if all(word_tag(t[0]) in ("q", "m") for t in stem_toks):
        return None  # 3公里公园景观: a measure, not a name
    if not _valid_name(stem, name, suffix):
        return None
    if suffix.admin and suffix.cls in CODED_ADMIN and not admin_known(name):
        return None
    cls, conf = suffix.cls, suffix.confidence
    proper = _proper_part(stem_toks)
    if suffix.text in PROPER_REQUIRED and not proper and not _PHASE_AFTER.match(text, e) and not (
            suffix.cls == "Company" and stem[:1] in "省市" and len(stem) >= 3) and not (
            top_class(suffix.cls) == "Project" and _capacity_names(stem_toks)):
        return None  # 海洋工程基地(一期) has a phase, 省机场集团 is a provincial company, 2万吨碳纤维项目 a capacity
    if suffix.text == "局" and _NUMBERED_BUREAU.search(stem):
        cls = "Company"  # 中建三局, 中铁十一局: numbered engineering bureaus are state-owned companies
    if cls in VISION_CLASSES and any(v in stem for v in VISION_WORDS):
        cls = "Programme"
    if suffix.text == "工程" and not any(c in stem for c in CONSTRUCTION_WORDS) and not stem.endswith("示范"):
        cls = "Programme"  # 文化惠民工程 is a programme; 风貌提升工程, 道路改造工程 are built
        if stem in generic_words():
            return None  # 战略工程, 重点工程: a kind of programme, not one
    return start, cls, conf


# Verbs a report puts before an industry (发展生态节能环保产业); jieba tags some of them as nouns of a verb (vn).
DEVELOP_VERBS = ("发展", "培育", "壮大", "做强", "做大", "做优", "提升", "打造", "推动", "推进", "引进", "布局", "聚焦",
                 "支持", "扶持", "加快", "振兴", "建设", "服务", "升级", "改造")
_NUMERAL_RUN = re.compile(r"[一二三四五六七八九十\d]+")
_YEAR_BEFORE = re.compile(r"(?<=[\u4e00-\u9fff])(?:19|20)\d{2}年?$")
_COUNT_AFTER = re.compile(r"[\d一二三四五六七八九十两百]+[个项]")
_AFTER_ETC = re.compile(r"等(?:一批|一大批|[一二三四五六七八九十两百\d]+[个家批项])?$")
_COUNT_BIG = re.compile(r"[一二三四五六七八九十两]大")
_COUNTED_KIND = re.compile(r"[一二三四五六七八九十两百千\d]+[个项大类条张批家种所]")
_ORDINAL_SESSION = re.compile(r"第[一二三四五六七八九十\d]+[次届]")
EVENT_SCOPES = ("国际", "世界", "全球", "中国", "全国", "亚洲", "亚太", "中外")
_NUMBERED_BUREAU = re.compile(r"^[\u4e00-\u9fff]{2}[一二三四五六七八九十]+航?$")
_PHASE_AFTER = re.compile(r"[（(]?[一二三四五六七八九十\d]期")


# Events whose name holds their edition (市第九届运动会, 第三届某某桃花节); elsewhere an ordinal (第十八届) names a
# session of a body, and an expo or forum is named without its edition (第二届某某博览会 → 某某博览会).
EDITION_EVENTS = frozenset({"运动会", "马拉松", "花节", "文化节", "旅游节", "艺术节", "音乐节", "美食节", "丰收节"})


def _event_start(toks, end_tok: int, edition: bool = True) -> int:
    """Where an event's name ending before token `end_tok` starts: its scope words (世界, 亚洲) are part of it
    (世界人工智能大会, 博鳌亚洲论坛), though they end other names on their left (全球首个…)."""
    first = _walk_left(toks, end_tok, False, 20)
    while first > 0 and toks[first - 1][0] in EVENT_SCOPES:
        first = min(first - 1, _walk_left(toks, first - 1, False, 20))
    if edition and first > 0 and _EDITION.fullmatch(toks[first - 1][0]):  # 第三届青山桃花节, 市第九届运动会: the edition
        first -= 1
        if first > 0 and toks[first - 1][0] in ("省", "市", "县", "区", "全国", "全省", "全市"):
            first -= 1
    return first


_EDITION = re.compile(r"第[一二三四五六七八九十\d]+届")


# What a school's stem says when it names a kind of school, not one.
SCHOOL_KINDS = ("公办", "民办", "公立", "私立", "中心", "完全", "寄宿制", "乡村", "农村", "城区", "城镇", "乡镇", "义务教育", "普通", "重点",
                "示范", "示范性", "标准化", "现代化", "特色", "优质", "特殊教育", "职业", "一贯制", "普惠性", "薄弱", "新建",
                "配套", "村级", "各类", "中小")


def _valid_name(stem: str, name: str, suffix: Suffix) -> bool:
    """A stem that makes the name particular: not empty, not generic, not a number or a year."""
    stem = stem.strip()
    if not stem or not _HAN.search(stem + name):
        return False
    if is_generic(name) or (stem in generic_words() and top_class(suffix.cls) != "Project"):
        return False
    if (suffix.weak or suffix.cls in FEATURE_CLASSES) and len(stem) < 2:
        return False  # 好水库, 新湖: one character names no water
    if suffix.admin:
        if len(stem) < 2 or len(stem) > 5 or any(c in ADMIN_ABBR + "村" for c in stem):
            return False
        if stem[-1] in "大强撤":
            return False  # 农业大县, 百强镇: a kind of county, not one; 撤县设区 is a change of status
    if suffix.text == "山" and stem.endswith("矿"):
        return False  # 非煤矿山, 绿色矿山: 矿山 is a mine, a kind of site, not a mountain's name
    if suffix.text == "流域" and stem[-1] not in "江河湖溪海水":
        return False
    if suffix.text.endswith("岸") and (len(stem) < 2 or stem[-1] not in "江河湖溪海水库湾"):
        return False  # 青湖北岸, 长江南岸: the shore of a water, not a bank (河岸) or a coast word
    if suffix.text in ("会议", "大会") and (not stem.startswith(EVENT_SCOPES) or stem.endswith(("代表", "人民"))):
        return False  # 常委会会议, 表彰大会, 全国人民代表大会: meetings of a body; 世界…大会 is an event with a name
    if _DIGITS.match(stem) and suffix.text not in ("路", "号线"):
        return False
    if _COUNTED_KIND.fullmatch(stem):
        return False  # 六项机制, 三大体系: a count of things, not a name
    if stem.endswith(("国家级", "省级", "市级", "县级")):
        return False  # 国家级新区: a rank, not a name
    if suffix.text == "行动" and len(tokens(stem)) == 1 and word_tag(stem) in ("a", "ad", "d"):
        return False  # 果敢行动, 迅速行动: acting in a manner, not a named campaign
    if suffix.text == "遗址" and (is_common_word(stem) or word_tag(tokens(stem)[0][0]) == "v"):
        return False  # 考古遗址, 工业遗址: a kind of site, not one; 保护某某遗址: a verb jieba left in the name
    if suffix.cls == "School" and (len(stem) < 2 or stem.endswith(SCHOOL_KINDS) or _COUNTED_KIND.search(stem)):
        return False  # 公办幼儿园, 乡镇中心小学, 新建学校5所, 中小学: kinds of school, not one
    if stem in boundary_words() or _ORDINAL_SESSION.search(name) and suffix.text not in EDITION_EVENTS:
        return False
    if len(name) > 30:
        return False
    return True


@lru_cache(maxsize=1)
def _gazetteer_shorts() -> frozenset[str]:
    """Short names of province-, prefecture- and county-level divisions: most words are none, and say so fast."""
    gz = _gazetteer()
    return frozenset(gz._short_index()) if gz is not None else frozenset()


# Heads of company and brand names: a place right before one names the brand, not a place of the report (青岛啤酒,
# 福田汽车, 宁德时代, 南京银行).
BRAND_HEADS = ("银行", "啤酒", "汽车", "集团", "股份", "控股", "时代", "钢铁", "电气", "电器", "重工", "药业", "乳业",
               "保险", "证券", "航空", "石化", "实业", "制药", "酒业", "卷烟", "农商行", "商行")
# The jieba tags of a bare place name that can stand on its own; a city whose bare name is a common word (长治,
# 来宾 n, 新余 b, 清远 a) needs the evidence a county's bare name needs.
_PROPER_TAGS = ("ns", "nr", "nrt", "nz", "j", None)
BARE_RULE = "gazetteer:short"
FEATURE_CLASSES = frozenset({"River", "Lake", "Mountain", "NaturalFeature", "Port"})
_NUMERALS = frozenset("一二三四五六七八九十两百千万")
BARE_COUNTY_RULE = "gazetteer:short-county"


def gazetteer_mentions(sent: Sentence) -> list[Mention]:
    """Bare province and city names (浙江, 成都, 青岛), and bare county names that jieba knows as places (延庆, 桐乡):
    the latter are kept only with evidence from the whole document (see PlaceGuard)."""
    gz = _gazetteer()
    if gz is None:
        return []
    text, out = sent.text, []
    toks = tokens(text)
    shorts = _gazetteer_shorts()
    for k, (w, s, e) in enumerate(toks):
        if len(w) < 2 or w not in shorts or not all(_is_han(c) for c in w):
            continue
        after = toks[k + 1][0] if k + 1 < len(toks) else ""
        before = toks[k - 1][0] if k else ""
        if all(len(x) == 1 and _is_han(x) and x not in FUNC_CHARS for x in (before, after)) and after not in "省市":
            continue  # 金鳞湖北岸: single characters on both sides, 湖北 is not meant
        if after.startswith(BRAND_HEADS) or word_tag(before) == "m" or after[:1].isdigit():
            continue  # 青岛啤酒 is a brand; 突破百亿元大关 a threshold, not 大关县; 林芝1万段 a crop counted
        divs = [d for d in gz.by_short(w) if d.short == w]
        if not divs or w in generic_words() or w in boundary_words():
            continue
        top = [d for d in divs if d.level in ("province", "city")]
        rule = BARE_RULE
        if top and top[0].level == "city" and word_tag(w) not in _PROPER_TAGS:
            rule = BARE_COUNTY_RULE
        if not top and (word_tag(w) == "ns" or _listed_with_a_place(toks, k)):
            top = [d for d in divs if d.level == "county"]  # 延庆, 桐乡: the document decides if and which
            rule = BARE_COUNTY_RULE
        if top:
            d = top[0]
            out.append(_m(sent.start, sent, s, e, gz.level_class(d.level, d.name, d.code), rule, 0.75))
    return out


def _listed_with_a_place(toks, k: int) -> bool:
    """Is the word at k listed (、) next to a province or city name (支援辛集、衡水两地: 辛集 is a place too,
    though jieba reads it as a verb)?"""
    gz = _gazetteer()
    for n in (k - 2, k + 2):
        if 0 <= n < len(toks) and toks[(n + k) // 2][0] == "、":
            w = toks[n][0]
            if any(d.level in ("province", "city") for d in gz.by_short(w) if d.short == w) or any(
                    d.level in ("province", "city") for d in gz.by_name(w)):
                return True
    return False


# jieba's tags of a character that acts on or qualifies the word after it (兴 v, 老 a, 西 f): such a character
# before 城市, 城区, 山区 makes an ordinary phrase that a county-level name may spell too.
PHRASE_LEAD_TAGS = ("v", "vg", "vn", "a", "ad", "f", "d")
_PERSON_TITLE = re.compile(r"(?:县长|区长|市长|旗长|州长|省长|主席|书记|主任)\s*$")


def _after_a_title(m: Mention, sent: Sentence) -> bool:
    return top_class(m.cls) in ("Place", "Organization") and bool(_PERSON_TITLE.search(sent.text, 0, m.start - sent.start))


def _glued_to_numeral(m: Mention, sent: Sentence) -> bool:
    k = m.start - sent.start
    return k > 0 and sent.text[k - 1] in _NUMERALS


class PlaceGuard:
    """Document-wide evidence for bare county names (and cities whose name is a common word): the report's own region
    (the province of the place its header names, else of the places it names with their suffix), a parent named in
    the same sentence, the full name elsewhere in the report, or, when no region is known, two mentions."""

    def __init__(self, doc: Document, sentences: list[Sentence], cands: list[list[Mention]]):
        self.gz = _gazetteer()
        self.text = doc.text
        home = own_division(doc.text)
        provinces: set[str] = set()
        if home is not None:
            provinces.add(home.code[:2])
        elif self.gz is not None:
            for sent, ms in zip(sentences, cands):
                for m in ms:
                    if m.rule.startswith("suffix:") and m.cls in CODED_ADMIN and not _glued_to_numeral(m, sent):
                        found = {d.code[:2] for d in self.gz.by_name(m.text) if d.level != "town"}
                        if len(found) == 1:
                            provinces |= found
        self.provinces = provinces
        self.bare_counts: dict[str, int] = {}
        for ms in cands:
            for m in ms:
                if m.rule == BARE_COUNTY_RULE:
                    self.bare_counts[m.text] = self.bare_counts.get(m.text, 0) + 1

    def keeps(self, m: Mention, sentence: str) -> bool:
        """Is a bare county name in this sentence a place of this report?"""
        divs = [d for d in self.gz.by_short(m.text) if d.short == m.text and d.level in ("city", "county")]
        for d in divs:
            if d.code[:2] in self.provinces or d.name in self.text:
                return True
            if any(len(a.short) >= 2 and a.short in sentence for a in self.gz.ancestors(d.code)):
                return True
        return not self.provinces and self.bare_counts.get(m.text, 0) >= 2

    def counted(self, m: Mention, sent: Sentence) -> bool:
        """A county or city of another province glued to a numeral: 一屏三区六宜城市 is a slogan, not 宜城市."""
        if m.cls not in ("City", "District", "County") or not m.rule.startswith("suffix:") \
                or not _glued_to_numeral(m, sent):
            return False
        return not any(d.code[:2] in self.provinces for d in self.gz.by_name(m.text))

    def phrase_like(self, m: Mention, sent: Sentence) -> bool:
        """A county-level name that reads as an ordinary phrase, one verb or modifier before a common word (兴城市 is
        also 兴 + 城市, 老城区 also 老 + 城区), from another province with no parent named in the sentence."""
        if m.cls not in ("City", "District", "County") or not m.rule.startswith("suffix:") or len(m.text) != 3 \
                or not is_common_word(m.text[1:]) or word_tag(m.text[0]) not in PHRASE_LEAD_TAGS:
            return False
        divs = self.gz.by_name(m.text)
        return not any(d.code[:2] in self.provinces or any(
            len(a.short) >= 2 and a.short in sent.text for a in self.gz.ancestors(d.code)) for d in divs)

    def opens_a_name(self, m: Mention, cands: list[Mention], sentence: str) -> bool:
        """A river or bay word that is only a county's bare name, from another province, opening a longer name found
        in the sentence (荔湾湿地公园 is no park of 荔湾区): the name is local, the county is not meant."""
        if m.cls not in FEATURE_CLASSES or not _bare_county_only(m.text) or self.keeps(m, sentence):
            return False
        return any(c.start == m.start and c.end > m.end and c.cls not in FEATURE_CLASSES for c in cands)

    def filter(self, sent: Sentence, cands: list[Mention]) -> list[Mention]:
        """The candidates of one sentence without the places the document gives no evidence for, nor people's names
        after their title (县长 阿卜拉江·萨迪克 is no river)."""
        if self.gz is None:
            return cands
        kept = [m for m in cands if not (m.rule == BARE_COUNTY_RULE and not self.keeps(m, sent.text)
                                         or self.counted(m, sent) or self.phrase_like(m, sent)
                                         or self.opens_a_name(m, cands, sent.text) or _after_a_title(m, sent))]
        named = {(m.start, m.end) for m in kept if m.rule.startswith("gazetteer:")}
        if named:  # 九江, 桃江 (when the report's region has it): the division, not a river of that name
            kept = [m for m in kept if m.cls not in FEATURE_CLASSES or (m.start, m.end) not in named]
        return kept


_FEATURE_ENDS = frozenset("江河湖海")
_BESIDE = frozenset("滨沿临环傍近")


def feature_mentions(sent: Sentence) -> list[Mention]:
    """Rivers, lakes and seas jieba knows as place words (长江, 黄河, 渤海): 江/河/湖/海 closing an ns word."""
    text, out = sent.text, []
    if _FEATURE_ENDS.isdisjoint(text):
        return out
    for w, s, e in tokens(text):
        if len(w) >= 2 and w[-1] in _FEATURE_ENDS and word_tag(w) == "ns" and not is_generic(w) \
                and not (len(w) == 2 and w[0] in _BESIDE):  # 滨海, 沿江: beside a sea or river, not its name
            cls = {"江": "River", "河": "River", "湖": "Lake", "海": "NaturalFeature"}[w[-1]]
            out.append(_m(sent.start, sent, s, e, cls, "pos:ns-feature", 0.7))
    return out


_UNITS = re.compile(r"[\d一二三四五六七八九十]+(?:[、和及至—-][\d一二三四五六七八九十]+)*号(?:机组|线|泊位|高炉)")


def numbered_unit_mentions(sent: Sentence) -> list[Mention]:
    """Numbered units of a plant named before them: 核电5、6号机组, 华能电厂3号机组 (a list of numbers, one name)."""
    text, out = sent.text, []
    if "号" not in text:
        return out
    toks = tokens(text)
    for m in _UNITS.finditer(text):
        a = _name_start_before(toks, m.start(), 10)
        if a is not None and not is_generic(text[a:m.start()]):
            out.append(_m(sent.start, sent, a, m.end(), "InfrastructureProject", "pattern:X号机组", 0.75))
    return out


def _name_start_before(toks, pos: int, max_chars: int) -> int | None:
    """Where the name that ends at `pos` (a word boundary) starts, walking left to a boundary word; None if none."""
    j = next((i for i, (_, s, _) in enumerate(toks) if s == pos), None)
    if not j:
        return None
    first = _walk_left(toks, j, False, max_chars)
    return toks[first][1] if first < j else None


_PACKAGE = re.compile(r"(\d+)条(措施|政策|意见|举措)?")
_PACKAGE_VERBS = ("出台", "实施", "落实", "制定", "印发", "推出", "兑现", "用好")
# What is counted, not decreed, when it stands before N条 (地铁6条, 航线20条).
_COUNTED_THINGS = ("线", "路", "地铁", "街", "巷", "河", "渠", "隧道", "通道", "生产线", "航线", "线路", "道路")


def package_mentions(sent: Sentence) -> list[Mention]:
    """Numbered policy packages: (出台)稳经济47条、助企纾困22条 (措施), 支持民营经济发展21条措施."""
    text, out = sent.text, []
    if "条" not in text or not any(v in text for v in _PACKAGE_VERBS):
        return out
    toks = tokens(text)
    for m in _PACKAGE.finditer(text):
        a = _name_start_before(toks, m.start(), 16)
        stem = text[a:m.start()] if a is not None else ""
        clause = _CLAUSE_MARKS.split(text[:m.start()])[-1]
        if len(stem) < 2 or is_generic(stem) or stem.endswith(_COUNTED_THINGS) \
                or not any(v in clause for v in _PACKAGE_VERBS) and not m.group(2):
            continue
        out.append(_m(sent.start, sent, a, m.end(), "Policy", "pattern:X条", 0.75))
    return out


_SENTENCE_MARKS = re.compile(r"[，,。；;：:！!？?]")
# Words before a title that are not part of it: 了, 连续三年, 2022年度, 本年度 (dropped); 首批, 全省唯一 (kept in the mention's
# text, left out of its label: 首批国家乡村振兴示范区 is the title 国家乡村振兴示范区).
_TITLE_LEAD = re.compile(r"(?:了|为|成为)?(?:连续[一二三四五六七八九十两\d]+年)?(?:(?:19|20)\d{2}(?:年度|年)?|本年度|当年|上年度)?")
_AWARD_GIVER = re.compile(r"全?[省市县区](?![级委政])")
_TITLE_ORDINAL = re.compile(r"^(?:全国|全省|全市)?(?:首批|第[一二三四五六七八九十\d]+批|唯一的?|首个)")
# What follows a title without being part of it: its rank (第14位, 榜首), the list it is on (创建名单), 称号, a count.
_TITLE_TAIL = re.compile(r"(?:(?:排名|排)?第[一二三四五六七八九十百\d]+(?:位|名)?|前[一二三四五六七八九十百\d]+(?:位|名|强)?|榜首"
                         r"|等?(?:荣誉)?称号|等荣誉|(?:创建|建议|试点|推荐)?名单|[\d一二三四五六七八九十两]+[个项家处]|等)$")
# The heads a conferred title ends with, besides DESIGNATION_HEADS (全国深呼吸生态旅游魅力名区, 国家级绿色工业园区 …).
TITLE_HEADS = DESIGNATION_HEADS + (
    "百佳", "十强县", "十强", "名县", "名镇", "名村", "名区", "之乡", "之城", "典范", "样板", "案例", "品牌", "目的地",
    "集群", "企业", "工厂", "车间", "景区", "度假区", "县城", "乡镇", "先导区", "创新区", "创建区", "引领区", "园区",
    "基地", "成果", "项目库", "激励", "评定", "金奖", "模范县", "示范带", "村")
# Ranking verbs name a title only with a rank after it (位居中部百强县第34位).
RANKING_VERBS = ("位居", "位列", "稳居", "名列")
# Verbs after which a level-prefixed name is a title even without a head (获评国家级绿色园区).
CONFERRING = ("入选", "获评", "获批", "评为", "荣获", "授予", "命名为", "认定为", "被评为", "入列", "入围", "荣登",
              "创成", "列为", "成功创建", "跻身", "确定为", "晋升为")
# Verbs whose object is the title itself (入选“X品牌”), not a thing created or approved.
NAMING = ("入选", "获评", "荣获", "评为", "被评为", "授予", "命名为", "入围", "荣登", "入列")
# A level-prefixed name ending in one of these is support or praise, not a title (获得国家级资金支持).
NOT_TITLE_ENDS = ("支持", "资金", "补助", "奖补", "补贴", "贷款", "投资", "批复", "立项", "肯定", "好评", "表扬", "认可",
                  "关注", "重视", "指导", "审批", "验收", "评审", "备案", "荣誉")
_TRIGGER = re.compile("|".join(sorted(RECOGNITION_TRIGGERS + RANKING_VERBS, key=len, reverse=True)))
_RANKED_AT = re.compile(r"在([^，,。；;：:在]{4,30}?)中?(?:排名|排位|位列|位居)第[一二三四五六七八九十百\d]+")
# A body that gives a title before it (获得省政府真抓实干督查激励): the title is what follows it.
_GIVING_BODY = re.compile(r"(?:[省市县区]委|[省市县区](?:人民)?政府|国务院|党中央|中共中央)(?=[\u4e00-\u9fff“]{4})")
_TITLE_CHARS = re.compile(r"[\u4e00-\u9fff“”\"（）()·]+")
# A title ends before another verb of the sentence: 获评全国文明城市并通过复审.
_TITLE_STOPS = ("并", "且", "后", "通过", "实现", "达到", "完成", "成为", "获得", "进行", "了")
# Verbs of applying and striving: what they name is a title only with one of DESIGNATION_HEADS (申报…示范区).
SEEKING = ("申报", "成功申报", "创建")


def designation_mentions(sent: Sentence) -> list[Mention]:
    """Awards and designations: the titles a conferring verb names (入选/获评/荣获/创成 … A、B和C; 位居X第N位), each
    cut from its lead (连续三年, 2022年度, 首批) and its tail (第14位, 创建名单, 称号); opened by a level
    (省级食品安全示范区); 在X百强县排名第N位. The subject of an enterprise designation is an organization."""
    text, out = sent.text, []
    edges = None
    for m in _TRIGGER.finditer(text):
        trig = m.group()
        edges = edges or {x for _, s, e in tokens(text) for x in (s, e)}
        if m.start() not in edges or m.end() not in edges:
            continue  # 获批复, 获得感: the verb is part of another word
        clause = _SENTENCE_MARKS.split(text[m.end():], maxsplit=1)[0]
        found = []
        for k, (a, b) in enumerate(_title_items(text, m.end(), m.end() + len(clause))):
            title = _title_span(text, a, b, trig, first=k == 0)
            if title is None:
                if trig in RANKING_VERBS:
                    break
                continue
            found.append(title)
        for a, b, label in found:
            out.append(_m(sent.start, sent, a, b, "Designation", f"pattern:{trig}+designation", 0.8, label=label))
        if found and (found[0][2].endswith("企业") or text.startswith("企业", found[0][1])):
            subj = _subject_before(text, m.start())
            if subj is not None:
                out.append(_m(sent.start, sent, *subj, "Company", f"pattern:X{trig}企业", 0.75))
    for m in _RANKED_AT.finditer(text) if "排" in text or "位" in text else ():
        a, b = m.span(1)
        if text[a:b].endswith(TITLE_HEADS) and not _PUNCT.intersection(text[a:b]):
            out.append(_m(sent.start, sent, a, b, "Designation", "pattern:在X排名第N", 0.75))
    for m in _LEVEL_DESIGNATION.finditer(text):
        out.append(_m(sent.start, sent, m.start(), m.end(), "Designation", "pattern:level+designation", 0.75))
    return out


def _title_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The titles one verb names, as spans: split at 、 and at 和/及/与 after a whole title (…示范县和2022年度…)."""
    items, a = [], start
    for k in range(start, end):
        c = text[k]
        if c == "、" or (c in "和及与" and k > a and _TITLE_TAIL.sub("", text[a:k]).endswith(TITLE_HEADS)):
            items.append((a, k))
            a = k + 1
    items.append((a, end))
    return [(a, b) for a, b in items if b > a]


def _title_span(text: str, a: int, b: int, trig: str, first: bool) -> tuple[int, int, str] | None:
    """(start, end, label) of the title in text[a:b] named after verb `trig`, or None when it names none."""
    a += len(_TITLE_LEAD.match(text, a, b).group(0)) if a < b else 0
    item = text[a:b]
    for stop in _TITLE_STOPS:  # 获评全国文明城市并通过复审
        k = item.find(stop, 2)
        if k != -1:
            item = item[:k]
    body = _GIVING_BODY.match(item)
    if body is not None:
        a, item = a + body.end(), item[body.end():]
    ranked = trig in RANKING_VERBS
    core = item
    while True:
        cut = _TITLE_TAIL.sub("", core)
        if cut == core:
            break
        core = cut
    if ranked and core == item:
        return None  # 位居全国百强区方阵: a ranking verb names a title only with its rank
    core = core.rstrip("（(")
    if len(core) < 4 or not _TITLE_CHARS.fullmatch(core):
        return None  # 获得…10亿元: no title
    label = _clean(core)
    ordinal = _TITLE_ORDINAL.match(label)
    if ordinal and len(label) - ordinal.end() >= 4:
        label = label[ordinal.end():]
    giver = _AWARD_GIVER.match(label)
    if giver and label.endswith(("奖", "激励", "评定")) and len(label) - giver.end() >= 4:
        label = label[giver.end():]  # 全市争先创优优胜奖: an award is named without the level that gives it
    first_word = tokens(label)[0][0]
    if is_boundary(first_word) and (word_tag(first_word) or "").startswith("v"):
        return None  # 获批设立…, 获批建设…: a verb, not a title
    if label.endswith(DESIGNATION_HEADS if trig in SEEKING else TITLE_HEADS):
        return a, a + len(core), label
    if not ranked and trig in CONFERRING and core.startswith(LEVEL_PREFIXES + _province_names()) \
            and len(label) <= 24 and not core.endswith(NOT_TITLE_ENDS) \
            and word_tag(tokens(core)[-1][0]) not in ("v", "vd", "d", "m", "q"):
        return a, a + len(core), label  # 获批国家级绿色工业园区, 获评全国避暑旅游目的地
    if first and not ranked:
        best = max((core.rfind(h) + len(h) for h in DESIGNATION_HEADS if h in core), default=-1)
        if best >= 4:  # 入选全省示范区创建: the title ends at its last head
            return a, a + best, _clean(core[:best])
    return None


@lru_cache(maxsize=1)
def _province_names() -> tuple[str, ...]:
    """Provinces by their full and short names (湖南省, 上海): a title may open with its province instead of a level."""
    gz = _gazetteer()
    if gz is None:
        return ()
    divs = [d for name in _gazetteer_shorts() for d in gz.by_short(name) if d.level == "province"]
    return tuple(sorted({d.name for d in divs} | {d.short for d in divs if len(d.short) >= 2}, key=len, reverse=True))


_ALL_HAN = re.compile(r"[\u4e00-\u9fff]+")
_LEVEL_DESIGNATION = re.compile(r"(?:全国|国家级|国家|全省|省级|全市|市级)(?:(?!首个|首批|唯一)[\u4e00-\u9fff]){2,18}?(?:示范区|示范县|示范市|示范镇|"
                                r"示范乡镇|示范村|示范园区|示范基地|先进区|先进县|先进单位|先进集体|百强县|百强区|千强镇|"
                                r"典型案例|优秀案例|实验区|试验区|标杆园区|试点)")


def _subject_before(text: str, pos: int) -> tuple[int, int] | None:
    """The name right before a verb at `pos` (青禾科技入选 → 青禾科技), walking left over words to a boundary."""
    toks = tokens(text[:pos])
    i = len(toks) - 1
    start = pos
    while i >= 0:
        w, s, _ = toks[i]
        if not _PUNCT.isdisjoint(w) or w in boundary_words() or (len(w) == 1 and w in FUNC_CHARS):
            break
        start = s
        i -= 1
    name = text[start:pos]
    if 2 <= len(name) <= 10 and not is_generic(name) and _HAN.search(name) and not _NOT_AN_ITEM.search(name) \
            and not re.search(r"\d|[一二三四五六七八九十两多]+[家个批]", name):  # 5家企业 counts, names none
        return start, pos
    return None


_SECTOR_LIST = re.compile(r"((?:[\u4e00-\u9fff]{2,8}、)*[\u4e00-\u9fff]{2,8}(?:和|及|、)[\u4e00-\u9fff]{2,8})"
                          r"(?:[一二三四五六七八九十两]大)(?:主导|支柱|优势|特色|重点|新兴|战略性新兴)?产业")


_ITEM_MARKS = re.compile(r"和|及|、")


def sector_list_mentions(sent: Sentence) -> list[Mention]:
    """Industries listed before a count: 围绕食品加工、医药化工和节能环保三大主导产业."""
    text, out = sent.text, []
    if "大" not in text or "产业" not in text:
        return out  # what every match needs: a count (三大) and 产业
    for m in _SECTOR_LIST.finditer(text):
        items = _ITEM_MARKS.split(m.group(1))
        toks = tokens(items[0])
        cut = max((e for w, _, e in toks if is_boundary(w)), default=0)
        items[0] = items[0][cut:]
        pos = m.end(1) - len(m.group(1)) + cut
        for item in items:
            k = text.find(item, pos)
            if 2 <= len(item) <= 8 and not is_generic(item) and k != -1:
                out.append(_m(sent.start, sent, k, k + len(item), "Industry", "list:三大产业", 0.7))
                pos = k + len(item)
    return out


# What an industry's name ends with (generic Chinese industry vocabulary): a qualifier between 等 and 企业/项目 that ends
# with one names the sector of the list (等上规模电子信息企业, 等一批新能源关联产业项目).
SECTOR_WORDS = ("产业", "制造", "装备", "信息", "电子", "材料", "能源", "医药", "生物", "食品", "化工", "纺织", "服装",
                "服饰", "汽车", "家电", "建材", "物流", "旅游", "文旅", "农业", "养殖", "种植", "光伏", "风电", "储能",
                "电池", "半导体", "芯片", "集成电路", "健康", "康养", "文化", "电商", "商贸", "金融", "软件", "通信",
                "航空", "航天", "冶金", "钢铁", "机械", "家居", "陶瓷", "畜牧", "水产", "渔业", "林业", "加工", "创意",
                "房地产")
# Words of size and rank before the sector in 等(一批)(上规模)X企业, which are not part of it.
_SCALE_WORDS = re.compile(r"^(?:[一二三四五六七八九十两百千\d]+[个家批项]|一批|一大批|上规模|规模以上|规上|重点|龙头|骨干|优质|知名|"
                          r"国内知名|头部|大型|新兴|优势|特色)*")
# Heads a list of industries shares: 文化创意、生命健康产业; A、B为主的工业体系; 集成电路、基因科技千亩产业园.
_SECTOR_HEAD = re.compile(r"(产业集群|全产业链|产业链|产业)(?!园|基地|城|带|体系|项目|化|政策|工人|发展|结构|工程|大会|用地)"
                          r"|为主(?:导)?的(?=[\u4e00-\u9fff]{0,6}(?:体系|格局|结构))"
                          r"|(?=[百千万]亩(?:产业园|产业基地|产业集聚区))")
_SIZE_PARK = re.compile(r"[百千万]亩(?:产业园|产业基地|产业集聚区)")
# 首发经济、品牌经济: a list of economies names sectors; these are ownership forms and scales, not sectors.
_NOT_AN_ECONOMY = ("民营", "县域", "区域", "集体", "实体", "宏观", "国民", "市场", "社会", "地方", "村级", "城市", "农村",
                   "乡村", "开放型", "外向型", "公有制", "非公有制", "个体")
_ECONOMY_LIST = re.compile(r"(?:[\u4e00-\u9fff]{2,4}经济、)+[\u4e00-\u9fff]{2,4}经济")


def _sector_item(item: str) -> bool:
    """Is a list item a sector's name: a short noun phrase, no count, verb or generic word?"""
    if not 2 <= len(item) <= 8 or not _ALL_HAN.fullmatch(item) or is_generic(item) or _COUNT_BIG.search(item):
        return False
    toks = tokens(item)
    if is_boundary(toks[0][0]) or any(w in FUNC_CHARS for w, _, _ in toks) or any(
            word_tag(w) in ("v", "vd", "d", "p", "c", "r") for w, _, _ in toks[:-1]):
        return False  # 调结构稳增长: a clause, not a sector
    if len(toks) == 1:
        return (word_tag(item) or "n") in ("n", "nz", "vn", "j", "l", "nr", "ng")
    return (word_tag(toks[-1][0]) or "n") in ("n", "nz", "vn", "j", "l", "an", "nr", "ng", "b", "v", "a")


def coordinated_sector_mentions(sent: Sentence) -> list[Mention]:
    """Industries listed before the head they share (文化创意、生命健康产业; 培育服装服饰、新型建材为主的工业体系;
    集成电路、基因科技千亩产业园, whose size-named park is a project), and lists of economies (首发经济、夜间经济)."""
    text, out = sent.text, []
    if "、" not in text:
        return out
    for h in _SECTOR_HEAD.finditer(text):
        chunk = _CHUNK_MARKS.split(text[:h.start()])[-1]
        items = _ITEM_MARKS.split(chunk)
        if len(items) < 2 and not h.group().startswith("为主"):
            continue  # a single X产业 is the suffix rule's; a list makes its items sectors
        cut = _after_boundary(items[0], keep_last=False)
        items[0] = items[0][cut:]
        if not all(_sector_item(x) for x in items):
            continue
        pos = h.start() - len(chunk) + cut
        for k, item in enumerate(items):
            pos = text.find(item, pos)
            glued = k == len(items) - 1 and h.group().startswith("产业")
            end = h.end() if glued else pos + len(item)  # 生命健康产业: the last item takes the shared head
            out.append(_m(sent.start, sent, pos, end, "Industry", "list:A、B产业", 0.7, label=item))
            pos += len(item)
        park = _SIZE_PARK.match(text, h.end())
        if park:  # 千亩产业园: a park named by its size alone
            out.append(_m(sent.start, sent, park.start(), park.end(), "IndustrialProject", "list:A、B+X亩产业园", 0.7))
    for m in _ECONOMY_LIST.finditer(text):
        pos = m.start()
        for k, item in enumerate(m.group().split("、")):
            if k == 0:  # 积极发展首发经济: the verb before the list is not part of its first item
                cut = max((e for w, _, e in tokens(item)[:-1] if is_boundary(w) or word_tag(w) in ("v", "vn")),
                          default=0)
                pos, item = pos + cut, item[cut:]
            stem = item[:-2]
            toks = tokens(stem)
            if len(stem) >= 2 and stem not in _NOT_AN_ECONOMY and not is_boundary(toks[0][0]):
                out.append(_m(sent.start, sent, pos, pos + len(item), "Industry", "list:X经济", 0.65))
            pos += len(item) + 1
    return out


# East-west pairing and designated assistance, national programmes every paired county reports: two provinces'
# one-character names and the kind of help (苏陕帮扶, 京蒙协作, 闽宁对口协作), or who is assigned (中央单位定点帮扶).
_PROVINCE_CHARS = "京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川黔滇藏陕甘青宁新蒙"
_PAIRING = re.compile(rf"([{_PROVINCE_CHARS}])([{_PROVINCE_CHARS}])(?:对口|东西部)?(?:帮扶|扶贫协作|劳务协作|协作)"
                      r"|(?:中央单位|中央国家机关|中央企业|央企|省直单位|省直部门)定点帮扶")


def pairing_mentions(sent: Sentence) -> list[Mention]:
    """Pairing programmes by the two provinces' one-character names (苏陕帮扶, 京蒙协作) and designated assistance by
    who gives it (中央单位定点帮扶)."""
    found = list(_PAIRING.finditer(sent.text))
    if not found:
        return []
    starts = {s for _, s, _ in tokens(sent.text)}
    return [_m(sent.start, sent, m.start(), m.end(), "Programme", "pattern:A B帮扶", 0.75)
            for m in found if (m.group(1) is None or m.group(1) != m.group(2)) and m.start() in starts]


# Projects or companies counted by kind (光伏项目6个, 食品加工企业增至85家), or power capacity installed by
# kind (清洁能源总装机): the kind is a sector.
_COUNTED_KIND_OF = re.compile(r"([\u4e00-\u9fff]{2,10}?)(?:(?:项目|企业)(?:发展到|增加到|增至|达到|达)?"
                              r"[\d一二三四五六七八九十两百]+[个家项户]|总?装机)")


def counted_sector_mentions(sent: Sentence) -> list[Mention]:
    """The sector of projects or companies counted by kind (实施…光伏项目6个, 食品加工企业增至85家) or of capacity
    installed (新能源总装机): the words before 项目/企业/装机 back to a measure or a boundary, when they end like a sector."""
    text, out = sent.text, []
    for m in _COUNTED_KIND_OF.finditer(text):
        toks = tokens(m.group(1))
        k = len(toks)
        while k > 0 and not is_boundary(toks[k - 1][0]) and word_tag(toks[k - 1][0]) not in ("m", "q") \
                and toks[k - 1][0] not in FUNC_CHARS:
            k -= 1
        a = toks[k][1] if k < len(toks) else len(m.group(1))
        a += len(_SCALE_WORDS.match(m.group(1)[a:]).group(0))  # 规上农产品加工企业: the sector without the scale
        name = m.group(1)[a:]
        if 2 <= len(name) <= 8 and name.endswith(SECTOR_WORDS) and not is_generic(name) and "重" not in name \
                and "产业" not in name:
            a += m.start(1)
            out.append(_m(sent.start, sent, a, a + len(name), "Industry", "pattern:X项目N个", 0.7,
                          label=_sector_label(name)))
    return out


_SECTOR_TAILS = ("全产业链", "产业集群", "产业链", "产业")


def _sector_label(name: str) -> str:
    """A sector's label without the word for industry (生命健康产业 → 生命健康; 农业产业 stays: 农业 alone is generic)."""
    for tail in _SECTOR_TAILS:
        stem = name[:-len(tail)]
        if name.endswith(tail) and len(stem) >= 2 and not is_generic(stem) and (
                tail == "产业集群" or stem.endswith(SECTOR_WORDS + ("经济",))):
            return stem
    return name


def _qualifier_sector(text: str, m: re.Match) -> tuple[int, int] | None:
    """The sector named between 等 and the head of a list (等上规模电子信息企业 → 电子信息), as a span."""
    q = m.group(1)
    lead = _SCALE_WORDS.match(q).group(0)
    a = m.start(1) + len(lead)
    name = text[a:m.end(1)]
    if 2 <= len(name) <= 8 and name.endswith(SECTOR_WORDS) and not is_generic(name) and _ALL_HAN.fullmatch(name):
        return a, m.end(1)
    return None


# Verbs that bring an investor in: the items of 引进A、B等项目 are the companies, not their projects.
ATTRACT_VERBS = ("引进", "引入", "招引", "落户", "落地")


_CHUNK_MARKS = re.compile(r"[，,。；;：:！？!?（）()“”\s]")
_NOT_AN_ITEM = re.compile(r"\d{2,}|[的了]")


def list_mentions(sent: Sentence) -> list[Mention]:
    """Items of `A、B、C等(一批)企业/项目/产业集群` lists, typed by the head noun; one item (帝益麦等企业) counts too."""
    text, out = sent.text, []
    for m in _LIST_TAIL.finditer(text):
        cls = LIST_HEADS[m.group(2)]
        if cls is None:
            continue
        # walk left from 等 over 、-separated items; the first item ends at a boundary word or punctuation
        left = text[:m.start()]
        chunk = _CHUNK_MARKS.split(left)[-1]
        items = chunk.split("、")
        toks = tokens(items[0])
        cut = 0
        for w, _, e in toks[:-1]:  # the item's own last word ends it (德迈仕生产线扩建) even when it is a verb
            if w in boundary_words() or (len(w) == 1 and w in FUNC_CHARS):
                cut = e
        attracted = cls == "IndustrialProject" and any(v in items[0][:cut] for v in ATTRACT_VERBS)
        pos = m.start() - len("、".join(items))
        if cls == "Company":
            described = _described_companies(items, pos, sent)
            if described is not None:  # 世界500强企业A、中国民营企业500强B等企业
                out.extend(described)
                continue
        items[0] = items[0][cut:]
        pos = m.start() - len("、".join(items))
        # 新能源装备制造、新材料等项目: when one item is a sector by its name, the items that name nothing proper are too
        sectors = any(class_of_name(x, "") == "Industry" for x in items)
        for item in items:
            if 2 <= len(item) <= (16 if cls.endswith("Project") else 10) and not is_generic(item) \
                    and item not in boundary_words() and _HAN.search(item) \
                    and not _NOT_AN_ITEM.search(item) and not (m.group(2) == "工程" and _ITEM_MARKS.search(item)):
                own = class_of_name(item, "")
                if own != "Industry" and sectors and not _proper_part(list(tokens(item))):
                    own = "Industry"
                if own != "Industry":  # 新能源装备制造等项目: a sector; 引进青禾科技等项目: the investor
                    own = "Company" if attracted and not own and _proper_part(list(tokens(item))) else cls
                end = pos + len(item)
                if top_class(own) == "Project" and item.endswith("建设") and len(item) >= 5:
                    end -= 2  # 推进区档案馆建设、…等项目: the archive is the project, 建设 the work on it
                out.append(_m(sent.start, sent, pos, end, own, f"list:等{m.group(2)}", 0.7))
            pos += len(item) + 1
        sector = _qualifier_sector(text, m) if cls != "Industry" else None
        if sector is not None:  # 等上规模电子信息企业: the sector the listed companies are in
            a, b = sector
            out.append(_m(sent.start, sent, a, b, "Industry", "list:等X企业", 0.7, label=_sector_label(text[a:b])))
    return out


# What a report writes before a company's name to describe it: a ranking it is on (世界500强企业, 中国民营企业500强:
# a title), or its standing (行业龙头企业, 世界领军企业: a description, after the field it leads).
_SCOPES = "(?:世界|全球|中国|全国|国内|国际|全省|省内|行业)"
_RANKED = re.compile(rf"{_SCOPES}(?:民营企业|制造业企业|制造业|服务业企业|服务业|企业)?(?:\d+|[百千])强(?:企业)?")
_DESCRIPTOR = re.compile(rf"{_SCOPES}(?:民营企业|制造业企业|制造业|服务业企业|服务业|企业)?(?:\d+|[百千])强(?:企业)?"
                         rf"|{_SCOPES}?(?:领军|龙头|骨干|知名|头部|领先|标杆|链主|上市|独角兽|瞪羚)企业")


def _after_boundary(phrase: str, keep_last: bool = True) -> int:
    """Where a name starts in `phrase`: just after its last boundary word or function character (0 if none), the
    last word itself kept as part of the name unless keep_last is False."""
    toks = tokens(phrase)
    return max((e for w, _, e in (toks[:-1] if keep_last else toks) if is_boundary(w) or w in FUNC_CHARS), default=0)


def _described_companies(items: list[str], pos: int, sent: Sentence) -> list[Mention] | None:
    """The companies of an 等…企业 list whose items are written after a description (…世界领军企业A、世界500强企业B、
    中国民营企业500强C): each name, each ranking as a title, and the field an item's description opens with
    as a sector; None when no item has a description."""
    found = [list(_DESCRIPTOR.finditer(item)) for item in items]
    if not any(found):
        return None
    out = []
    for k, (item, ms) in enumerate(zip(items, found)):
        last = ms[-1] if ms else None
        a = last.end() if last is not None else 0
        name = item[a:]
        if last is None and k == 0:
            a = _after_boundary(item)
            name = item[a:]
        for part in re.finditer(r"[^和及与]+", name):  # 世界500强A和B、C等企业
            b = pos + a + part.start()
            if 2 <= len(part.group()) <= 10 and _ALL_HAN.fullmatch(part.group()) and not is_generic(part.group()):
                out.append(_m(sent.start, sent, b, b + len(part.group()), "Company", "list:X企业A", 0.75))
        if last is not None and _RANKED.fullmatch(last.group()):
            out.append(_m(sent.start, sent, pos + last.start(), pos + last.end(), "Designation", "list:X强企业A", 0.75))
        if last is not None and ms[0].start() > 0:  # 固废资源化利用世界领军企业A: the field A leads
            b = _after_boundary(item[:ms[0].start()])
            field = item[b:ms[0].start()]
            if 2 <= len(field) <= 12 and _ALL_HAN.fullmatch(field) and not is_generic(field) and not is_boundary(field):
                out.append(_m(sent.start, sent, pos + b, pos + ms[0].start(), "Industry", "list:X领军企业", 0.7))
        pos += len(item) + 1
    return out


# ---------------------------------------------------------------- organizations outside lists

# Words that end a company's bare brand (利欧泵业, 宁德时代, 洪韵科技) besides the brand heads above.
COMPANY_WORDS = BRAND_HEADS + ("科技", "泵业", "矿业", "纸业", "牧业", "茶业", "电子", "光电", "化工", "新材料", "能源",
                               "生物", "智能", "机械", "装备", "食品", "电建", "建工", "物流", "智造", "铜业", "铝业", "锂业",
                               "锌业", "钛业", "钨业", "煤业", "盐业", "糖业", "木业", "瓷业", "化纤", "置业", "物业", "水务",
                               "燃气", "电力", "环保", "新能源")
# Company words that end a bare company name wherever it stands (某某铜业完成改制): an industry word with 业 or a
# company's standing word.
TRADE_WORDS = frozenset(w for w in COMPANY_WORDS if len(w) == 2 and w.endswith("业") and w not in ("实业",)) | {
    "控股", "股份", "置业", "物业", "水务", "化纤"}
_BRAND_TAGS = ("nr", "nz", "nt", "j", "nrt")
# Verbs before a partner or an investor (与A签约, 引进A, 携手A) and what must follow a partner after 与.
PARTNER_VERBS = ("引进", "引入", "招引", "携手", "牵手", "联合")
_WITH_WORDS = ("与", "同")
_COOPERATE_AFTER = re.compile(r"^(?:[、和及][^，,。；;]{2,12}?)?(?:成功|正式|顺利)?(?:签约|签订|签署|合作|共建|达成|对接|携手)")
# Words of works and phases that follow a project's owner: 利欧泵业二期, 德迈仕生产线扩建, 中石化…技改.
WORKS_WORDS = ("生产线", "改扩建", "扩建", "技改", "技术改造", "改造", "扩能", "扩产", "搬迁", "新建", "续建", "增资",
               "一期", "二期", "三期", "四期", "二期工程", "三期工程")


def brand_end(toks: list[tuple[str, int, int]], k: int) -> int:
    """Index after a bare company name starting at token k: characters jieba does not know as words (德迈仕), proper
    nouns that are no place (华为, 中石化, 京东方), and a company word closing them (利欧泵业, 宁德时代); k if none."""
    j, proper = k, False
    while j < len(toks):
        w = toks[j][0]
        tag = word_tag(w)
        if len(w) == 1 and _is_han(w) and w not in "的了在与和及、等是为将":
            pass
        elif len(w) > 1 and tag in _BRAND_TAGS:
            proper = True
        elif j > k and w in COMPANY_WORDS:
            j += 1
            break
        else:
            break
        j += 1
    run = toks[k:j]
    if not run or (not proper and sum(len(t[0]) == 1 for t in run) < 2):
        return k  # one known word alone is a common word, not a brand
    if not proper and run[0][0] in _MODIFIERS:
        return k  # 新质生产力…, 大宗固废…: characters of words jieba splits, not a name
    if len(run) == 1 and is_common_word(run[0][0]):
        return k  # 智慧, 阳光: jieba tags them as names, but they are words
    return j


# Characters that open words rather than names when jieba leaves them single (新质, 老旧, 大宗).
_MODIFIERS = frozenset("新老大小高低多少上下内外前后旧全总主副")
_CAPACITY_PROJECT = re.compile(r"\d+(?:\.\d+)?[万亿千百十]*(?:千瓦|兆瓦|吉瓦)(?:风电|光伏|储能|风光|光热|水电|火电|发电|电站|项目)*"
                               r"(?=[、和及]|成功|顺利|实现|全面|正式|建成|并网|投产|开工|投运|签约|落地|完成)")


def capacity_project_mentions(sent: Sentence) -> list[Mention]:
    """Power projects named by their owner and capacity alone, without a word for project (某能12万千瓦风电、某盛3万千瓦
    成功并网): the owner's brand must stand right before the capacity."""
    text, out = sent.text, []
    if "瓦" not in text:
        return out
    toks = tokens(text)
    starts = {s: i for i, (_, s, _) in enumerate(toks)}
    for m in _CAPACITY_PROJECT.finditer(text):
        j = starts.get(m.start())
        k = next((k for k in range(max(0, j - 4), j) if brand_end(toks, k) == j and _brand(text, toks, k)), None) \
            if j else None
        if k is not None:
            out.append(_m(sent.start, sent, toks[k][1], m.end(), "IndustrialProject", "pattern:A+capacity", 0.7))
    return out


def _brand(text: str, toks, k: int) -> tuple[int, int] | None:
    """(start, end) of a bare company name at token k that is no place, body or generic word."""
    j = brand_end(toks, k)
    if j == k:
        return None
    a, b = toks[k][1], toks[j - 1][2]
    name = text[a:b]
    if not 2 <= len(name) <= 10 or is_generic(name) or name in _gazetteer_shorts() or name in named_bodies() \
            or any(len(t[0]) > 1 and word_tag(t[0]) == "ns" for t in toks[k:j]) or _town_name(name) \
            or name.startswith(_OUTPUT_WORDS):
        return None
    return a, b


# Words of an output before a capacity (年产6万吨…), which jieba may tag as an abbreviation: never an owner.
_OUTPUT_WORDS = ("年产", "日产", "月产", "年处理", "日处理", "年加工", "年出栏", "年吞吐", "年屠宰", "年存栏")


def _town_name(name: str) -> bool:
    """Is `name` a town's or township's bare name in the gazetteer (茶恩寺 for 茶恩寺镇)?"""
    gz = _gazetteer()
    return gz is not None and any(gz.by_name(name + end) for end in _TOWN_ENDS)


def partner_mentions(sent: Sentence) -> list[Mention]:
    """Companies named by what is done with them, outside A、B等企业 lists: 与A(、B)签约/合作, 引进A、B, 携手A."""
    text, out = sent.text, []
    if not any(v in text for v in PARTNER_VERBS + _WITH_WORDS):
        return out
    toks = tokens(text)
    for i, (w, _, _e) in enumerate(toks[:-1]):
        if w in _WITH_WORDS:
            span = _brand(text, toks, i + 1)
            if span is not None and _COOPERATE_AFTER.match(text[span[1]:]):
                out.append(_m(sent.start, sent, *span, "Company", "pattern:与A签约", 0.65))
        elif w in PARTNER_VERBS:
            k = i + 1
            while k < len(toks):
                span = _brand(text, toks, k)
                if span is None or _DESCRIPTOR.match(text, span[1]):
                    break  # 引进光伏领军企业A: the field A leads, not a company
                out.append(_m(sent.start, sent, *span, "Company", f"pattern:{w}A", 0.65))
                k = next((n for n, t in enumerate(toks) if t[1] == span[1]), len(toks))
                if k >= len(toks) or toks[k][0] not in ("、", "和", "及"):
                    break
                k += 1
    return out


def trade_name_mentions(sent: Sentence) -> list[Mention]:
    """Companies named by a brand and a word of their trade, outside lists and verbs (某某铜业完成改制, 某某置业开发):
    the brand characters jieba does not know or a proper noun, right before the trade word."""
    text, out = sent.text, []
    toks = tokens(text)
    for t, (w, _, e) in enumerate(toks):
        if w not in TRADE_WORDS:
            continue
        k = next((k for k in range(max(0, t - 4), t) if brand_end(toks, k) == t + 1 and _brand(text, toks, k)), None)
        if k is not None:
            out.append(_m(sent.start, sent, toks[k][1], e, "Company", "pattern:A+trade", 0.7))
    return out


def owner_mentions(project: Mention, text: str, offset: int) -> Mention | None:
    """The company a project is named after (德迈仕生产线扩建 → 德迈仕, 利欧泵业二期 → 利欧泵业), when what follows the
    owner is works or a phase."""
    label = text[project.start - offset:project.end - offset]
    national = max((h for h in _enterprise_hits(label) if h[0] == 0 and h[1] < len(label)), key=lambda h: h[1],
                   default=None)
    if national is not None:  # 中储粮…物流项目, 国家电网…工程: a national enterprise owns what follows its name
        return Mention(label[:national[1]], project.start, project.start + national[1], national[2],
                       "lexicon:enterprise", 0.75, sentence=project.sentence)
    toks = tokens(label)
    span = _brand(label, toks, 0)
    if span is None:
        return None
    owner = label
    while owner.endswith(WORKS_WORDS):  # 德迈仕生产线扩建 → 德迈仕, 并盛熔盐技改 → 并盛熔盐
        owner = owner[:-len(next(w for w in sorted(WORKS_WORDS, key=len, reverse=True) if owner.endswith(w)))]
    extra = owner[span[1]:]
    if owner == label or not (extra == "" or (len(extra) == 2 and len(owner) <= 6 and extra in {t[0] for t in toks})):
        owner = label[:span[1]]  # 中石化加氢催化剂研究平台技改 → 中石化: the brand alone
        rest = label[span[1]:]
        if len(rest) < 2 or not (rest.startswith(WORKS_WORDS) or rest.endswith(WORKS_WORDS) or _made_by(rest)):
            return None
    if len(owner) < 2 or is_generic(owner) or any(c in owner for c in ("高速", "铁路", "公路", "大道", "大桥", "机场")) \
            or top_class(class_of_name(owner, "Company")) in ("Project", "Place", "Initiative"):
        return None  # 沪昆高速改扩建 widens a road, 智慧农业产业园一期 is a park's phase
    cls = class_of_name(owner, "Company")  # 县中医院改扩建: the hospital, not a company
    return Mention(owner, project.start, project.start + len(owner), cls if cls in INSTITUTIONS else "Company",
                   "pattern:owner+works", 0.6, sentence=project.sentence)


_POWER_KIND = re.compile(r"\d+(?:\.\d+)?[万亿千百十]*(?:千瓦|兆瓦|吉瓦)(风电|光伏|储能|水电|光热|火电)(?:发电)?(?:项目|电站)?$")


def power_kind(project: Mention, text: str, offset: int) -> Mention | None:
    """The kind of power a project named by its capacity makes (某能12万千瓦风电 → 风电): its sector."""
    label = text[project.start - offset:project.end - offset]
    m = _POWER_KIND.search(label)
    if m is None:
        return None
    a = project.start + m.start(1)
    return Mention(m.group(1), a, a + len(m.group(1)), "Industry", "pattern:capacity kind", 0.7,
                   sentence=project.sentence)


# A capacity that opens the rest of a project's name after its owner (某能12万千瓦风电, 某某2万吨储备库).
_CAPACITY_OPENS = re.compile(r"\d+(?:\.\d+)?[万亿千百十]*(?:千瓦|兆瓦|吉瓦|千伏|吨|标箱|台|套|辆)")
# What a company builds and runs under its own name: a park or a plant (某某大豆精深加工产业园, 某某食品工业园).
PLANT_ENDS = ("产业园", "产业基地", "工业园", "生产基地", "加工厂", "工厂", "生产线")


def _made_by(rest: str) -> bool:
    """Does the rest of a project's name after a brand say what the company makes or builds: a capacity, or a plant
    or park of its own that no place names (not 某某武汉新城数字经济产业基地, a place's base)?"""
    return bool(_CAPACITY_OPENS.match(rest)) or rest.endswith(PLANT_ENDS) and len(rest) >= 5 \
        and not any(word_tag(w) == "ns" for w, _, _ in tokens(rest))


RULES = (quoted_mentions, title_mentions, version_mentions, sector_list_mentions, coordinated_sector_mentions,
         body_mentions, agency_mentions, enterprise_mentions, term_mentions, designation_mentions,
         suffix_mentions, list_mentions, gazetteer_mentions, feature_mentions, numbered_unit_mentions, partner_mentions,
         capacity_project_mentions, trade_name_mentions, counted_sector_mentions, pairing_mentions,
         package_mentions)

# Quotations and titles mark their own edges and win over anything crossing them; among the other rules
# the longer name wins (长江经济带发展战略 over 长江经济带), then the more reliable rule.
RULE_PRIORITY = {"quote": 6, "title": 6, "pattern": 3, "lexicon": 3, "suffix": 3, "gazetteer": 2, "pos": 1, "list": 2}


def _priority(m: Mention) -> tuple:
    fam = m.rule.split(":")[0].split("+")[0]
    rank = RULE_PRIORITY.get(fam, 1)
    if m.rule.endswith("+designation") and m.rule != "pattern:level+designation":
        rank = 6  # a title a verb confers marks its own edges, over the names and quotations inside it
    elif m.rule == OWN_RULE:
        rank = 4  # the report's own place as the header writes it (道真自治县) over a suffix's reading of it
    return (rank >= 6, m.end - m.start, rank, m.confidence)


_TITLE_OPENING = re.compile(r"[“\"「]?(?:(?:19|20)\d{2}年?度?)?(?:首批)?")
INSTITUTIONS = frozenset({"University", "Hospital", "ResearchInstitute", "School"})


def select_mentions(cands: list[Mention]) -> list[Mention]:
    """Keep the best non-crossing mentions; a place named inside a longer name stays as its own mention."""
    kept: list[Mention] = []
    for m in sorted(cands, key=_priority, reverse=True):
        ok = True
        for k in kept:
            if m.start < k.end and k.start < m.end:  # overlap
                inside = k.start <= m.start and m.end <= k.end
                named_body = top_class(k.cls) == "Agency" and m.start == k.start and m.cls in NESTABLE
                # a place keeps its own mention inside a longer name unless it is only a level and a kind (省机场)
                nest = (m.cls in NESTABLE or (m.cls in PLACE_CLASSES and k.cls not in PLACE_CLASSES and m.start == k.start)) \
                    and m.text[:1] not in ADMIN_ABBR and (m.end - m.start <= 6 or named_body) \
                    and (m.rule.startswith("suffix:") or m.rule.startswith("gazetteer:") and m.cls in ("Province", "City")
                         or m.rule == OWN_RULE)  # 平安青山: the report's own place inside a name
                if k.cls == "Designation" and m.cls != "Region" and not _TITLE_OPENING.fullmatch(k.text[:m.start - k.start]):
                    nest = False  # 全国百强新城区: a kind of district inside a title, not one (but 湖北省…示范企业)
                if m.cls == "Region":  # inside a title or a project's name (长三角百强县), not the strategy it names
                    nest = top_class(k.cls) not in ("Initiative", "Place")
                elif m.cls in INSTITUTIONS:  # 江南大学江阴校区一期: the university opens the project's name
                    nest = top_class(k.cls) == "Project" and m.start == k.start and m.rule.startswith("suffix:") \
                        and m.text[:1] not in ADMIN_ABBR  # 区人民医院改扩建 is the works, not a named hospital
                alias = m.rule == "quote:alias" and k.label == m.label  # the short form inside its own quotation
                if inside and (alias or nest) and (m.start, m.end) != (k.start, k.end):
                    continue
                ok = False
                break
        if ok:
            kept.append(m)
    return sorted(kept, key=lambda m: (m.start, -m.end))


def simplified(text: str) -> str:
    """The text in simplified characters with the same length, so offsets stay valid (traditional input)."""
    from zhconv import convert

    whole = convert(text, "zh-cn")
    if len(whole) == len(text):
        return whole
    return "".join(convert(c, "zh-cn") for c in text)


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Characters that zhconv turns into another single character in simplified Chinese (這, 區, 會 …)."""
    from zhconv import zhconv

    table = zhconv.getdict("zh-cn")
    return frozenset(k for k, v in table.items() if len(k) == 1 and len(v) == 1 and k != v)


_NOT_HAN = re.compile(r"[^\u4e00-\u9fff]+")


def _traditional_share(text: str) -> float:
    """Share of Han characters (in the first 2,000) that are traditional-only."""
    head = text[:2000]
    han = len(_NOT_HAN.sub("", head))
    if not han:
        return 0.0
    return sum(head.count(c) for c in _traditional_chars().intersection(head)) / han


def extract_mentions(doc: Document) -> list[Mention]:
    """Every typed mention of a document, sorted by position. Traditional text is matched through its simplified
    form; mentions keep the original characters."""
    view = doc
    if _traditional_share(doc.text) > 0.05:
        from dataclasses import replace

        stext = simplified(doc.text)
        view = replace(doc, text=stext, sentences=[replace(x, text=stext[x.start:x.end]) for x in doc.sentences])
    out: list[Mention] = []
    sentences = [sent for sent in view.sentences if not _HEADER.match(sent.text)]
    own = own_place(view.text)
    cands = [[m for rule in RULES for m in rule(sent)] for sent in sentences]
    if own is not None:
        cands = [_with_own_place(sent, found, own) for sent, found in zip(sentences, cands)]
    guard = PlaceGuard(view, sentences, cands)
    for sent, found in zip(sentences, cands):
        chosen = select_mentions(guard.filter(sent, found))
        owners = [o for m in chosen if top_class(m.cls) == "Project"
                  for o in (owner_mentions(m, sent.text, sent.start), power_kind(m, sent.text, sent.start)) if o is not None]
        out.extend(sorted(chosen + owners, key=lambda m: (m.start, -m.end)) if owners else chosen)
    if view is not doc:
        out = [_original(doc.text, view.text, m) for m in out]
    return out


OWN_RULE = "gazetteer:own"
# What follows a bare name that makes it a town's or a street's (城关镇, 城关街道), not the report's place.
_TOWN_AFTER = ("镇", "乡", "街道", "村", "社区", "路", "街")


def own_place_mentions(sent: Sentence, own: OwnPlace) -> list[Mention]:
    """The report's own place wherever the report writes it short: its bare name (青山, also inside a name: 平安青山) and the
    abbreviation its header uses (科左中旗), each labelled with the full name; a bare name that is a common word
    (和平, 红旗) only where the dictionary knows it as a place."""
    text, out = sent.text, []
    forms = [f for f in own.forms if f != own.division.name and f in text]
    if not forms:
        return out
    toks = tokens(text)
    starts, ends = {s for _, s, _ in toks}, {e for _, _, e in toks}
    cls = _gazetteer().level_class(own.division.level, own.division.name, own.division.code)
    for form in sorted(forms, key=len, reverse=True):
        if form == own.division.short and is_common_word(form) and word_tag(form) != "ns":
            continue
        for k in (m.start() for m in re.finditer(re.escape(form), text)):
            b = k + len(form)
            if k in starts and b in ends and not text.startswith(_TOWN_AFTER, b) \
                    and not any(x.start < b and k < x.end for x in out):
                out.append(_m(sent.start, sent, k, b, cls, OWN_RULE, 0.85, label=own.division.name))
    return out


def _with_own_place(sent: Sentence, found: list[Mention], own: OwnPlace) -> list[Mention]:
    """A sentence's candidates with the mentions of the report's own place, and its bodies written after the place's
    short form (科左中旗人民政府) taken whole, labelled with the full name (科尔沁左翼中旗人民政府)."""
    places = own_place_mentions(sent, own)
    if not places:
        return found
    out = []
    for m in found:
        if m.rule == "pattern:place+body":
            p = next((p for p in places if p.start < m.start < p.end), None)
            if p is not None:
                label = own.division.name + m.text[p.end - m.start:]
                m = Mention(sent.text[p.start - sent.start:m.end - sent.start], p.start, m.end, m.cls, m.rule,
                            m.confidence, label=label, sentence=m.sentence)
        out.append(m)
    return out + places


def _original(text: str, stext: str, m: Mention) -> Mention:
    """A mention found in the simplified view, written back with the document's own characters."""
    from dataclasses import replace

    label, span = m.label, stext[m.start:m.end]
    if label and label == _clean(span):
        label = _clean(text[m.start:m.end])
    elif label and label in span:  # a title without its 《》
        k = m.start + span.index(label)
        label = text[k:k + len(label)]
    return replace(m, text=text[m.start:m.end], label=label)
