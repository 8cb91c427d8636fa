"""Read documents (txt, md, html, pdf, docx in any common Chinese encoding) into normalised text with sentences,
sections and the year/status context of each sentence."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from collections.abc import Iterable
from pathlib import Path

from .model import Document, Sentence

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf", ".docx"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class DocumentError(ValueError):
    """A document that cannot be read as text; the message names the file and the problem."""


# ---------------------------------------------------------------- decoding

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_PLAIN = re.compile(r"[\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u2100-\u22ff\u2460-\u27bf\u3000-\u30ff"
                    r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


def utf16_without_bom(data: bytes) -> str | None:
    """The byte order ("utf-16-le"/"utf-16-be") when NUL bytes fall almost only on odd/even positions, as ASCII
    characters put them in UTF-16 without a byte order mark."""
    head = data[:8192]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if len(data) % 2 or even + odd < 2:
        return None
    if odd > 9 * even:
        return "utf-16-le"
    if even > 9 * odd:
        return "utf-16-be"
    return None


def _plain_share(text: str) -> float:
    """The share of characters a Chinese report uses (CJK, punctuation, ASCII); low for text decoded wrongly."""
    sample = text[:20000]
    return len(_PLAIN.findall(sample)) / max(len(sample), 1)


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), UTF-16 (with or without BOM), GB18030/GBK or Big5; return (text, encoding).

    Order: a BOM decides; then NUL bytes on every other position mean UTF-16, anywhere else a binary file; then
    strict UTF-8; then GB18030 (a superset of GBK and GB2312), Big5 and BOM-less UTF-16 without ASCII compete on how
    Chinese the text looks."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise DocumentError(f"{name}: starts like {enc.upper()} (byte order mark) but is not valid "
                                    f"{enc.upper()} at byte {exc.start}") from None
    utf16 = utf16_without_bom(data)
    if utf16 is not None:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            text = None
        if text is not None and _plain_share(text) >= 0.9:
            return text, utf16
    if b"\x00" in data[:4096]:
        raise DocumentError(f"{name}: looks like a binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for enc in ("gb18030", "big5", "utf-16-le", "utf-16-be"):
        if enc.startswith("utf-16") and len(data) % 2:
            continue
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc.startswith("utf-16") and _plain_share(text) < 0.9:
            continue
        candidates.append((_chinese_score(text, enc), enc, text))
    if not candidates:
        raise DocumentError(f"{name}: cannot decode as UTF-8, UTF-16, GB18030 or Big5")
    score, enc, text = max(candidates)
    if score < 0.5:
        raise DocumentError(f"{name}: does not look like Chinese text in a known encoding "
                            "(tried UTF-8, GB18030, Big5, UTF-16)")
    return text, enc


_COMMON = set("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
              "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开"
              "它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条"
              "只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边"
              "流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百"
              "规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务"
              "具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越"
              "织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府"
              "称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红"
              "细引听该铁价严龙飞")


def _chinese_score(text: str, enc: str) -> float:
    han = [c for c in text[:20000] if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return 0.0
    common = sum(c in _COMMON for c in han) / len(han)
    if enc == "big5":
        from zhconv import convert

        common = sum(c in _COMMON for c in convert("".join(han), "zh-cn")) / len(han) - 0.05
    return common


# ---------------------------------------------------------------- formats

def html_to_text(html: str) -> str:
    """Main text of an HTML page: drop scripts, styles, navigation and footers, keep block structure."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "svg", "iframe", "nav", "header", "footer",
                     "aside", "form", "button", "select"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    if soup.title:
        soup.title.decompose()
    root = _main_block(soup)
    for br in root.find_all("br"):
        br.replace_with("\n")
    for block in root.find_all(["p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article"]):
        block.insert_before("\n")
        block.insert_after("\n")
    body = root.get_text()
    lines = [ln.strip() for ln in body.splitlines()]
    text = "\n".join(ln for ln in lines if ln)
    if title and title not in text[:200]:
        text = title + "\n" + text
    return text


def _main_block(soup):
    """The element holding most of the page's Chinese prose: the article, not the menus around it."""
    best, best_score = soup.body or soup, 0.0
    for el in soup.find_all(["article", "main", "div", "section", "td"]):
        text = el.get_text(" ", strip=True)
        han = sum("\u4e00" <= c <= "\u9fff" for c in text)
        if han < 50:
            continue
        links = sum(len(a.get_text(strip=True)) for a in el.find_all("a"))
        punct = sum(text.count(p) for p in "。，,；")
        score = han * (1 - min(links / max(len(text), 1), 1)) * (1 + min(punct, 50) / 50)
        # prefer the innermost element that keeps most of the best score
        if score > best_score * 1.0 or (score > 0.85 * best_score and best is not None and el in best.descendants):
            best, best_score = el, score
    return best


def pdf_to_text(data: bytes, name: str) -> str:
    """Text of a PDF's pages in order (text layer only; scanned PDFs need OCR first)."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise DocumentError(f"{name}: not a readable PDF ({exc})") from None
    if not text.strip():
        raise DocumentError(f"{name}: the PDF has no text layer (scanned?); run OCR first")
    return text


def docx_to_text(data: bytes, name: str) -> str:
    """Paragraph and table text of a Word .docx file."""
    import io
    import zipfile

    from docx import Document as Docx

    try:
        d = Docx(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"{name}: not a readable .docx file ({exc})") from None
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


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


def document_metadata(text: str, name: str = "") -> dict:
    """Title, date, source, authors and reported event from a report's header lines."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    title = lines[0].strip() if lines else ""
    if len(title) > 60 or title.endswith("。"):
        title = Path(name).stem
    head = "\n".join(lines[:8])
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


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) on 。！？；, newlines; closing quotes stay with their sentence."""
    spans = []
    for m in _SENT_END.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s] in " \n":
            s += 1
        ee = e
        while ee > s and text[ee - 1] in " \n":
            ee -= 1
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


# ---------------------------------------------------------------- entry points

def document_from_text(text: str, name: str = "text.txt", *, path: str = "", encoding: str = "utf-8") -> Document:
    """A Document from already-decoded text: normalised, with metadata and sentences."""
    norm = normalise_text(text)
    if not norm.strip():
        raise DocumentError(f"{name}: the document is empty")
    meta = document_metadata(norm, name)
    return Document(name=name, text=norm, sentences=segment(norm, meta["date"]), title=meta["title"],
                    date=meta["date"], source=meta["source"], authors=meta["authors"], event=meta["event"],
                    path=path, content_hash=hashlib.sha256(norm.encode("utf-8")).hexdigest(), encoding=encoding)


def read_document(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one file of any supported format and encoding into a Document."""
    p = Path(path)
    name = p.name
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise DocumentError(f"{p}: {size:,} bytes is over the document size limit of {max_bytes:,} bytes "
                                "(raise it with --max-doc-bytes)")
        data = p.read_bytes()
    except FileNotFoundError:
        raise DocumentError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise DocumentError(f"{p}: is a directory") from None
    except PermissionError:
        raise DocumentError(f"{p}: permission denied") from None
    if not data.strip():
        raise DocumentError(f"{p}: the file is empty")
    suffix = p.suffix.lower()
    encoding = "binary"
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        text = pdf_to_text(data, str(p))
    elif suffix == ".docx" or (data[:2] == b"PK" and suffix not in TEXT_SUFFIXES | HTML_SUFFIXES):
        text = docx_to_text(data, str(p))
    else:
        text, encoding = decode_bytes(data, str(p))
        if suffix in HTML_SUFFIXES or re.match(r"\s*(<!doctype html|<html)", text[:200], re.I):
            text = html_to_text(text)
    return document_from_text(text, name, path=str(p), encoding=encoding)


def find_documents(inputs: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into a sorted list of document paths (folders recurse, hidden files skipped)."""
    out: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in DOCUMENT_SUFFIXES
                              and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        elif p.exists():
            out.append(p)
        else:
            raise DocumentError(f"{p}: no such file or directory")
    return list(dict.fromkeys(out))


