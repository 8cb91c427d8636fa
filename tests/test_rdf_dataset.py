"""graph.extract.keys and graph.rdf: the slugs that make entity and document IRIs."""
import hashlib
import re

from pypinyin import lazy_pinyin

from graph.extract.keys import slug


def whole_text_slug(text: str, limit: int = 40) -> str:
    """The slug as first defined: the whole text romanised at once, then cut."""
    ascii_part = re.sub(r"[^a-z0-9]+", "-", "".join(lazy_pinyin(text)).lower()).strip("-")[:limit].strip("-")
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]
    return f"{ascii_part}-{digest}" if ascii_part else digest


def test_slug_is_pinyin_and_a_hash():
    assert slug("华容区") == "huarongqu-" + hashlib.sha1("华容区".encode()).hexdigest()[:6]
    assert slug("重庆市").startswith("chongqingshi-")  # the phrase's reading, not the character's first one


def test_homophones_get_different_slugs():
    assert slug("华容区") != slug("花蓉区")
    assert slug("华容区").split("-")[0] == slug("花蓉区").split("-")[0]


def test_no_pinyin_gives_the_hash_alone():
    assert re.fullmatch(r"[0-9a-f]{6}", slug("、——"))


def test_romanising_run_by_run_equals_the_whole_text():
    """slug romanises only as many runs of Chinese characters as its cut needs; the result must not change."""
    texts = [
        "huarong-2023-12-26.txt:1234:地区生产总值增长",
        "华容区2023年政府工作报告.txt:88:规模以上工业增加值",
        "重庆市长寿区:5:长江经济带",
        "a:1:行长银行",
        "报告.docx:0:" + "长" * 30,
        "ΑΣ İstanbul 重庆 — 长沙:9:x",
        "2024-01-05:12345678901234567890:银行行长",
        "",
        "---",
    ]
    for text in texts:
        for limit in (5, 24, 40, 60):
            assert slug(text, limit) == whole_text_slug(text, limit), (text, limit)


def test_slug_respects_its_limit():
    s = slug("华容区" * 20, 24)
    assert len(s.rsplit("-", 1)[0]) <= 24


def test_pinyin_labels_equal_lazy_pinyin():
    """Labels' pinyin is read word by word from pypinyin's own segmentation (cached per word); it must equal
    lazy_pinyin of the whole label, phrase readings included (重庆 chong, 银行 hang)."""
    from graph.extract.keys import pinyin

    for text in ["重庆市长寿区", "中国银行行长", "华容区 abc.txt", "长江经济带发展", "", "ΑΣ 重庆"]:
        assert pinyin(text) == " ".join(lazy_pinyin(text))
