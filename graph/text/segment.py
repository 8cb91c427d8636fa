"""Text → Document: normalised text (offsets are defined on it), metadata from the header (title, date, source,
authors, the session a report was given at), sentences, and sections with their year and status context."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from graph.text.model import Document, DocumentError, Sentence

# ---------------------------------------------------------------- normalisation

_SPACES = re.compile(r"[ \t\u3000\xa0]+")


def normalise_text(text: str) -> str:
    """NFC, unified newlines, no control characters, tidy spaces: offsets are defined on this text."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    control = {c for c in set(text) if unicodedata.category(c)[0] == "C" and c not in "\n\t\u200d"}
    if control:  # judged once per distinct character, not once per character
        text = text.translate(dict.fromkeys(map(ord, control)))
    lines = [_SPACES.sub(" ", ln).strip() for ln in text.split("\n")]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out).strip() + "\n"


# ---------------------------------------------------------------- metadata

_DATE = re.compile(r"(?:日期|发布时间|时间|发布日期)\s*[:：]\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_DATE_ANY = re.compile(r"(20\d{2}|19\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_SOURCE = re.compile(r"(?:信息来源|来源|稿源)\s*[:：]\s*([^\s:：]{2,30})")
_ROLES = r"(?:全媒体记者|特约记者|见习记者|通讯员|记者|作者|撰稿|文/|文 /|摄影|编辑)"
_AUTHORS = re.compile(_ROLES + r"\s*[:：]?\s*((?:[\u4e00-\u9fff]{2,4}(?:\s+|$))+)")
_NUM = r"[一二三四五六七八九十百\d]+"
_EVENT_NAME = (rf"(?:中国共产党)?[\u4e00-\u9fff]{{2,20}}?(?:第{_NUM}[届次])?(?:人民代表大会|代表大会|人大常委会|常务委员会|"
               rf"委员会|政协)(?:常务委员会)?(?:第{_NUM}次)?(?:全体会议|会议|全会)")
# a session that reports are given at: 12月21日上午,中国共产党华容区第九次代表大会第三次全体会议在区图书馆报告厅举行;
# ——2023年2月2日在长沙县第十八届人民代表大会第三次会议上
_EVENT = re.compile(
    rf"(?:(?:(?P<y1>(?:19|20)\d{{2}})年)?(?P<m1>\d{{1,2}})月(?P<d1>\d{{1,2}})日(?:上午|下午|晚上?)?[，,]?)?"
    rf"(?P<n1>{_EVENT_NAME})在(?P<venue>[^，,。；;\n]{{2,30}}?)(?:隆重)?(?:举行|召开|开幕)"
    rf"|(?:(?P<y2>(?:19|20)\d{{2}})年)?(?P<m2>\d{{1,2}})月(?P<d2>\d{{1,2}})日在(?P<n2>{_EVENT_NAME})上")


def iso_date(year: str | int, month: str | int, day: str | int) -> str | None:
    """YYYY-MM-DD for a real calendar day, else None: 2023-13-45 in a header must not become an invalid xsd:date."""
    import datetime

    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


@dataclass(frozen=True)
class ReportedEvent:
    """The session a report was given at: its name, date (ISO) and venue, as the text states them."""

    name: str
    date: str | None = None
    venue: str = ""


def reported_event(text: str, doc_date: str | None = None) -> ReportedEvent | None:
    """The congress or session a document reports on, from its first lines (a year left out is the document's)."""
    head = re.sub(r"\s*\n\s*", "", text[:3000])  # a header may break the name over two lines
    m = _EVENT.search(head)
    if not m:
        return None
    name = m.group("n1") or m.group("n2")
    year, month, day = (m.group("y1"), m.group("m1"), m.group("d1")) if m.group("n1") else \
        (m.group("y2"), m.group("m2"), m.group("d2"))
    date = None
    if month and day:
        if not year and doc_date:
            y, mo = int(doc_date[:4]), int(doc_date[5:7])
            year = str(y - 1 if int(month) > mo else y)
        if year:
            date = iso_date(year, month, day)
    return ReportedEvent(name, date, (m.group("venue") or "").strip())


HEADER_LINE = 300  # characters of a header line that metadata is read from


def document_metadata(text: str, name: str = "") -> dict:
    """Title, date, source, authors and reported event from a report's header lines."""
    lines = [ln for ln in text.split("\n", 16)[:16] if ln.strip()][:8]  # the header; long lines are cut short
    title = lines[0].strip() if lines else ""
    if len(title) > 60 or title.endswith("。"):
        title = Path(name).stem
    head = "\n".join(ln[:HEADER_LINE] for ln in lines)
    date = None
    m = _DATE.search(head) or _DATE_ANY.search(head)
    if m:
        date = iso_date(m.group(1), m.group(2), m.group(3))
    if date is None:
        m = re.search(r"(20\d{2})-(\d{2})-(\d{2})", name)
        if m:
            date = iso_date(*m.groups())
    source = (_SOURCE.search(head) or [None, ""])[1]
    authors: list[str] = []
    for line in head.split("\n"):
        if re.search(_ROLES, line):
            for m in _AUTHORS.finditer(re.sub(_ROLES, lambda r: " " + r.group(0), line) + " "):
                authors.extend(a for a in m.group(1).split() if 2 <= len(a) <= 4)
    reported = reported_event(text, date)
    event = reported.name if reported else ""
    return {"title": title, "date": date, "source": source, "authors": list(dict.fromkeys(authors)), "event": event}


# ---------------------------------------------------------------- sentences and sections

_SENT_END = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)]*|\n|$)")
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d{2})(?:年|\s|[\u4e00-\u9fff])")
_PLAN_CUES = ("工作安排", "工作打算", "目标任务", "主要任务", "计划", "草案", "展望", "奋蹄", "新征程", "重点工作",
              "将", "谋划", "部署", "今后", "下一步", "新的一年", "总体要求", "预期目标")
_DONE_CUES = ("回顾", "执行情况", "成绩", "成效", "过去", "完成情况", "取得", "工作总结", "征程", "一年来")


# The longest sentence of the seed and the 19 dev reports has 418 characters. Rules compare the mentions of a
# sentence pairwise, so one "sentence" of a megabyte (a text without full stops) would take hours: longer runs are
# cut at their last comma (or space) before this length, or at the length itself.
MAX_SENTENCE = 1000
_CLAUSE_ENDS = "，,、：: "


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) on 。！？；, newlines; closing quotes stay with their sentence; no span is longer
    than MAX_SENTENCE characters."""
    spans = []
    for m in _SENT_END.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s] in " \n":
            s += 1
        ee = e
        while ee > s and text[ee - 1] in " \n":
            ee -= 1
        while ee - s > MAX_SENTENCE:
            window = text[s + MAX_SENTENCE // 2:s + MAX_SENTENCE]
            comma = max(window.rfind(c) for c in _CLAUSE_ENDS)
            cut = s + MAX_SENTENCE // 2 + comma + 1 if comma >= 0 else s + MAX_SENTENCE
            spans.append((s, cut))
            s = cut
            while s < ee and text[s] == " ":
                s += 1
        if ee > s:
            spans.append((s, ee))
    return spans


def _is_heading(line: str) -> bool:
    line = line.strip()
    if not line or len(line) > 40:
        return False
    if re.match(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+[部分章节])", line):
        return True
    return not re.search(r"[。；;，,：:！？]", line[:-1]) and not line.endswith(("。", "；"))


def section_context(heading: str, doc_year: int | None) -> tuple[int | None, str | None]:
    """Year and status a heading implies: a past year's review is completed, a coming year's plan is planned."""
    m = _YEAR.search(heading + " ")
    year = int(m.group(1)) if m else None
    status = None
    if any(c in heading for c in _PLAN_CUES):
        status = "planned"
    if any(c in heading for c in _DONE_CUES):  # 计划执行情况 reviews a plan: done cues win
        status = "completed"
    if year and doc_year:
        if year < doc_year:
            status = "completed"
        elif year > doc_year:
            status = "planned"
    return year, status


def segment(text: str, doc_date: str | None = None) -> list[Sentence]:
    """Sentences with the section heading, year and status they fall under."""
    doc_year = int(doc_date[:4]) if doc_date else None
    spans = split_sentences(text)
    sentences: list[Sentence] = []
    section, year, status = "", None, None
    for i, (s, e) in enumerate(spans):
        chunk = text[s:e]
        line_start = s == 0 or text[s - 1] == "\n"
        line_end = e == len(text) or text[e] == "\n"
        if line_start and line_end and _is_heading(chunk):
            hy, hs = section_context(chunk, doc_year)
            if hy or hs:
                section, year, status = chunk, hy or year, hs or status
        sentences.append(Sentence(index=i, start=s, end=e, text=chunk, section=section, year=year, status=status))
    return sentences


def document_from_text(text: str, name: str = "text.txt", *, path: str = "", encoding: str = "utf-8") -> Document:
    """A Document from already-decoded text: normalised, with metadata and sentences."""
    norm = normalise_text(text)
    if not norm.strip():
        raise DocumentError(f"{name}: the document is empty")
    meta = document_metadata(norm, name)
    return Document(name=name, text=norm, sentences=segment(norm, meta["date"]), title=meta["title"],
                    date=meta["date"], source=meta["source"], authors=meta["authors"], event=meta["event"],
                    path=path, content_hash=hashlib.sha256(norm.encode("utf-8")).hexdigest(), encoding=encoding)
