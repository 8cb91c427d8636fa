"""Read documents (txt, md, html, pdf, docx in any common Chinese encoding) into text, and find the documents of a
corpus; `graph.text.segment` turns the text into a Document with sentences and sections."""
from __future__ import annotations

import errno
import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.text.model import Document, DocumentError
from graph.text.segment import document_from_text

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf", ".docx"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

log = logging.getLogger(__name__)


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

_DROPPED_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "nav", "header", "footer", "aside",
                 "form", "button", "select"]
_BLOCK_TAGS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article"})
_CANDIDATE_TAGS = frozenset({"article", "main", "div", "section", "td"})


def html_to_text(html: str) -> str:
    """Main text of an HTML page: drop scripts, styles, navigation and footers, keep block structure."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_DROPPED_TAGS):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    if soup.title:
        soup.title.decompose()
    body = _block_text(_main_block(soup))
    lines = [ln.strip() for ln in body.splitlines()]
    text = "\n".join(ln for ln in lines if ln)
    if title and title not in text[:200]:
        text = title + "\n" + text
    return text


def _text_strings():
    """The string types get_text() reads (no comments, doctypes or processing instructions)."""
    from bs4.element import Tag

    return Tag.MAIN_CONTENT_STRING_TYPES


def _walk(root) -> Iterator[tuple[object, bool]]:
    """(node, entering) for every node below `root` in document order, entering False when a tag's contents end:
    an explicit stack, so 20,000 nested tags neither recurse nor cost more than once each."""
    from bs4.element import Tag

    stack = [iter(root.contents)]
    parents = []
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            if parents:
                yield parents.pop(), False
            continue
        yield node, True
        if isinstance(node, Tag):
            stack.append(iter(node.contents))
            parents.append(node)


def _block_text(root) -> str:
    """root's text with a line break around every block and for every <br> (one pass, the page left unchanged)."""
    from bs4.element import Tag

    strings = _text_strings()
    out = []
    for node, entering in _walk(root):
        if isinstance(node, Tag):
            if node.name in _BLOCK_TAGS or (entering and node.name == "br"):
                out.append("\n")
        elif type(node) in strings:
            out.append(str(node))
    return "".join(out)


@dataclass
class _TextStats:
    """What _main_block scores an element by, summed bottom-up over its subtree."""

    han: int = 0
    chars: int = 0  # characters of the stripped strings (get_text(" ", strip=True) adds a space between pieces)
    pieces: int = 0
    punct: int = 0
    links: int = 0  # characters of the stripped text of every <a> inside (nested links count again, as before)

    def add(self, other: "_TextStats") -> None:
        self.han += other.han
        self.chars += other.chars
        self.pieces += other.pieces
        self.punct += other.punct
        self.links += other.links


_HAN = re.compile(r"[\u4e00-\u9fff]")
_PUNCT = re.compile(r"[。，,；]")


def _main_block(soup):
    """The element holding most of the page's Chinese prose: the article, not the menus around it. Scores come
    from one bottom-up pass (an element's text is its children's), so a page of deeply nested tags stays linear."""
    from bs4.element import Tag

    strings = _text_strings()
    stats: dict[int, _TextStats] = {}
    order: list = []  # candidate elements in document order
    span: dict[int, tuple[float, float]] = {id(soup): (0, float("inf"))}  # where a tag opens and closes in the walk
    open_stack: list[_TextStats] = [_TextStats()]
    position = 0
    for node, entering in _walk(soup):
        position += 1
        if isinstance(node, Tag):
            if entering:
                open_stack.append(_TextStats())
                span[id(node)] = (position, position)
                if node.name in _CANDIDATE_TAGS:
                    order.append(node)
                continue
            own = open_stack.pop()
            stats[id(node)] = own
            span[id(node)] = (span[id(node)][0], position)
            parent = open_stack[-1]
            parent.add(own)
            if node.name == "a":
                parent.links += own.chars
        elif type(node) in strings:
            piece = node.strip()
            if piece:
                open_stack[-1].add(_TextStats(len(_HAN.findall(piece)), len(piece), 1, len(_PUNCT.findall(piece))))
    best, best_score = soup.body or soup, 0.0
    for el in order:
        st = stats[id(el)]
        if st.han < 50:
            continue
        length = st.chars + max(st.pieces - 1, 0)
        score = st.han * (1 - min(st.links / max(length, 1), 1)) * (1 + min(st.punct, 50) / 50)
        # prefer the innermost element that keeps most of the best score
        inside = span[id(best)][0] < span[id(el)][0] <= span[id(best)][1]
        if score > best_score * 1.0 or (score > 0.85 * best_score and inside):
            best, best_score = el, score
    return best


def pdf_to_text(data: bytes, name: str) -> str:
    """Text of a PDF's pages in order (text layer only; scanned PDFs need OCR first). pypdf's complaints about a
    damaged file ("EOF marker not found", logged bare on stderr) become part of this document's one message."""
    import io

    from pypdf import PdfReader

    complaints = _Complaints()
    logger = logging.getLogger("pypdf")
    logger.addHandler(complaints)
    propagate, logger.propagate = logger.propagate, False
    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as exc:  # pypdf raises many kinds on damaged files (PdfReadError, ValueError, KeyError …)
        raise DocumentError(f"{name}: not a readable PDF ({_reason(exc, complaints.lines)})") from None
    finally:
        logger.removeHandler(complaints)
        logger.propagate = propagate
    if not text.strip():
        raise DocumentError(f"{name}: the PDF has no text layer (scanned?); run OCR first")
    return text


class _Complaints(logging.Handler):
    """Collects a library's log lines while it reads one document."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _reason(exc: BaseException, notes: Iterable[str] = ()) -> str:
    """Why a reader library gave up, in one line: its exception and what it logged first."""
    said = (str(exc).strip().splitlines() or [""])[0][:200]
    reason = f"{type(exc).__name__}: {said}" if said else type(exc).__name__
    return "; ".join(dict.fromkeys([reason, *(n for n in notes if n)]))


def docx_to_text(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Paragraph and table text of a Word .docx file. The zip's members are counted before anything is unpacked:
    a 760 KB zip bomb unpacks to gigabytes, so the size limit applies to what the file unzips to as well."""
    import io
    import zipfile

    from docx import Document as Docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())  # zipfile never unpacks more than this
    except Exception as exc:
        raise DocumentError(f"{name}: not a readable .docx file ({_reason(exc)})") from None
    if unzipped > max_bytes:
        raise DocumentError(f"{name}: unzips to {unzipped:,} bytes, over the document size limit of {max_bytes:,} "
                            "bytes (raise it with --max-doc-bytes)")
    try:
        d = Docx(io.BytesIO(data))
        parts = [p.text for p in d.paragraphs]
        for table in d.tables:
            for row in table.rows:
                parts.append(" ".join(cell.text for cell in row.cells))
    except Exception as exc:  # python-docx and lxml raise many kinds (XMLSyntaxError, KeyError …) on damaged files
        raise DocumentError(f"{name}: not a readable .docx file ({_reason(exc)})") from None
    return "\n".join(parts)


# ---------------------------------------------------------------- entry points

def file_kind(path: Path) -> str:
    """"file", "folder", "missing", or why the path is neither (a FIFO, a device, a link to nothing …), without
    opening it: opening a FIFO waits for a writer forever, and a device never ends."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "a symbolic link to nothing" if os.path.islink(path) else "missing"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        return f"cannot be read ({exc.strerror})"
    return _kind(mode)


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    return "not a regular file"


def read_regular_file(path: str | Path, max_bytes: int) -> bytes:
    """A regular file's bytes, at most max_bytes of them. The file is opened without waiting (a FIFO put in its
    place since it was listed is refused, not waited on) and read only up to the limit (a file under /proc says
    its size is 0)."""
    p = Path(path)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise DocumentError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise DocumentError(f"{p}: is a directory") from None
    except PermissionError:
        raise DocumentError(f"{p}: permission denied") from None
    except OSError as exc:
        raise DocumentError(f"{p}: cannot be read ({exc.strerror})") from None
    with open(fd, "rb") as fh:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise DocumentError(f"{p}: is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise DocumentError(f"{p}: skipped: {_kind(st.st_mode)}")
        if st.st_size > max_bytes:
            raise DocumentError(_too_large(p, st.st_size, max_bytes))
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise DocumentError(f"{p}: cannot be read ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise DocumentError(_too_large(p, None, max_bytes))
    return data


def _too_large(p: Path, size: int | None, max_bytes: int) -> str:
    what = f"{size:,} bytes is" if size is not None else "it has more bytes than it said, and is"
    return f"{p}: {what} over the document size limit of {max_bytes:,} bytes (raise it with --max-doc-bytes)"


def read_document(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one file of any supported format and encoding into a Document."""
    p = Path(path)
    name = p.name
    data = read_regular_file(p, max_bytes)
    if not data.strip():
        raise DocumentError(f"{p}: the file is empty")
    suffix = p.suffix.lower()
    encoding = "binary"
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        text = pdf_to_text(data, str(p))
    elif suffix == ".docx" or (data[:2] == b"PK" and suffix not in TEXT_SUFFIXES | HTML_SUFFIXES):
        text = docx_to_text(data, str(p), max_bytes)
    else:
        text, encoding = decode_bytes(data, str(p))
        if suffix in HTML_SUFFIXES or re.match(r"\s*(<!doctype html|<html)", text[:200], re.I):
            text = html_to_text(text)
    return document_from_text(text, name, path=str(p), encoding=encoding)


def find_documents(inputs: Iterable[str | Path], skipped: list[str] | None = None) -> list[Path]:
    """Expand files and folders into a sorted list of document paths (folders recurse, hidden files skipped).

    Only regular files are documents: FIFOs, devices, sockets, links to nothing, link loops, links to folders
    (not followed) and folders that cannot be read are skipped, each with a line in `skipped` (or, without that
    list, a warning on the "graph" logger). A path that does not exist at all is an error."""
    notes: list[str] = [] if skipped is None else skipped
    out: list[Path] = []
    for item in inputs:
        p = Path(item)
        kind = file_kind(p)
        if kind == "folder":
            out.extend(_documents_under(p, notes))
        elif kind == "file":
            out.append(p)
        elif kind == "missing":
            raise DocumentError(f"{p}: no such file or directory")
        else:
            notes.append(f"{p}: skipped: {kind}")
    if skipped is None:
        for note in notes:
            log.warning(note)
    return list(dict.fromkeys(out))


def _documents_under(root: Path, notes: list[str]) -> list[Path]:
    """The documents below a folder, sorted; what cannot be a document is noted (see find_documents)."""
    found: list[Path] = []

    def unreadable(exc: OSError) -> None:
        notes.append(f"{exc.filename}: skipped: cannot read this folder ({exc.strerror})")

    for folder, subfolders, files in os.walk(root, onerror=unreadable):
        here = Path(folder)
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        for d in subfolders:
            if os.path.islink(here / d):
                notes.append(f"{here / d}: skipped: a symbolic link to a folder, not followed (give the folder itself)")
        for f in files:
            if f.startswith(".") or Path(f).suffix.lower() not in DOCUMENT_SUFFIXES:
                continue
            kind = file_kind(here / f)
            if kind == "file":
                found.append(here / f)
            else:
                notes.append(f"{here / f}: skipped: {kind}")
    return sorted(found)
