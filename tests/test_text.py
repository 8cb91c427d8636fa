import pytest

from graph.text.model import DocumentError
from graph.text.read import decode_bytes, html_to_text, read_document
from graph.text.segment import document_from_text, section_context, split_sentences

from conftest import SEED

TEXT = "某某县召开会议\n日期:2024-02-01\n2023年工作回顾\n全县新建道路三条。完成改造任务!\n2024年工作安排\n将加快建设新城。"


def test_sentence_offsets_point_into_the_text():
    doc = document_from_text(TEXT, "t.txt")
    assert doc.sentences
    for s in doc.sentences:
        assert doc.text[s.start:s.end] == s.text
    assert [s.text for s in doc.sentences if "道路" in s.text] == ["全县新建道路三条。"]


def test_sections_carry_year_and_status():
    doc = document_from_text(TEXT, "t.txt")
    past = next(s for s in doc.sentences if "道路" in s.text)
    plan = next(s for s in doc.sentences if "新城" in s.text)
    assert (past.year, past.status) == (2023, "completed")
    assert (plan.year, plan.status) == (2024, "planned")


def test_section_context_of_headings():
    assert section_context("2024重任千钧再奋蹄", 2023) == (2024, "planned")
    assert section_context("一、2022年国民经济和社会发展计划执行情况", 2023) == (2022, "completed")
    assert section_context("今后五年的主要任务", None)[1] == "planned"


def test_split_keeps_closing_quotes_with_their_sentence():
    text = "他说“要干。”然后走了；第二句"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["他说“要干。”", "然后走了；", "第二句"]


def test_seed_metadata():
    doc = read_document(SEED)
    assert doc.date == "2023-12-26"
    assert doc.title == "华容奋力打造武鄂协同发展先行区"
    assert doc.source == "鄂州政府网"
    assert "李文晋" in doc.authors and "潘协凯" in doc.authors
    assert "代表大会" in doc.event


@pytest.mark.parametrize("enc", ["gbk", "gb18030", "big5", "utf-16", "utf-8-sig"])
def test_chinese_encodings_are_detected(tmp_path, enc):
    text = "湖北省人民政府发布通知,要求各市县加快推进重点项目建设。" * 3
    if enc == "big5":
        text = "臺灣省政府發布通知,要求各縣市加快推進重點項目建設。" * 3
    f = tmp_path / f"doc-{enc}.txt"
    f.write_bytes(text.encode(enc))
    doc = read_document(f)
    assert doc.text.strip() == text


def test_binary_and_empty_files_are_refused_with_the_file_name(tmp_path):
    b = tmp_path / "x.txt"
    b.write_bytes(b"\x00\x01\x02binary\x00" * 50)
    with pytest.raises(DocumentError, match="x.txt.*binary"):
        read_document(b)
    e = tmp_path / "empty.txt"
    e.write_text("  \n", encoding="utf-8")
    with pytest.raises(DocumentError, match="empty"):
        read_document(e)
    with pytest.raises(DocumentError, match="no such file"):
        read_document(tmp_path / "missing.txt")


def test_html_main_text_drops_scripts_and_menus():
    html = """<html><head><title>区政府工作报告</title><script>var x="菜单脚本";</script></head><body>
    <nav><a href="/">首页</a><a href="/a">新闻中心</a></nav>
    <div class="article"><p>2023年,全区地区生产总值增长6.5%,完成年度目标。</p>
    <p>新建学校两所,改造老旧小区十二个,群众满意度持续提升。</p></div>
    <footer>版权所有 网站地图</footer></body></html>"""
    text = html_to_text(html)
    assert "地区生产总值增长6.5%" in text and "群众满意度" in text
    assert "菜单脚本" not in text and "网站地图" not in text and "新闻中心" not in text


def test_decode_rejects_undecodable_bytes():
    with pytest.raises(DocumentError):
        decode_bytes(bytes(range(128, 256)) * 20, "junk.txt")


SIMPLIFIED = "湖北省人民政府发布通知，要求各市县加快推进重点项目建设。全年新建学校两所，改造老旧小区十二个。"
TRADITIONAL = "臺灣省政府發布通知，要求各縣市加快推進重點項目建設。全年新建學校兩所，改造老舊小區十二個。"


def encodable(texts: dict[str, str], encodings: list[str]) -> list:
    """(text, encoding) pairs, for the encodings that have every character of the text (Big5: traditional only)."""
    pairs = []
    for name, text in texts.items():
        for enc in encodings:
            try:
                text.encode(enc)
            except UnicodeEncodeError:
                continue
            pairs.append(pytest.param(text, enc, id=f"{name}-{enc}"))
    return pairs


@pytest.mark.parametrize("text, enc", encodable(
    {"no-ascii": SIMPLIFIED, "with-ascii": SIMPLIFIED + "\n2023年12月26日\n", "traditional": TRADITIONAL + "\n2023年\n"},
    ["utf-16-le", "utf-16-be", "gbk", "gb18030", "big5", "utf-8"]))
def test_every_encoding_and_byte_order_decodes_to_the_same_text(text, enc):
    """UTF-16 without a byte order mark (with or without ASCII, whose NUL bytes give it away), GBK/GB18030 and
    Big5 (which compete on how Chinese the text reads) all give back the text."""
    decoded, found = decode_bytes(text.encode(enc), "doc.txt")
    assert decoded == text
    assert found == {"gbk": "gb18030"}.get(enc, enc)


@pytest.mark.parametrize("data", [b"\xff\xfe\x41", b"\xff\xfe\x00\xd8\x41\x00", b"\xfe\xff\xdc\x00"],
                         ids=["odd-length", "lone-surrogate-le", "lone-surrogate-be"])
def test_a_broken_utf16_file_with_a_byte_order_mark_is_named(data):
    with pytest.raises(DocumentError, match=r"broken\.txt: starts like UTF-16 \(byte order mark\) but is not valid"):
        decode_bytes(data, "broken.txt")


def test_nul_bytes_on_both_byte_positions_are_still_binary():
    with pytest.raises(DocumentError, match="binary"):
        decode_bytes(b"\x00\x00\x01\x00" * 100, "image.txt")


def test_a_run_without_full_stops_is_cut_into_sentences_of_bounded_length():
    """Rules compare a sentence's mentions pairwise: one "sentence" of a megabyte would take hours."""
    from graph.text.segment import MAX_SENTENCE

    clause = "青石镇建成滨河大道，"  # ten characters ending in a comma
    text = clause * 500 + "最后一句"
    spans = split_sentences(text)
    assert len(spans) > 1 and all(b - a <= MAX_SENTENCE for a, b in spans)
    assert [text[a:b] for a, b in spans] and "".join(text[a:b] for a, b in spans) == text
    assert all(text[b - 1] == "，" for a, b in spans[:-1])  # cut after a comma, never inside a name
    bare = "青" * (3 * MAX_SENTENCE + 5)  # no comma at all: cut at the length
    assert [b - a for a, b in split_sentences(bare)] == [MAX_SENTENCE] * 3 + [5]


def test_sentences_of_the_real_reports_are_not_cut():
    from graph.text.segment import MAX_SENTENCE

    doc = read_document(SEED)
    assert max(len(s.text) for s in doc.sentences) < MAX_SENTENCE
    assert split_sentences(doc.text) == [(s.start, s.end) for s in doc.sentences]


def test_the_main_block_of_a_deeply_nested_page():
    """20,000 nested <div>: each element's text was gathered again for every ancestor (quadratic)."""
    menu = "<div>" + "".join(f"<a href='/{i}'>栏目{i}</a>" for i in range(30)) + "</div>"
    article = "青石镇建成滨河大道，新建学校两所，改造老旧小区十二个。" * 4
    page = f"<html><body>{menu}" + "<div>" * 20000 + article + "</div>" * 20000 + "</body></html>"
    text = html_to_text(page)
    assert article in text and "栏目" not in text
