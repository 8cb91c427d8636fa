"""Entities → typed relations with evidence: sentence patterns of Chinese policy language, the gazetteer
hierarchy, and same-sentence co-occurrence (relatedTo, the weaker layer). Every relation carries its sentence,
offsets, rule, confidence, status and year.

The patterns read generic report language only (在X领导下, X入选Y, 与X签订…协议, 联合X, X延伸至A, X落户, A、B等X产业
集群 …). A clause without a subject (与某某研究院签订战略合作协议) takes the report's own place as subject, as a
report's sentences do.

Long because every pattern reads the same sentence views (subjects, coordinated lists, adverbials, the report's
own place) and the status/year cues of a clause; each pattern is one function over a SentenceView."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import combinations

from graph.extract.model import Entity, Relation
from graph.text.model import Document, Sentence
from ontology import top_class

# ---------------------------------------------------------------- status and year

# verb cues of a clause: done (建成, 通车 …), still under way (推进, 加快 …), not yet begun (将, 力争 …)
DONE_CUES = ("建成", "通车", "完成", "签约", "签订", "签署", "入选", "获评", "获批", "投用", "投运", "投产", "开放",
             "贯通", "落户", "实现", "创建", "通过", "完工", "竣工", "开工", "启动", "荣获", "荣登", "跻身", "入列",
             "入围", "成功", "举办", "开通", "启用", "清零", "出台", "制定", "印发", "引进", "新增", "累计", "改造",
             "评为", "获得", "达到", "取得", "开园", "交付")
ONGOING_CUES = ("推进", "加快", "加速", "正在", "稳步", "持续", "深化", "即将", "有望", "着力", "不断", "逐步",
                "加紧", "打造", "推动", "提速", "起势", "深入")
PLAN_CUES = ("将", "力争", "计划", "拟", "争取", "谋划", "确保", "目标", "预期", "下一步", "今后")
_WILL = re.compile(r"将(?![来军])")


def clause_bounds(text: str, pos: int) -> tuple[int, int]:
    """The clause [start, end) of text around a position, cut at commas, semicolons and colons."""
    if 0 <= pos <= len(text):
        breaks = _clause_breaks(text)
        i = bisect_left(breaks, pos)
        return (breaks[i - 1] + 1 if i else 0), (breaks[i] if i < len(breaks) else len(text))
    left = max(text.rfind(c, 0, pos) for c in CLAUSE_BREAKS) + 1
    rights = [i for i in (text.find(c, pos) for c in CLAUSE_BREAKS) if i != -1]
    return left, min(rights) if rights else len(text)


@lru_cache(maxsize=8192)
def _clause_breaks(text: str) -> list[int]:
    """Offsets of the clause breaks of a sentence, found once per sentence rather than once per span."""
    return [m.start() for m in _CLAUSE_BREAK.finditer(text)]


def _has(clause: str, cues: tuple[str, ...]) -> bool:
    """True if the clause holds one of the cues (将 only as the future marker, not in 将来 or 即将)."""
    if "将" in cues and _WILL.search(clause.replace("即将", "")):
        return True
    return _cue_pattern(cues).search(clause) is not None


@lru_cache(maxsize=16)
def _cue_pattern(cues: tuple[str, ...]) -> re.Pattern:
    """Any cue but 将, as one pattern: one search per clause instead of one substring test per cue."""
    return re.compile("|".join(re.escape(c) for c in cues if c != "将") or "(?!)")


def fact_context(doc: Document, start: int, end: int) -> tuple[str | None, int | None]:
    """Status and year of a span: the section it sits in (a past year's review, a coming year's plan), refined by
    the verb cues of its clause (建成 → completed, 加快推进 → ongoing, 将/力争 → planned)."""
    s = doc.sentence_at(start)
    if s is None:
        return None, None
    a, b = clause_bounds(s.text, start - s.start)
    return _status(s.status, s.text[a:b]), _year(s, start - s.start)


@lru_cache(maxsize=65536)
def _status(section: str | None, clause: str) -> str | None:
    """A clause's status inside a section whose status is known (or not): a plan stays planned; a review's
    clause is completed unless it says the work is still under way or yet to come."""
    if section == "planned":
        return "planned"
    soon = any(c in clause for c in ("即将", "有望", "正在"))
    if _has(clause, PLAN_CUES) and not soon:
        return "planned"
    done = _has(clause, DONE_CUES)
    if soon or (_has(clause, ONGOING_CUES) and not done):
        return "ongoing"
    if done:
        return "completed"
    return section


_FACT_YEAR = re.compile(r"(?<![\d较比是于])((?:19|20)\d{2})年(?![的以底末初])")


def _year(s: Sentence, pos: int) -> int | None:
    """The year a fact refers to: a year named before it in its sentence (2023年, 入选2023年…), else the section's."""
    # a year qualifies when it starts by pos + 1, so it ends (and its lookahead looks) before pos + 8: searching
    # the whole sentence once finds the same years as searching s.text[:pos + 8] for every span
    starts, years = _sentence_years(s.text)
    i = bisect_right(starts, pos + 1)
    return years[i - 1] if i else s.year


@lru_cache(maxsize=8192)
def _sentence_years(text: str) -> tuple[list[int], list[int]]:
    """Where each year of a sentence starts, and the year."""
    found = list(_FACT_YEAR.finditer(text))
    return [m.start() for m in found], [int(m.group(1)) for m in found]


# ---------------------------------------------------------------- sentence views

CLAUSE_BREAKS = "，,；;。：:！？!?"
_CLAUSE_BREAK = re.compile("[" + re.escape(CLAUSE_BREAKS) + "]")
SUBJECT_TYPES = ("Place", "Agency", "Organization", "Project", "Initiative", "Sector")
ACTOR_TYPES = ("Place", "Agency", "Organization")
LIST_SEPARATORS = ("、", "和", "及", "以及", "")
# words a report uses for its own place or government: 全区上下将坚持…, 我县…
SELF_REFERENCES = ("全区上下", "全县上下", "全市上下", "全镇上下", "全区", "全县", "全市", "全镇", "我区", "我县",
                   "我市", "我镇", "本区", "本县", "本市", "我们")
# adverbs and time words that may stand before a verb in a clause without a subject
ADVERBS = tuple(sorted(set(
    "全面 全部 基本 如期 顺利 加速 加快 稳步 扎实 持续 深入 积极 大力 着力 切实 认真 努力 全力 进一步 不断 逐步 有序 "
    "率先 首次 再次 先后 相继 均 都 也 还 已 已经 正式 成功 连续 累计 分别 同比 共 全年 今年 去年 当年 一年来 五年来 "
    "过去一年 始终 紧紧 主动 高标准 高质量 深度 重点 统筹 科学 严格 有效 稳妥 快速 优先 同时 此外 另外 并 又 再 "
    "首批 一举 荣幸 相继 以来 目前 现已 已于 年内 年底前 年底 年初 上半年 下半年 前三季度 五年 三年 两年 一批 "
    "被 获 新 更 大幅 全力以赴 坚定不移 奋力 合力 集中 精准 充分 深度 系统 协同 差异化 高水平 扎扎实实 "
    "实打实 真抓实干 分类 依法 不折不扣 强力 纵深 忠实 牢牢 高效 坚决 全方位 多渠道 因地制宜 坚定 完整准确 "
    "初步 毫不动摇 持之以恒 久久为功 常态化 常态长效 长效 动态 全域 全链条 全流程 全过程 在全省率先 在全市率先 全省率先 "
    "全市率先 率先全省 率先全市 率先在全省 率先在全市 创造性 创新性 高位 迅速 及时 提前 超额 精心 用心 倾力 加力 提速 大胆"
    .split()), key=len, reverse=True))
_TIME_PREFIX = re.compile(r"(?:(?:19|20)\d{2}年(?:[上下]半年|前三季度|底|以来)?|[一二三四五六七八九十两\d]+(?:年|届|次|个季度|批)"
                          r"|\d{1,2}月(?:\d{1,2}日)?(?:上午|下午)?|[\s“”\"'（）()]+)")


@dataclass(frozen=True)
class Span:
    """One entity mention in a sentence, offsets relative to the sentence text."""

    entity: Entity
    start: int
    end: int

    @cached_property
    def type(self) -> str:
        return top_class(self.entity.cls)


@dataclass
class SentenceView:
    """A sentence with its mentions (outermost first), the report's own place, and relation builders."""

    doc: Document
    sentence: Sentence
    spans: list[Span]
    nested: list[Span]
    home: Entity | None
    index: dict[int, list[tuple[Entity, int, int]]] = field(default_factory=dict)
    out: list[Relation] = field(default_factory=list)
    document_memo: dict = field(default_factory=dict)  # shared by a document's views: what is computed once per doc

    @property
    def text(self) -> str:
        return self.sentence.text

    def between(self, a: int, b: int) -> str:
        return self.text[a:b] if a <= b else ""

    def spans_in(self, a: int, b: int, types: tuple[str, ...] = SUBJECT_TYPES) -> list[Span]:
        """Outermost spans inside [a, b) of the given top classes."""
        return [s for s in self.spans if a <= s.start and s.end <= b and s.type in types]

    def span_starting(self, pos: int, types: tuple[str, ...] = SUBJECT_TYPES) -> Span | None:
        return next((s for s in self.spans if s.start == pos and s.type in types), None)

    def clause_bounds(self, pos: int) -> tuple[int, int]:
        return clause_bounds(self.text, pos)

    def add(self, subj: Entity, pred: str, obj: Entity, rule: str, conf: float, at: int) -> None:
        """Record one relation read at sentence position `at` (status and year come from that clause)."""
        if subj.key == obj.key:
            return
        s = self.sentence
        status, year = fact_context(self.doc, s.start + at, s.start + at + 1)
        self.out.append(Relation(subj.key, pred, obj.key, self.doc.name, s.index, s.text, s.start, s.end, rule,
                                 conf, status, year))


def _spans_by_sentence(entities: list[Entity]) -> dict[int, list[tuple[Entity, int, int]]]:
    out: dict[int, list[tuple[Entity, int, int]]] = defaultdict(list)
    for e in entities:
        if top_class(e.cls) == "Indicator":
            continue
        for m in e.mentions:
            out[m.sentence].append((e, m.start, m.end))
    return out


def _outermost(spans: list[Span]) -> tuple[list[Span], list[Span]]:
    """Split spans into the outermost ones (not inside another; overlaps keep the longer) and the nested rest."""
    ordered = sorted(spans, key=lambda s: (s.start, -(s.end - s.start), -s.entity.confidence, s.entity.key))
    outer: list[Span] = []
    nested: list[Span] = []
    for s in ordered:
        if outer and s.start < outer[-1].end:
            nested.append(s)
            continue
        outer.append(s)
    return outer, nested


def sentence_views(doc: Document, entities: list[Entity], home: Entity | None = None) -> list[SentenceView]:
    """One view per sentence that names at least one entity (home: the report's place, when already known)."""
    home = home or home_place(entities, doc)
    index = _spans_by_sentence(entities)
    memo: dict = {}
    views = []
    for idx, items in sorted(index.items()):
        if not 0 <= idx < len(doc.sentences):
            continue
        sent = doc.sentences[idx]
        spans = list({(e.key, a, b): Span(e, a - sent.start, b - sent.start) for e, a, b in items}.values())
        outer, nested = _outermost(spans)
        views.append(SentenceView(doc, sent, outer, nested, home, index, document_memo=memo))
    return views


# ---------------------------------------------------------------- the report's own place and clause subjects

def _is_county_level(e: Entity) -> bool:
    if e.code and len(e.code) == 6:
        return e.code[2:4] != "00" and e.code[4:6] != "00"
    return e.cls in ("District", "County")


def home_place(entities: list[Entity], doc: Document | None = None) -> Entity | None:
    """The report's own place: the place its header names (在X第N届人民代表大会, X县长, 我代表X人民政府, X政府工作报告)
    when the document is given and has one, and no other (None if the header's place was not extracted). Without a
    header: the coded county-level place named most often on its own or through its bodies (区委, 县政府 …), else such
    a prefecture-level city, else an uncoded county or district; None when no place is named at least twice (then
    subjectless clauses get no subject rather than a wrong one). A province is an own place only by its header."""
    places = [e for e in entities if top_class(e.cls) == "Place" and e.mentions]
    if doc is not None:
        from graph.extract.own_place import own_division

        header = own_division(doc.text)
        if header is not None:
            return next((e for e in places if e.code == header.code), None)
    spans = sorted((m.start, m.end, e.key) for e in entities if top_class(e.cls) != "Indicator" for m in e.mentions)
    starts = [a for a, _, _ in spans]
    longest = max((b - a for a, b, _ in spans), default=0)
    bodies: dict[str, int] = defaultdict(int)
    for e in entities:
        if top_class(e.cls) == "Agency" and e.code:
            bodies[e.code] += len(e.mentions)

    def inside_longer(m, key: str) -> bool:
        # a span holding m starts at most `longest` before m: only those starts are looked at
        near = spans[bisect_left(starts, min(m.start, m.end) - longest):bisect_right(starts, m.start)]
        return any(k != key and a <= m.start and m.end <= b and b - a > m.end - m.start for a, b, k in near)

    def weight(e: Entity) -> int:
        alone = sum(not inside_longer(m, e.key) for m in e.mentions)
        return alone + (bodies.get(e.code, 0) if e.code else 0)

    tiers = (lambda e: bool(e.code) and _is_county_level(e),
             lambda e: bool(e.code and len(e.code) == 6 and e.code[2:4] != "00" and e.code[4:] == "00"),
             lambda e: not e.code and _is_county_level(e))
    for pick in tiers:
        cands = [(weight(e), -e.mentions[0].start, e) for e in places if pick(e)]
        cands = [c for c in cands if c[0] >= 2]
        if cands:
            return max(cands, key=lambda c: (c[0], c[1]))[2]
    return None


@lru_cache(maxsize=4096)
def adverbial_length(text: str) -> int:
    """How many leading characters of text are adverbs, time words or numbers of years (a subjectless opening)."""
    pos = 0
    while pos < len(text):
        m = _TIME_PREFIX.match(text, pos)
        if m and m.end() > pos:
            pos = m.end()
            continue
        word = next((w for w in ADVERBS if text.startswith(w, pos)), None)
        if word is None:
            word = _adverb_word(text[pos:])
        if not word:
            break
        pos += len(word)
    return pos


def _adverb_word(text: str) -> str:
    """The first dictionary word of text if the dictionary tags it an adverb or time word (纵深, 牢牢), and it is
    not one of the verbs the patterns read."""
    from graph.extract.words import tokens, word_tag

    toks = tokens(text[:8])
    if not toks:
        return ""
    word = toks[0][0]
    verbs = IMPLEMENT_VERBS + CONTRIBUTE_VERBS + RECOGNITION_TRIGGERS + SETTLE_VERBS + CONNECT_VERBS
    return word if (word_tag(word) or "") in ("d", "ad", "vd", "t") and word not in verbs else ""


def is_adverbial(text: str) -> bool:
    """True if text holds nothing but adverbs and time words (so its clause has no subject of its own)."""
    return adverbial_length(text) == len(text)


def coordinated(view: SentenceView, first: Span, types: tuple[str, ...] = SUBJECT_TYPES,
                separators: tuple[str, ...] = LIST_SEPARATORS) -> list[Span]:
    """The list of spans starting at `first` and joined by 、/和/及: 庙岭镇、华容镇 → both."""
    group = [first]
    for s in view.spans:
        if s.start < group[-1].end:
            continue
        if s.type in types and view.between(group[-1].end, s.start) in separators:
            group.append(s)
        else:
            break
    return group


def coordinated_before(view: SentenceView, last: Span, types: tuple[str, ...] = SUBJECT_TYPES,
                       separators: tuple[str, ...] = ("、", "和", "及", "以及")) -> list[Span]:
    """The list of spans that ends at `last`, read backwards: 青湖、白湖 → both."""
    group = [last]
    for s in reversed(view.spans):
        if s.end > group[0].start:
            continue
        if s.type in types and view.between(s.end, group[0].start) in separators:
            group.insert(0, s)
        else:
            break
    return group


def _head_subject(view: SentenceView, start: int, stop: int) -> tuple[str, list[Entity]]:
    """What opens the stretch [start, stop): ('entity', group), ('self', []) for 全区/我县…, ('none', []) when only
    adverbs precede the verb, ('other', []) when some other noun is the subject."""
    text = view.text
    pos = start + adverbial_length(text[start:stop])
    named = next((s.start for s in view.spans if start <= s.start < pos), None)
    if named is not None and is_adverbial(text[start:named]):  # 大足高新区: a name, though 大足 reads as an adverb
        pos = named
    ref = next((r for r in SELF_REFERENCES if text.startswith(r, pos) and pos + len(r) <= stop), None)
    if ref:
        return ("other" if _qualifies_a_noun(text[pos + len(ref):stop]) else "self"), []
    first = view.span_starting(pos)
    if first is not None and first.end <= stop:
        return "entity", [s.entity for s in coordinated(view, first)]
    if pos >= stop:
        return "none", []
    return "other", []


def _qualifies_a_noun(rest: str) -> bool:
    """True when what stands between a self-reference and its verb ends with a noun the reference qualifies
    (我县殡葬改革模式入选…: the model, not the county, is the subject)."""
    from graph.extract.words import tokens, word_tag

    if not rest or is_adverbial(rest):
        return False
    toks = tokens(rest[-8:])
    return bool(toks) and (word_tag(toks[-1][0]) or "").startswith("n")


def _is_modifier(view: SentenceView, group: list[Entity], pos: int) -> bool:
    """True when a place opening the clause only qualifies the noun after it (青山茶叶入选 …: the tea, not 青山)."""
    from graph.extract.words import tokens, word_tag

    if any(top_class(e.cls) != "Place" for e in group):
        return False
    last = max((s for s in view.spans if s.entity.key == group[-1].key and s.start < pos), key=lambda s: s.start,
               default=None)
    if last is None:
        return False
    rest = view.text[last.end:pos]
    if not rest or is_adverbial(rest):
        return False
    first = tokens(rest)[0][0]
    return first not in ADVERBS and (word_tag(first) or "").startswith("n")


def _ends_with_others(view: SentenceView, group: list[Entity], stop: int) -> bool:
    """True when a clause's subject is a counted set the group only exemplifies (万达光电等30个项目投产), which
    does not carry over to the clauses after it."""
    last = max((s.end for s in view.spans if s.entity.key == group[-1].key and s.end <= stop), default=None)
    return last is not None and view.text.startswith("等", last)


def subject_at(view: SentenceView, pos: int, carry: tuple[str, ...] = SUBJECT_TYPES) -> list[Entity]:
    """The subject of the verb at `pos`: an entity list opening its clause (or an earlier clause of the sentence
    whose subject carries over), the report's own place for a clause with no subject, else nothing.
    `carry`: the top classes an earlier clause's subject must have to carry over (加快X项目建设,开展Y: the project
    opens its clause as the thing built, and does not carry out Y)."""
    cs, _ = view.clause_bounds(pos)
    kind, group = _head_subject(view, cs, pos)
    if kind == "entity":
        return [] if _is_modifier(view, group, pos) else group
    if kind == "other":
        return []
    # subjectless: carry the subject of an earlier clause of the same sentence, else the report's place
    carried: list[Entity] | None = None
    start = 0
    while start < cs:
        _, end = view.clause_bounds(start)
        k, g = _head_subject(view, start, end)
        if k == "entity" and not _ends_with_others(view, g, end):
            carried = g if all(top_class(e.cls) in carry for e in g) else None
        elif k == "self":
            carried = None
        start = end + 1
    if carried:
        return carried
    return [view.home] if view.home is not None else []


# ---------------------------------------------------------------- patterns

def _triggers(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of any trigger word (longest first)."""
    return [(m.start(), m.end()) for m in _trigger_pattern(words).finditer(text)]


@lru_cache(maxsize=64)
def _trigger_pattern(words: tuple[str, ...]) -> re.Pattern:
    """The alternation of trigger words, built once per word list instead of once per sentence."""
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


_LEADS = re.compile(r"在((?:(?!在)[^，,。；;：:]){1,40}?)的?(?:坚强|正确|统一|直接|亲切|全面)?领导下[，,]?")


_UNDER = re.compile(r"在[^，,。；;：:]{1,40}?下[，,]")


def leads_pattern(view: SentenceView) -> None:
    """在X、Y和Z(的坚强)领导下, (在…监督支持下,) W …: each of X, Y, Z leads W (W: the subject named after the
    在…下 phrases, else the clause's subject, an earlier clause's, or the report's place)."""
    text = view.text
    for m in _LEADS.finditer(text):
        leaders = view.spans_in(m.start(1), m.end(1), ("Agency",))
        if not leaders:
            continue
        after = m.end()
        while (u := _UNDER.match(text, after)) is not None:  # 在区人大、区政协的监督支持下, 在全县人民的共同努力下
            after = u.end()
        after += adverbial_length(text[after:after + 12])
        led = view.span_starting(after, ("Agency", "Place", "Organization"))
        if led is not None:  # 在市委领导下,华容区委…
            targets = [s.entity for s in coordinated(view, led, ("Agency", "Place", "Organization"))]
        else:  # 县政府…,在县委的领导下,… or no subject at all
            targets = subject_at(view, m.start())
        for a in leaders:
            for b in targets:
                view.add(a.entity, "leads", b, "pattern:在X领导下Y", 0.85, m.start())


RECOGNITION_TRIGGERS = ("入选", "获评", "获批", "荣获", "被评为", "评为", "被命名为", "命名为", "被列为", "列为", "列入",
                        "入列", "入围", "荣登", "跻身", "成为", "获得", "被授予", "授予", "被确定为", "确定为", "创成",
                        "成功创建", "通过", "获")
# a place in a ranking is recognised by the list it ranks in: 位列全国百强县第32位, 在X百强县排名第68位
RANKING_TRIGGERS = ("位列", "位居", "稳居", "名列", "居")
# what is ranked when a clause opens with it is the place itself: 县域综合实力位居…, 经济总量居…
_ATTRIBUTE_HEAD = re.compile(r"(?:县域|区域|城市|全县|全区|全市|经济)?(?:综合)?(?:实力|竞争力|总量|排名|水平|指数)")
_RANK_AFTER = re.compile(r"^(?:第[一二三四五六七八九十百\d]+(?:位|名)|前[一二三四五六七八九十百\d]+(?:位|名|强)?)")
_RANKED_IN = re.compile(r"^(?:中)?(?:排名|排|列|位列|位居)第[一二三四五六七八九十百\d]+(?:位|名)")
# what an earlier clause's subject must be to carry over to a recognition (“十二五”规划开局良好,荣获…: not the plan)
RECOGNISED = ("Place", "Agency", "Organization", "Project")
_COUNTED = re.compile(r"^[\d一二三四五六七八九十两百]+(?:个|家|项|所|处|条|座|户)")
_AWARD_GAP = re.compile(r"[^，,；;。：:！？!?]{0,16}")


def recognition_pattern(view: SentenceView) -> None:
    """X(连续三年)入选/获评/获批/位列 Y(、Z): each subject is recognised as each recognition of the list; A、B分别
    入选X、Y pairs them in order; no subject in the clause → the report's place."""
    text = view.text
    recs = [s for s in view.spans if s.type == "Recognition"]
    if not recs:
        return
    taken: set[int] = set()
    for a, b in _triggers(text, RECOGNITION_TRIGGERS + RANKING_TRIGGERS):
        _, ce = view.clause_bounds(a)
        group = _recognitions_after(view, recs, b, ce, ranking=text[a:b] in RANKING_TRIGGERS)
        group = [r for r in group if r.start not in taken]
        if not group:
            continue
        taken.update(r.start for r in group)
        subjects = [e for e in subject_at(view, a, RECOGNISED) if top_class(e.cls) in SUBJECT_TYPES]
        cs, _ = view.clause_bounds(a)
        if cs == 0 and _head_subject(view, 0, a)[0] == "none":  # 青山园区实现…。成功入选…: the paragraph goes on
            subjects = _previous_topic(view) or subjects
        if not subjects and text[a:b] in RANKING_TRIGGERS and _ATTRIBUTE_HEAD.fullmatch(text[cs:a]):
            subjects = subject_at(view, cs)
        pairs = [(x, r) for x in subjects for r in group]
        if len(subjects) == len(group) > 1 and "分别" in text[max(0, a - 4):a]:  # A、B分别入选X、Y
            pairs = list(zip(subjects, group))
        for subj, r in pairs:
            view.add(subj, "recognizedAs", r.entity, "pattern:X入选Y", 0.85, a)
    for r in recs:  # 在X百强县排名第68位
        if r.start not in taken and text.endswith("在", 0, r.start) and _RANKED_IN.match(text[r.end:]):
            for subj in subject_at(view, r.start - 1):
                if top_class(subj.cls) in SUBJECT_TYPES:
                    view.add(subj, "recognizedAs", r.entity, "pattern:在X排名第N", 0.8, r.start - 1)


def _previous_topic(view: SentenceView) -> list[Entity]:
    """The places or organizations (not the report's own place) that open the sentence before this one in the same
    paragraph, which a sentence with no subject of its own goes on about (青山园区实现…。成功入选…)."""
    sentences = view.doc.sentences
    i = view.sentence.index - 1
    while i > 0 and sentences[i - 1].text.rstrip().endswith(("；", ";")):
        i -= 1  # the sentence before may run over semicolons: its opening part names its topic
    if i < 0 or i not in view.index:
        return []
    prev = sentences[i]
    between = view.doc.text[prev.start:view.sentence.start]
    if "\n" in between or _triggers(between, RECOGNITION_TRIGGERS):
        return []  # 庙岭镇入选A。入选B。: a list of titles, the second the report's place's
    spans = list({(e.key, a, b): Span(e, a - prev.start, b - prev.start) for e, a, b in view.index[i]}.values())
    outer, nested = _outermost(spans)
    pv = SentenceView(view.doc, prev, outer, nested, view.home, view.index, document_memo=view.document_memo)
    _, end = pv.clause_bounds(0)
    kind, group = _head_subject(pv, 0, end)
    if kind != "entity" or _is_modifier(pv, group, end) or _ends_with_others(pv, group, end) or any(
            e is view.home or top_class(e.cls) not in ("Place", "Organization") for e in group):
        return []
    return group


def _recognitions_after(view: SentenceView, recs: list[Span], b: int, ce: int, ranking: bool) -> list[Span]:
    """The recognitions a trigger ending at b names in its clause: the first within a few words (首批, 2022年度…),
    then those listed after it (、全省首批Z / 和W / 第14位、V); none once another name or verb comes between, and
    none counted (创成省级绿色港口4个: the harbours, not the subject, are recognised; but 荣获X奖2个)."""
    text = view.text
    out: list[Span] = []
    last = b
    for r in recs:
        if r.start < b or r.end > ce:
            continue
        gap = text[last:r.start]
        if not _AWARD_GAP.fullmatch(gap) or any(last <= s.start and s.end <= r.start for s in view.spans
                                                if s.type != "Recognition"):
            break
        if out and _triggers(gap, RECOGNITION_TRIGGERS):
            break
        counted = _COUNTED.match(text[r.end:]) and not r.entity.label.endswith("奖")
        if counted or (ranking and not _RANK_AFTER.match(text[r.end:])):
            break
        out.append(r)
        last = r.end
    return out


COOPERATION_CUES = ("签订", "签署", "签约", "合作", "共建", "联建", "联合", "联防联控", "携手", "结对", "协议", "协作",
                    "共同", "联动", "对口", "对接")
_NOT_WITH = ("参", "给", "赋", "授", "相", "干")


def cooperation_pattern(view: SentenceView) -> None:
    """与X(及Y)签订…协议 / 与X联防联控 / 联合X / 携手X: the clause's subject (or the report's place) cooperatesWith X."""
    text = view.text
    for m in re.finditer(r"与|同|联合|携手", text):
        if m.group() == "与" and m.start() > 0 and text[m.start() - 1] in _NOT_WITH:
            continue
        if m.group() == "联合" and text[m.end():m.end() + 1] in ("国", "会", "体", "社"):
            continue
        first = view.span_starting(m.end(), ACTOR_TYPES)
        if first is None:
            continue
        partners = coordinated(view, first, ACTOR_TYPES, ("、", "和", "及", "以及", "与"))
        _, ce = view.clause_bounds(m.end())
        rest = text[partners[-1].end:ce]
        if m.group() in ("与", "同") and not any(c in rest for c in COOPERATION_CUES):
            continue
        for subj in subject_at(view, m.start()):
            if top_class(subj.cls) in ACTOR_TYPES:
                for p in partners:
                    view.add(subj, "cooperatesWith", p.entity, f"pattern:{m.group()}X合作", 0.8, m.start())


CONNECT_VERBS = ("延伸至", "延伸到", "延长至", "通达", "直达", "连通", "连接", "联通", "贯通至", "开通至", "通往", "接入",
                 "串联")


def connection_pattern(view: SentenceView) -> None:
    """X延伸至A / X连通A与B / 连通A与B的X: a road, line or bridge X connects the places."""
    text = view.text
    for a, b in _triggers(text, CONNECT_VERBS):
        places_after = []
        first = next((s for s in view.spans if s.start == b and s.type == "Place"), None)
        if first is not None:
            places_after = coordinated(view, first, ("Place",), ("、", "和", "与", "及", "以及", ""))
        projects = [s for s in view.spans if s.type == "Project" and s.end <= a and len(text[s.end:a]) <= 2
                    and re.fullmatch(r"[^，,；;。]*", text[s.end:a])]
        if projects and places_after:
            for p in places_after:
                view.add(projects[-1].entity, "connects", p.entity, "pattern:X延伸至A", 0.8, a)
        # 连通A与B的X、Y
        if places_after and text.startswith("的", places_after[-1].end):
            nxt = view.span_starting(places_after[-1].end + 1, ("Project",))
            if nxt is not None:
                for road in coordinated(view, nxt, ("Project",), ("、", "和", "及")):
                    for p in places_after:
                        view.add(road.entity, "connects", p.entity, "pattern:连通A的X", 0.8, a)


SETTLE_VERBS = ("落户", "落地", "入驻", "选址")
# verbs that bring a project or company in, named after them: 引进A、B等企业, 引进落地A项目
INTRODUCE_VERBS = ("引进落地", "招引落地", "引进", "引入", "招引")
# verbs of a project that starts or runs somewhere: 青山园区,A、B等项目开工
START_VERBS = ("开工", "投产", "落户", "落地", "入驻", "建成", "开业", "竣工", "达产", "投用", "签约")
_START = re.compile("|".join(START_VERBS))
_BUILD_AT = re.compile(r"(?:在|于|位于)$")
_COUNT_OPENS = re.compile(r"(?:首批|第[一二三四五六七八九十]+批)?[\d一二三四五六七八九十两百]+(?:个|家|项)")
MOVABLE = ("Project", "Organization")


def location_pattern(view: SentenceView) -> None:
    """X落户(A) / 引进X / 在A建设X / A、B X项目 / 园区,X等项目开工: a project or organization is located in a
    place."""
    text = view.text
    for a, b in _triggers(text, SETTLE_VERBS):
        cs, _ = view.clause_bounds(a)
        place = view.span_starting(b + (1 if text.startswith(("在", "于"), b) else 0), ("Place",))
        things = [s for s in view.spans if cs <= s.start and s.end <= a and s.type in MOVABLE]
        if not things:
            continue
        gap = text[things[-1].end:a]
        if _COUNT_OPENS.match(gap) or (re.search(r"\d", gap) and not gap.startswith("等")):
            continue  # 某某中心首批10个项目落地 / 某园区3万平方米标房入驻: what settles is not the name
        group = coordinated_before(view, things[-1], MOVABLE)
        park = _park_named_before(view, a) if place is None and text.startswith(_PARK_WORDS, b) else None
        if park is not None:  # 引进A、B等20户企业入驻园区: the park the paragraph has named
            group = [x for x in things if x.type == "Organization"] or group
        target = place.entity if place is not None else park or _home_unless_named(view, group)
        if target is not None:
            for s in group:
                view.add(s.entity, "locatedIn", target, "pattern:X落户A", 0.75, a)
    # 引进(落地)A、B等一批项目: in the place the clause is about (金鳞湖北岸…,引进落地A), else the report's place
    for a, b in _triggers(text, INTRODUCE_VERBS):
        first = view.span_starting(b, MOVABLE)
        if first is None:
            continue
        group = coordinated(view, first, MOVABLE, ("、", "和", "及", "以及"))
        places = [e for e in subject_at(view, a, ("Place",)) if top_class(e.cls) == "Place"]
        for target in places or [_home_unless_named(view, group)]:
            for t in group if target is not None else ():
                view.add(t.entity, "locatedIn", target, "pattern:引进X", 0.75, a)
    _topic_location(view)
    # 某某经开区某某半导体项目投产: a project named right after the zone it is in (a zone, not a park being built:
    # what something is located in is a place)
    for prev, s in zip(view.spans, view.spans[1:]):
        if prev.end == s.start and s.type == "Project" and prev.entity.cls == "DevelopmentZone":
            view.add(s.entity, "locatedIn", prev.entity, "pattern:园区X项目", 0.75, s.start)
    # 在A(新)建(设)X
    for s in view.spans:
        if s.type != "Place" or not _BUILD_AT.search(text[max(0, s.start - 2):s.start]):
            continue
        m = re.match(r"(?:新建|建设|建成|开工建设|布局|打造|设立|建立|落地|投资建设|启动建设)", text[s.end:])
        if not m:
            continue
        nxt = view.span_starting(s.end + m.end(), MOVABLE)
        if nxt is not None:
            for t in coordinated(view, nxt, MOVABLE, ("、", "和", "及")):
                view.add(t.entity, "locatedIn", s.entity, "pattern:在A建设X", 0.8, s.start)
    # 青湖、白湖水质提升及生态修复项目: places listed right before a project named after the last of them; a site
    # that opens a project's name (某某遗址修缮, 某某港…码头三期) is where the works are, though named nowhere else
    for s in view.spans:
        if s.type != "Project":
            continue
        places, _ = _places_before(view, s)
        lead = _leading_nested(view, s, ("Place",)) or next(
            (n for n in view.nested if n.start == s.start and n.end < s.end and _a_site(n.entity)), None)
        if lead is not None and any(n.start == s.start and lead.end < n.end < s.end and n.type == "Organization"
                                    for n in view.nested):
            lead = None  # 武汉大学长三角…中心: the place names the university that opens the name, not the project
        if lead is not None and lead.entity not in places and view.text[lead.end:lead.end + 1] not in "—-－":
            places.append(lead.entity)
        for p in places:
            if p.cls not in ("River", "Mountain", "NaturalFeature") or _a_site(p):
                view.add(s.entity, "locatedIn", p, "pattern:A、BX项目", 0.75, s.start)


def _a_site(e: Entity) -> bool:
    """A place works are done on or in, though named only inside their name: a site, a port, an airport, a station,
    an island (某某遗址修缮, 某某港码头三期, 某某岛生态修复工程)."""
    return e.cls in ("Venue", "Port", "Airport", "Station") or e.cls == "NaturalFeature" and e.label.endswith("岛")


# The words a report uses for a park it has just named (入驻园区, 落户开发区).
_PARK_WORDS = ("园区", "产业园", "工业园", "开发区", "高新区", "经开区")


def _park_named_before(view: SentenceView, pos: int) -> Entity | None:
    """The last park or zone named before `pos` in the sentence or in the sentences before it in its paragraph."""
    def park(e: Entity) -> bool:
        return e.cls == "DevelopmentZone"  # a park typed as a project (being built) is no place to be located in

    here = [s.entity for s in view.spans + view.nested if s.end <= pos and park(s.entity)]
    if here:
        return here[-1]
    sentences = view.doc.sentences
    i = view.sentence.index - 1
    while i >= 0 and "\n" not in view.doc.text[sentences[i].end:sentences[i + 1].start]:
        found = sorted(((a, e) for e, a, _ in view.index.get(i, ()) if park(e)), key=lambda x: x[0])
        if found:
            return found[-1][1]
        i -= 1
    return None


def _home_unless_named(view: SentenceView, group: list[Span]) -> Entity | None:
    """The report's place as where a list of things settles, unless a name of the list says another place
    (武汉大学长三角科技创新中心…落地: the name tells where)."""
    places = [form for form, _ in _standalone_places(view)]
    if any(form in s.entity.label for s in group for form in places) or any(
            n.type == "Place" and any(s.start <= n.start and n.end <= s.end for s in group) for n in view.nested):
        return None
    return view.home


def _topic_location(view: SentenceView) -> None:
    """青山园区,A、B等17个项目开工,C项目投产: a place that opens the sentence as its topic (not the report's own
    place) is where the projects and companies opening its later clauses start, settle or run."""
    text = view.text
    _, first_end = view.clause_bounds(0)
    kind, topic = _head_subject(view, 0, first_end)
    if kind != "entity" or any(top_class(e.cls) != "Place" or e is view.home for e in topic):
        return
    start = first_end + 1
    while start < len(text):
        _, end = view.clause_bounds(start)
        k, group = _head_subject(view, start, end)
        if k == "entity" and all(top_class(e.cls) in MOVABLE for e in group) and _START.search(text, start, end):
            for thing in group:
                for place in topic:
                    view.add(thing, "locatedIn", place, "pattern:园区,X开工", 0.7, start)
        start = end + 1


def _leading_nested(view: SentenceView, outer: Span, types: tuple[str, ...]) -> Span | None:
    """A mention that opens a longer name (白湖 in 白湖水质提升及生态修复项目)."""
    return next((n for n in view.nested if n.start == outer.start and n.end < outer.end and n.type in types
                 and _independent(view, n.entity)), None)


def _independent(view: SentenceView, e: Entity) -> bool:
    """True if the entity is a known place (coded) or named somewhere on its own, not only inside longer names.
    Once per entity and document: the answer reads every mention of the entity, and a sentence repeated ten
    thousand times would otherwise ask it ten thousand times over (quadratic in the document's length)."""
    if e.code:
        return True
    memo = view.document_memo.setdefault("independent", {})
    found = memo.get(e.key)
    if found is None:
        found = memo[e.key] = any(not _inside_other(view, m.start, m.end, e) for m in e.mentions)
    return found


def _inside_other(view: SentenceView, a: int, b: int, e: Entity) -> bool:
    s = view.doc.sentence_at(a)
    others = view.index.get(s.index, ()) if s is not None else ()
    return any(x.key != e.key and sa <= a and b <= sb and (sb - sa) > (b - a) for x, sa, sb in others)


IMPLEMENT_VERBS = ("贯彻落实", "贯彻实施", "创新实施", "全面实施", "深入实施", "全面落实", "扎实开展", "落实", "实施", "推进",
                   "推行", "开展", "深化", "执行", "推广", "践行", "贯彻", "启动", "试行", "健全", "完善", "建立", "实行",
                   "参与", "构建", "构筑", "抓好", "用好", "坚持", "狠抓", "抓实", "按照", "遵循", "围绕", "聚焦", "紧扣",
                   "把握", "打造", "建设", "创建", "推动", "出台", "制定", "编制", "采取", "强化", "细化", "加强", "统筹",
                   "探索", "创新", "发起", "完成", "实现", "牢记", "拥护", "做到", "巩固", "打赢", "打好", "形成", "组织", "锚定", "重塑", "建成")
# what an initiative that opens its clause does when the place carries it out: 乡村振兴扎实推进, X建设全面起势
PROGRESS_WORDS = ("推进", "落实", "开展", "实施", "启动", "起势", "推广", "落地", "见效", "破题", "走深走实", "走实",
                  "蹄疾步稳", "有声有色", "成效", "步伐", "台阶", "突破", "完成", "铺开", "提速", "深化", "显现", "落细")
_PROGRESS = re.compile("|".join(PROGRESS_WORDS))
# 以X(、Y)(建设)为主线 / 为牵引 / 为抓手 …
_THREAD_AFTER = re.compile(r"^(?:、[^，,。；;为]{1,10})*(?:建设|工作)?为(?:主线|牵引|总抓手|抓手|引领|统领|重点|基础|目标|导向"
                           r"|突破口|切入点|动力|载体|契机|总纲|遵循|根本遵循|指引|着力点|支撑|总牵引)")
# 把X作为首要担当 / 把X摆在…: X taken up as a task; what may stand between 把 and X, and between X and 作为
_BA_BEFORE = re.compile(r"把[^，,。；;：:把]{0,14}$")
_BA_AFTER = re.compile(r"^[^，,。；;：:]{0,6}?(?:作为|摆在|放在)")
# 以 and the verbs of carrying out between it and X in 以深入开展X为动力, 以全面落实X为主线
_THREAD_BEFORE = re.compile(r"以(?:深入|全面|扎实|持续|大力|认真|深化)?(?:开展|推进|实施|落实|贯彻落实|推动|创建|建设)?$")
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、]|[—-]+)")
_EVENT_AFTER = re.compile(r"[^，,。；;]{0,4}?(?:座谈会|工作会|推进会|现场会|大会|会议|论坛|峰会|博览会)")
IMPLEMENTERS = ("Place", "Agency")  # what carries out a policy (an organization joins one only when it says so)
ISSUING_PLACES = ("Province", "City", "Country")  # places that name policies of their own (上海市X条例)


def implementation_pattern(view: SentenceView) -> None:
    """A、B(镇)X工作 / (subject) 坚持·围绕·落实·推进… X / 以X为主线 / X扎实推进: the places or the clause's subject
    (else the report's place) implement initiative X."""
    text = view.text
    verbs = [(a, b) for a, b in _triggers(text, IMPLEMENT_VERBS) if not _inside_span(view, a, b)]
    others = _triggers(text, RECOGNITION_TRIGGERS + CONTRIBUTE_VERBS)
    for s in view.spans:
        if s.type != "Initiative" or _EVENT_AFTER.match(text, s.end):
            continue  # 在深入推进X座谈会上: the initiative names a meeting
        places, target = _places_before(view, s)
        if target is not None and top_class(target.cls) != "Initiative":
            target = None
        if any(p.cls in ISSUING_PLACES for p in places):  # 青山市城市更新大会: a city names its own policy
            places, target = [], None
        for p in places if target is not None else ():
            view.add(p, "implements", target, "pattern:A、B实施X", 0.75, s.start)
        if places:
            continue
        cs, ce = view.clause_bounds(s.start)
        # a verb of carrying out before the initiative in its clause (坚持A、B, 全面落实省委“X”和县委“Y”)
        before = [v for v in verbs if cs <= v[0] and v[1] <= s.start]
        thread = _THREAD_BEFORE.search(text, cs, s.start) if _THREAD_AFTER.match(text[s.end:]) else None
        ba = _BA_BEFORE.search(text, cs, s.start) if _BA_AFTER.match(text[s.end:ce]) else None
        frame = thread or ba
        if frame is not None and before and before[0][0] > frame.start():
            before = []  # 以深入开展X为动力, 把打造X作为…: the verb is inside the frame
        if before and not any(before[-1][1] <= a and b <= s.start for a, b in others):
            # the subject is the one of the clause's first verb: 出台落实X, 落实省委A和市委加快建设B
            at = before[0][0]
            _implemented_by(view, subject_at(view, at, IMPLEMENTERS), s, "pattern:落实X", 0.7, at)
        elif thread is not None:  # 以X为主线 / 为牵引
            _implemented_by(view, subject_at(view, thread.start(), IMPLEMENTERS), s, "pattern:以X为主线", 0.7,
                            thread.start())
        elif ba is not None:  # 把X作为首要任务
            _implemented_by(view, subject_at(view, ba.start(), IMPLEMENTERS), s, "pattern:把X作为", 0.7, ba.start())
        elif _opens_clause(view, s, cs) and _PROGRESS.search(text, s.end, ce):  # 乡村振兴扎实推进
            actors = _topic_places(view) or ([view.home] if view.home else [])
            _implemented_by(view, actors, s, "pattern:X扎实推进", 0.65, s.start)


def _topic_places(view: SentenceView) -> list[Entity]:
    """Places that make up the whole first clause of a sentence, as its topic (青山开发区,引进…,X政策突破首单)."""
    _, end = view.clause_bounds(0)
    kind, group = _head_subject(view, 0, end)
    if kind != "entity" or any(top_class(e.cls) != "Place" for e in group):
        return []
    last = max((s.end for s in view.spans if s.entity is group[-1] and s.end <= end), default=end)
    return group if last == end else []


def _implemented_by(view: SentenceView, subjects: list[Entity], s: Span, rule: str, conf: float, at: int) -> None:
    for subj in subjects:
        if top_class(subj.cls) in IMPLEMENTERS:
            view.add(subj, "implements", s.entity, rule, conf, at)


def _inside_span(view: SentenceView, a: int, b: int) -> bool:
    """True if [a, b) lies inside a mention (实施 in …实施方案 is part of a name, not a verb)."""
    return any(x.start <= a and b <= x.end for x in view.spans)


def _opens_clause(view: SentenceView, s: Span, cs: int) -> bool:
    """True if the span (or the list it starts) opens its clause, after adverbs or an enumerator (二是)."""
    first = coordinated_before(view, s, ("Initiative",), ("、", "和", "及", ""))[0]
    head = view.text[cs:first.start]
    m = _ENUMERATOR.match(head)
    return is_adverbial(head[m.end():] if m else head)


@lru_cache(maxsize=4096)
def _verbs_ending(verbs: tuple[str, ...], tail: str) -> tuple[str, ...]:
    """The verbs, in their order, that can end `tail` (the two characters before a name), bare or with 好 after
    them: the others cannot match, and skipping them spares a string comparison per verb and name."""
    last = tail[-1:]
    ends = {last} | ({tail[-2:-1]} if last == "好" else set())
    return tuple(v for v in verbs if v[-1] in ends)


def _places_before(view: SentenceView, s: Span) -> tuple[list[Entity], Entity | None]:
    """Places listed right before a name, and what they go with: 华容镇、庙岭镇村改社区工作 → the whole name;
    青湖、白港小流域综合治理试点 (the last place opens the name) → the known name inside it (小流域综合治理)."""
    text = view.text
    prev = next((p for p in reversed(view.spans) if p.end <= s.start), None)
    if prev is None or prev.type != "Place" or prev.entity.cls in ("River", "Mountain", "NaturalFeature"):
        return [], None
    places = [p.entity for p in coordinated_before(view, prev, ("Place",))]
    gap = text[prev.end:s.start]
    if gap == "":
        return places, s.entity
    lead = next((n for n in view.nested if n.start == s.start and n.end < s.end and n.type == "Place"), None)
    if gap != "、" or lead is None:
        return [], None
    inner = _known_name_inside(view, s.entity.label[lead.end - lead.start:], s.entity)
    return places + [lead.entity], inner


def _known_name_inside(view: SentenceView, rest: str, outer: Entity) -> Entity | None:
    """The longest other entity of the same top class whose label the rest of a name contains."""
    best = None
    for e in _named_entities(view):
        if e.key != outer.key and top_class(e.cls) == top_class(outer.cls) and len(e.label) >= 3 \
                and e.label in rest and (best is None or len(e.label) > len(best.label)):
            best = e
    return best


def _named_entities(view: SentenceView) -> list[Entity]:
    """The document's entities, each once, in the order the sentence index first names them (once per document)."""
    entities = view.document_memo.get("entities")
    if entities is None:
        unique = {id(e): e for items in view.index.values() for e, _, _ in items}
        entities = view.document_memo["entities"] = list(unique.values())
    return entities


CONTRIBUTE_VERBS = ("服务融入", "服务和融入", "服务并融入", "深度融入", "主动融入", "融入", "服务于", "服务", "助力", "支撑",
                    "服务保障", "对接")
_FOR = re.compile(r"为[^，,。；;为]{0,20}$")
_FOR_AFTER = re.compile(r"^[^。；;]{0,12}?(?:贡献|作出贡献|打下|奠定|打牢|夯实|筑牢|提供支撑|提供保障)")


def contribution_pattern(view: SentenceView) -> None:
    """服务融入X / 助力X / 为(加快建设)X…贡献: the subject contributes to goal, strategy or new city X."""
    text = view.text
    for s in view.spans:
        if s.type not in ("Initiative", "Place", "Project"):
            continue
        verb = next((v for v in _verbs_ending(CONTRIBUTE_VERBS, text[max(0, s.start - 2):s.start])
                     if text.endswith(v, 0, s.start)), None)
        at = None
        if verb is not None and (s.type != "Place" or s.entity.cls == "DevelopmentZone"):
            at = s.start - len(verb)
        elif _FOR.search(text[:s.start]) and _FOR_AFTER.search(text[s.end:]):
            at = text.rfind("为", 0, s.start)
        if at is None:
            continue
        for subj in subject_at(view, at):
            if top_class(subj.cls) in ACTOR_TYPES:
                view.add(subj, "contributesTo", s.entity, "pattern:服务融入X", 0.7, at)


_CLUSTER_TAIL = re.compile(r"^(?:等|等[一二三四五六七八九十两\d]+大|[一二三四五六七八九十两\d]+大)?(?:主导|特色|重点|优势|新兴|支柱)?"
                           r"(?:产业集群|产业链|产业|集群|行业|板块)")


def sector_pattern(view: SentenceView) -> None:
    """围绕X产业体系, 打造A、B、C等产业集群: sectors A, B, C are part of system X; A、B等X企业: A, B are in sector X."""
    text = view.text
    sectors = [s for s in view.spans if s.type == "Sector"]
    done: set[str] = set()
    for s in sectors:
        if s.entity.key in done:
            continue
        group = coordinated(view, s, ("Sector",), ("、", "和", "及", "以及"))
        done.update(g.entity.key for g in group)
        if len(group) < 2 or not _CLUSTER_TAIL.match(text[group[-1].end:]):
            continue
        systems = [x for x in view.spans if x.type in ("Initiative", "Sector") and x.entity.key not in done
                   and re.search(r"(?:产业|经济)?体系$|产业集群$", x.entity.label)]
        for system in systems:
            for g in group:
                view.add(g.entity, "partOf", system.entity, "pattern:A、B等X产业集群", 0.8, g.start)
    # 恒盛通、诺思特等上规模电子信息企业 → inSector
    members = ("Organization", "Project")
    for s in view.spans:
        if s.type not in members:
            continue
        group = coordinated(view, s, members, ("、", "和", "及"))
        if group[0] is not s:
            continue
        m = re.match(r"等(?:[一二三四五六七八九十两百\d]+[家个批]|一批|上规模|规模以上|重点)*", text[group[-1].end:])
        if not m:
            continue
        pos = group[-1].end + m.end()
        sector = view.span_starting(pos, ("Sector",))
        if sector is None or not re.match(r"(?:关联)?(?:产业)?(?:企业|项目|产业项目|龙头企业|公司)", text[sector.end:]):
            continue
        for g in group:
            view.add(g.entity, "inSector", sector.entity, "pattern:A、B等X企业", 0.75, g.start)
    _sector_named_things(view, sectors)
    _sector_heading(view)


def _sector_named_things(view: SentenceView, sectors: list[Span]) -> None:
    """集成电路、基因科技千亩产业园 / 青山海上风电项目: a project or zone named after its sectors (listed right
    before its name, or inside it when the document names that sector on its own) is in them."""
    for s in view.spans:
        if not _holds_a_sector_name(s.entity):
            continue
        prev = next((x for x in reversed(sectors) if x.end <= s.start), None)
        found = []
        if prev is not None and prev.end == s.start:
            found = [g.entity for g in coordinated_before(view, prev, ("Sector",))]
        label = s.entity.label
        for form, sector in _standalone_sectors(view):
            k = label.find(form)
            # the sector and at least a two-character name after it (航空经济区 is the sector's zone, not in it)
            if k >= 0 and len(label) - k - len(form) >= 2 and sector not in found \
                    and not any(form in e.label for e in found):
                found.append(sector)
        # 某能12万千瓦风电: the kind of power after a project's capacity is its sector
        found += [n.entity for n in view.nested if n.type == "Sector" and s.start < n.start and n.end <= s.end
                  and view.text[n.start - 1] == "瓦" and n.entity not in found]
        for sector in found:
            view.add(s.entity, "inSector", sector, "pattern:X产业园", 0.7, s.start)


def _holds_a_sector_name(e: Entity) -> bool:
    """Things whose name may say their sector: projects and zones (青山新能源产业园)."""
    return top_class(e.cls) == "Project" or e.cls == "DevelopmentZone"


def _standalone_sectors(view: SentenceView) -> list[tuple[str, Entity]]:
    """(name, sector) for the document's sectors named on their own, longest first (once per document)."""
    found = view.document_memo.get("standalone_sectors")
    if found is None:
        seen: dict[str, Entity] = {}
        for items in view.index.values():
            for e, _, _ in items:
                if top_class(e.cls) == "Sector" and len(e.label) >= 2 and _independent(view, e):
                    seen.setdefault(e.label, e)
        found = view.document_memo["standalone_sectors"] = sorted(seen.items(), key=lambda kv: (-len(kv[0]), kv[0]))
    return found


def _sector_heading(view: SentenceView) -> None:
    """新能源产业加快发展,A、B项目投产,引进C、D: a sentence that opens with a sector is about it, and the projects
    and companies that open its later clauses, or that it brings in, are in that sector."""
    text = view.text
    _, first_end = view.clause_bounds(0)
    kind, heading = _head_subject(view, 0, first_end)
    if kind != "entity" or any(top_class(e.cls) != "Sector" for e in heading):
        return
    intro = _triggers(text, INTRODUCE_VERBS)
    start = first_end + 1
    while start < len(text):
        _, end = view.clause_bounds(start)
        k, group = _head_subject(view, start, end)
        members = group if k == "entity" and all(top_class(e.cls) in MOVABLE for e in group) else []
        for a, b in intro:
            first = view.span_starting(b, MOVABLE) if start <= a < end else None
            if first is not None:
                members = members + [x.entity for x in coordinated(view, first, MOVABLE, ("、", "和", "及", "以及"))]
        for thing in members:
            for sector in heading:
                view.add(thing, "inSector", sector, "pattern:X产业…A项目", 0.7, start)
        start = end + 1


ZONE_CLASSES = ("DevelopmentZone", "Port", "Airport", "Station", "Venue")
NATURAL_ENDS = ("水库", "湖", "河", "江", "山", "岛", "湾", "溪")
# where a short place name (青山) inside a longer name says where the thing is: at its start (青山宾馆), in brackets
# (无锡(青山)港), or after an institution's name (某某大学青山校区); not after a verb (守好青山水库 is a phrase)
_NAME_OPENS = re.compile(r"(?:^|[(（]|大学|学院|集团|公司|银行|医院)$")


def _holds_a_place_name(e: Entity) -> bool:
    """Things whose name may say where they are: projects, organizations, zones, ports and venues."""
    return top_class(e.cls) in MOVABLE or (e.cls in ZONE_CLASSES and not e.code)


def named_place_pattern(view: SentenceView) -> None:
    """A project, organization or zone named after a place it is in (武汉新城展示中心 → 武汉新城, 青山镇商会 →
    青山镇, 大足高新区 → 大足区): locatedIn, when the place is known on its own (coded, or named elsewhere not
    inside a longer name); the report's own place also by its short name when no place above it shares it."""
    if not any(_holds_a_place_name(s.entity) for s in view.spans):
        return  # the document-wide place list is costly: only sentences with such a name need it
    places = _standalone_places(view)
    # names inside names count too (武汉大学 in 武汉大学长三角科技创新中心, a zone inside its committee's name), and a place
    # inside such an inner name is the inner thing's, not the outer one's
    inner = [n for n in view.nested if _holds_a_place_name(n.entity) and top_class(n.entity.cls) != "Project"]
    for s in view.spans + inner:
        if not _holds_a_place_name(s.entity):
            continue
        label = s.entity.label
        taken = [(n.start - s.start, n.end - s.start) for n in inner if s.start <= n.start and n.end <= s.end and n is not s
                 and s.entity.label.startswith(view.text[s.start:n.end][:len(label)])]
        if label.endswith(NATURAL_ENDS):
            continue  # 青山水库: a lake or reservoir named after its place is a place of its own, not a thing in it
        found: list[tuple[int, int, Entity]] = []
        for after_place in (False, s.type == "Place"):  # 云南某某产业园区: a short name after a place in a zone's name
            for form, place in places:
                k = label.find(form)
                if k >= 0 and len(form) < len(label) and (
                        len(form) > 2 or _NAME_OPENS.search(label[:k]) or after_place and any(b == k for _, b, _ in found)) \
                        and not any(a <= k < b or k <= a < k + len(form) for a, b, _ in found):
                    found.append((k, k + len(form), place))
        if any(label[b:b + 1] in "—-－" for _, b, _ in found):
            continue  # 青山—白水合作基地: a link between two places, not a thing in one of them
        # a zone named after a city (青山新城) may reach beyond it: only the report's own place is taken, and the places
        # above it named with it (云南某某产业园区)
        homes = {view.home.key} | _above(view.home) if any(p is view.home for _, _, p in found) else {view.home.key} \
            if view.home is not None else set()
        for a, b, place in found:
            if place.key != s.entity.key and not any(x <= a and b <= y for x, y in taken) and (
                    top_class(s.entity.cls) != "Place" or place.key in homes):
                view.add(s.entity, "locatedIn", place, "pattern:A-named project", 0.65, s.start)


def _above(place: Entity) -> set[str]:
    """The keys of the places the gazetteer puts above a coded place."""
    from graph.extract import gazetteer
    from graph.extract.resolve import entity_key

    return {entity_key(a.name, "Place", a.code) for a in gazetteer.ancestors(place.code)} if place.code else set()


def _standalone_places(view: SentenceView) -> list[tuple[str, Entity]]:
    """(name, place) for the document's places named on their own, longest names first (once per document)."""
    places = view.document_memo.get("standalone_places")
    if places is None:
        places = view.document_memo["standalone_places"] = _find_standalone_places(view)
    return places


def _find_standalone_places(view: SentenceView) -> list[tuple[str, Entity]]:
    seen: dict[str, Entity] = {}
    for items in view.index.values():
        for e, _, _ in items:
            if top_class(e.cls) == "Place" and e.cls not in ("River", "Mountain", "NaturalFeature") \
                    and _independent(view, e):
                for form in [e.label, *(a for a in e.aliases if len(a) >= 3)]:  # bare stems (华容) are ambiguous
                    if len(form) >= 2 and form not in SELF_REFERENCES:
                        seen.setdefault(form, e)
    stem = _home_stem(view.home)
    if stem:
        seen.setdefault(stem, view.home)
    return sorted(seen.items(), key=lambda kv: (-len(kv[0]), kv[0]))


def _home_stem(home: Entity | None) -> str | None:
    """The report's place by its short name (江阴 for 江阴市), unless a place above it has the same one (长沙 is
    长沙市 before it is 长沙县)."""
    from graph.extract import gazetteer

    if home is None or not home.code:
        return None
    div = gazetteer.get(home.code)
    if div is None or len(div.short) < 2 or div.short == home.label:
        return None
    if any(a.short == div.short for a in gazetteer.ancestors(home.code)):
        return None
    return div.short


# A description between a field and a company's name: 固废资源化利用世界领军企业A (A leads that field).
_LEADER_OF = re.compile(r"(?:世界|全球|中国|全国|国内|国际|全省|省内|行业)?(?:领军|龙头|骨干|领先|标杆|链主)企业")


def described_company_pattern(view: SentenceView) -> None:
    """A title written right before a company's name (世界500强企业A: recognizedAs) and the field a description
    before it names (X领域领军企业A, X龙头企业A: inSector)."""
    text = view.text
    for s in view.spans:
        if s.type != "Organization":
            continue
        before = next((x for x in reversed(view.spans) if x.end <= s.start), None)
        if before is None:
            continue
        if before.type == "Recognition" and before.end == s.start:
            view.add(s.entity, "recognizedAs", before.entity, "pattern:X强企业A", 0.8, before.start)
        elif before.type == "Sector" and _LEADER_OF.fullmatch(text, before.end, s.start):
            view.add(s.entity, "inSector", before.entity, "pattern:X领军企业A", 0.75, before.start)


BRANCH_ENDS = ("分校", "分院", "分厂", "分公司", "分中心")


def branch_pattern(view: SentenceView) -> None:
    """A branch named after the institution that opens its name (某某小学青山分校 → 某某小学): partOf."""
    for s in view.spans:
        if s.entity.label.endswith(BRANCH_ENDS):
            parent = next((n for n in view.nested if n.start == s.start and n.end < s.end and n.type == "Organization"),
                          None)
            if parent is not None:
                view.add(s.entity, "partOf", parent.entity, "pattern:A分校", 0.8, s.start)


PATTERNS: tuple[Callable[[SentenceView], None], ...] = (
    leads_pattern, recognition_pattern, cooperation_pattern, connection_pattern, location_pattern,
    implementation_pattern, contribution_pattern, sector_pattern, named_place_pattern, described_company_pattern,
    branch_pattern)


def pattern_relations(doc: Document, entities: list[Entity],
                      views: list[SentenceView] | None = None) -> list[Relation]:
    """Typed relations read from sentence patterns, one per (subject, predicate, object, sentence)."""
    out: list[Relation] = []
    for view in sentence_views(doc, entities) if views is None else views:
        for pattern in PATTERNS:
            pattern(view)
        out.extend(view.out)
    return _dedupe(out)


def _dedupe(relations: list[Relation]) -> list[Relation]:
    """Keep the most confident relation per (subject, predicate, object, sentence)."""
    best: dict[tuple, Relation] = {}
    for r in relations:
        k = (r.subject, r.predicate, r.object, r.sentence)
        if k not in best or r.confidence > best[k].confidence:
            best[k] = r
    return sorted(best.values(), key=lambda r: (r.sentence, r.predicate, r.subject, r.object))


# ---------------------------------------------------------------- co-occurrence

def cooccurrence_relations(doc: Document, entities: list[Entity],
                           views: list[SentenceView] | None = None) -> list[Relation]:
    """relatedTo between entities named side by side in a sentence (not one inside the other), counted."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(list)
    for view in sentence_views(doc, entities) if views is None else views:
        keys = sorted({s.entity.key for s in view.spans})
        for a, b in combinations(keys, 2):
            counts[(a, b)].append(view.sentence.index)
    out = []
    for (a, b), idxs in sorted(counts.items()):
        s = doc.sentences[idxs[0]]
        status, year = fact_context(doc, s.start, s.end)
        out.append(Relation(a, "relatedTo", b, doc.name, s.index, s.text, s.start, s.end, "cooccurrence:sentence",
                            0.3, status, year, count=len(idxs)))
    return out


def extract_relations(doc: Document, entities: list[Entity], views: list[SentenceView] | None = None
                      ) -> list[Relation]:
    """All relations of one document: typed patterns, the gazetteer's partOf chains, then co-occurrence.

    The places of the partOf chains that the document does not name (鄂州市 above 华容区) are appended to
    `entities`, so that every relation's ends are entities of the document graph. `views`: the document's
    sentence views, when the caller already made them for the indicators."""
    from graph.extract.hierarchy import place_hierarchy

    if views is None:
        views = sentence_views(doc, entities)
    typed = pattern_relations(doc, entities, views)
    ancestors, part_of = place_hierarchy(doc, entities)
    co = cooccurrence_relations(doc, entities, views)
    entities.extend(ancestors)
    return typed + part_of + co


# ---------------------------------------------------------------- entities from a list of known names

def entities_named(doc: Document, names: dict[str, tuple[str, str | None]]) -> list[Entity]:
    """Entities for known names ({label: (class, division code)}), one mention per occurrence of the label, so the
    relation rules can run on a user's own list of names (or a test's) instead of the extractor's."""
    from graph.extract.model import Mention
    from graph.extract.resolve import entity_key

    taken: list[tuple[int, int]] = []
    out = []
    for label, (cls, code) in sorted(names.items(), key=lambda kv: -len(kv[0])):
        mentions = []
        for m in re.finditer(re.escape(label), doc.text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            sent = doc.sentence_at(m.start())
            mentions.append(Mention(label, m.start(), m.end(), cls, "given", 0.9, label=label,
                                    sentence=sent.index if sent else -1))
        taken.extend((m.start, m.end) for m in mentions)
        if mentions:
            out.append(Entity(entity_key(label, cls, code), label, cls, mentions=mentions, confidence=0.9, code=code,
                              docs=[doc.name]))
    return sorted(out, key=lambda e: e.mentions[0].start)


# ---------------------------------------------------------------- evaluation against hand-made gold

SYMMETRIC = ("cooperatesWith", "relatedTo")


@dataclass
class RelationScore:
    """Typed relations of one document against gold (by label) and a list of hand judgements."""

    found: list[tuple[str, str, str]] = field(default_factory=list)
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    unreachable: list[tuple[str, str, str]] = field(default_factory=list)
    correct: list[tuple[str, str, str]] = field(default_factory=list)
    wrong: list[tuple[str, str, str]] = field(default_factory=list)
    unjudged: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def gold(self) -> int:
        return len(self.found) + len(self.missed) + len(self.unreachable)

    @property
    def recall(self) -> float:
        return len(self.found) / self.gold if self.gold else 0.0

    @property
    def reachable_recall(self) -> float:
        """Recall over the gold relations whose two ends the extractor found as entities."""
        n = len(self.found) + len(self.missed)
        return len(self.found) / n if n else 0.0

    @property
    def precision(self) -> float:
        """Correct typed relations over all typed relations output (unjudged ones count as wrong)."""
        n = len(self.correct) + len(self.wrong) + len(self.unjudged)
        return len(self.correct) / n if n else 0.0


def _forms(label: str, aliases: list[str]) -> set[str]:
    from graph.extract.resolve import normalise_label

    return {normalise_label(x) for x in [label, *aliases] if x}


def _same(entity: Entity, label: str, gold_aliases: dict[str, list[str]]) -> bool:
    """An entity names a gold label when its label is one of the gold forms or the gold label one of its forms."""
    from graph.extract.resolve import normalise_label

    gold = _forms(label, gold_aliases.get(label, []))
    return normalise_label(entity.label) in gold or normalise_label(label) in _forms(entity.label, entity.aliases)


def score_relations(entities: list[Entity], relations: list[Relation], gold: list[dict],
                    gold_aliases: dict[str, list[str]] | None = None,
                    judged: dict[tuple[str, str, str], bool] | None = None) -> RelationScore:
    """Recall of gold relations (subject/predicate/object by label) and precision of all typed relations output."""
    aliases = gold_aliases or {}
    by_key = {e.key: e for e in entities}
    typed = [r for r in relations if r.predicate != "relatedTo" and r.subject in by_key and r.object in by_key]
    score = RelationScore()
    matched: set[tuple[str, str, str]] = set()
    for g in gold:
        triple = (g["subject"], g["predicate"], g["object"])
        hits = []
        for r in typed:
            s, o = by_key[r.subject], by_key[r.object]
            if r.predicate != g["predicate"]:
                continue
            pairs = [(s, o), (o, s)] if r.predicate in SYMMETRIC else [(s, o)]
            if any(_same(a, g["subject"], aliases) and _same(b, g["object"], aliases) for a, b in pairs):
                hits.append((s.label, r.predicate, o.label))
        if hits:
            score.found.append(triple)
            matched.update(hits)
        elif any(_same(e, g["subject"], aliases) for e in entities) and any(
                _same(e, g["object"], aliases) for e in entities):
            score.missed.append(triple)
        else:
            score.unreachable.append(triple)
    verdicts = judged or {}
    for triple in sorted({(by_key[r.subject].label, r.predicate, by_key[r.object].label) for r in typed}):
        if triple in matched or verdicts.get(triple) is True:
            score.correct.append(triple)
        elif verdicts.get(triple) is False:
            score.wrong.append(triple)
        else:
            score.unjudged.append(triple)
    return score
